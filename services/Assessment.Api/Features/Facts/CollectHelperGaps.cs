using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.ServiceDefaults;
using PairingContract = Platform.Contracts.Grpc.Pairing.V1.Pairing;

namespace Assessment.Api.Features.Facts;

/// <summary>
/// Copies, for a month being scored, each village's households and those with a responsible helper under a prefix from
/// pairing (pairing.v1.Pairing/ListVillageHelperCoverage, streamed, as the service account). Households without a
/// helper are a state, not an event, so pairing is asked. A county's month already scored final keeps what it saw
/// (its month_models row), so scoring it again gives the same answer; a village's fact keeps its id when collected again.
/// </summary>
public sealed class CollectHelperGaps(PairingContract.PairingClient pairing, NpgsqlDataSource dataSource)
{
    private const int Batch = 1000;

    public async Task<int> CollectAsync(string month, string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var fixedCounties = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT county_code FROM month_models WHERE month = @month AND (starts_with(county_code, @prefix) OR starts_with(@prefix, county_code))",
            new { month, prefix }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var batch = new List<VillageHelperCoverage>(Batch);
        var collected = 0;
        try
        {
            using var call = pairing.ListVillageHelperCoverage(new ListVillageHelperCoverageRequest { Prefix = prefix }, cancellationToken: cancellationToken);
            await foreach (var village in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (village.VillageCode.Length < 6 || fixedCounties.Contains(village.VillageCode[..6]))
                {
                    continue;
                }

                batch.Add(village);
                if (batch.Count == Batch)
                {
                    collected += await WriteAsync(connection, month, batch, cancellationToken);
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal)
        {
            throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "facts_unavailable", "考核所需事实暂不可得",
                $"pairing answered {ex.StatusCode} for the villages' helpers.").ToException("结对帮扶服务暂不可用，无法取得帮扶责任人落实情况");
        }

        return collected + await WriteAsync(connection, month, batch, cancellationToken);
    }

    private static async Task<int> WriteAsync(NpgsqlConnection connection, string month, List<VillageHelperCoverage> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO helper_gap_facts (id, month, village_code, households, with_helper)
            SELECT id, @month, village_code, households, with_helper FROM unnest(@ids, @villages, @households, @withHelper) AS f (id, village_code, households, with_helper)
            ON CONFLICT (month, village_code) DO UPDATE SET households = EXCLUDED.households, with_helper = EXCLUDED.with_helper, collected_at = now()
            """,
            new
            {
                month, ids = batch.Select(_ => Guid.CreateVersion7()).ToArray(), villages = batch.Select(v => v.VillageCode).ToArray(),
                households = batch.Select(v => v.Households).ToArray(), withHelper = batch.Select(v => v.WithHelper).ToArray(),
            }, cancellationToken: cancellationToken));
        var written = batch.Count;
        batch.Clear();
        return written;
    }
}
