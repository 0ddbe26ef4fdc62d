using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Names;

/// <summary>
/// Copies the names of the regions under a prefix and of the assisting units of its province from dispatch's registry
/// (streamed, as the service account) before a month is scored, so that rankings, explanations, exports and bulletins name 通川区 and
/// 通川区农业农村局 rather than their codes. Upserts batch by batch; a name that did not change is not written again.
/// </summary>
public sealed class CollectNames(VillageRegistry.VillageRegistryClient registry, Personnel.PersonnelClient personnel, NpgsqlDataSource dataSource)
{
    private const int Batch = 1000;

    public async Task CollectAsync(string prefix, CancellationToken cancellationToken)
    {
        try
        {
            using (var regions = registry.ListRegions(new ListRegionsRequest { Prefix = prefix }, cancellationToken: cancellationToken))
            {
                await foreach (var batch in regions.ResponseStream.ReadAllAsync(cancellationToken).Chunk(Batch).WithCancellation(cancellationToken))
                {
                    await UpsertRegionsAsync(batch, cancellationToken);
                }
            }

            // A unit serving the region may sit above it (a province's or city's department): its units are the province's.
            using var units = personnel.ListUnits(new ListUnitsRequest { Prefix = prefix[..Math.Min(2, prefix.Length)] }, cancellationToken: cancellationToken);
            await foreach (var batch in units.ResponseStream.ReadAllAsync(cancellationToken).Chunk(Batch).WithCancellation(cancellationToken))
            {
                await UpsertUnitsAsync(batch, cancellationToken);
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal)
        {
            throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "facts_unavailable", "考核所需事实暂不可得",
                $"dispatch answered {ex.StatusCode} for the names of regions and units.").ToException("选派服务暂不可用，无法取得区划和单位名称");
        }
    }

    private async Task UpsertRegionsAsync(Region[] regions, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO region_names (code, name, level, parent_code)
            SELECT code, name, level, nullif(parent_code, '') FROM unnest(@codes, @names, @levels, @parents) AS r (code, name, level, parent_code)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code, updated_at = now()
            WHERE (region_names.name, region_names.level, region_names.parent_code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.level, EXCLUDED.parent_code)
            """,
            new
            {
                codes = regions.Select(r => r.Code).ToArray(), names = regions.Select(r => r.Name).ToArray(), levels = regions.Select(r => r.Level).ToArray(),
                parents = regions.Select(r => r.ParentCode).ToArray(),
            }, cancellationToken: cancellationToken));
    }

    private async Task UpsertUnitsAsync(Unit[] units, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO unit_names (code, name, region_code)
            SELECT code, name, region_code FROM unnest(@codes, @names, @regions) AS u (code, name, region_code)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code, updated_at = now()
            WHERE (unit_names.name, unit_names.region_code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.region_code)
            """,
            new { codes = units.Select(u => u.Code).ToArray(), names = units.Select(u => u.Name).ToArray(), regions = units.Select(u => u.RegionCode).ToArray() },
            cancellationToken: cancellationToken));
    }
}
