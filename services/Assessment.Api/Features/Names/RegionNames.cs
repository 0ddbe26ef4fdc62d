using Assessment.Api.Domain;
using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;

namespace Assessment.Api.Features.Names;

/// <summary>
/// A county's, township's or village's name by its code and level (a county's code padded to 12 digits is not a village): the local copy of dispatch's registry (<see cref="CollectNames"/>)
/// first, else dispatch itself (a region not copied yet: a month not scored). Asked as the service account; the caller's
/// scope is the feature's to check. Null when dispatch has no region with that code. A failure to reach dispatch is
/// left to the caller, which names its own problem.
/// </summary>
public sealed class RegionNames(VillageRegistry.VillageRegistryClient registry, NpgsqlDataSource dataSource)
{
    public const string County = "county";
    public const string Township = "township";
    public const string Village = "village";

    public async Task<string?> FindAsync(string code, string level, CancellationToken cancellationToken)
    {
        var padded = SubjectKinds.Pad(code);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            var local = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT name FROM region_names WHERE code = @padded AND level = @level", new { padded, level }, cancellationToken: cancellationToken));
            if (local is not null)
            {
                return local;
            }
        }

        // In code order the region itself comes first under its own prefix.
        using var regions = registry.ListRegions(new ListRegionsRequest { Prefix = code, Limit = 1 }, cancellationToken: cancellationToken);
        await foreach (var region in regions.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (region.Code == padded && region.Level == level)
            {
                return region.Name;
            }
        }

        return null;
    }
}
