using Dapper;
using Dispatch.Api.Domain;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.Grpc.Pairing.V1;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Dispatch.Api.Features.Assignments;

public sealed record CoverageGap(string VillageCode, string VillageName, string Force, string ForceName, DateOnly OpenSince, int OpenDays);

public sealed record CountyCoverage(string CountyCode, string CountyName, int PoorVillages, int Complete, IReadOnlyDictionary<string, int> GapsByForce,
    int? Households, int? HouseholdsWithHelper);

/// <summary>The sixth "one" from the pairing service: households and households with a responsible helper.</summary>
public sealed record HelperCoverage(bool Available, int Households, int WithHelper, double Share, string? Note);

public sealed record CoverageReport(
    string Scope,
    DateOnly On,
    int PoorVillages,
    int Complete,
    IReadOnlyDictionary<string, int> GapsByForce,
    IReadOnlyList<CountyCoverage> Counties,
    int GapCount,
    IReadOnlyList<CoverageGap> Gaps,
    HelperCoverage HouseholdHelpers);

/// <summary>
/// Six-ones coverage (六个一) of the poor villages in a scope (贫困村, 当年计划退出村, and 已退出村, which keep force,
/// management and assessment unchanged: 三个不变): for each of the five
/// village-level forces, whether the village has it today; totals per county; the open gaps, oldest first, with the
/// day each opened (the day after the last holder left, or the village's registration when it never had one).
/// The sixth "one", a helper for every household, is asked of the pairing service over gRPC (householdHelpers).
/// </summary>
public static class Coverage
{
    public const int MaxGaps = 1000;

    public static async Task<Ok<CoverageReport>> HandleAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, Pairing.PairingClient pairing, ILoggerFactory loggers, CancellationToken cancellationToken,
        string? prefix = null, DateOnly? on = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);

        var day = on ?? ChinaTime.Today();
        // The sixth "one" (a helper for every household) is pairing's: asked over gRPC as the caller while this service
        // reads its own part. Without it the report still answers, and says so.
        var helpersRead = ReadHouseholdHelpersAsync(pairing, scope, loggers, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await ReadStatesAsync(connection, scope, day, cancellationToken);

        var countyNames = (await connection.QueryAsync<(string Code, string Name)>(new CommandDefinition(
            "SELECT code, name FROM regions WHERE level = 3 AND code = ANY(@codes)",
            new { codes = rows.Select(r => CountyOf(r.VillageCode)).Distinct().ToArray() }, cancellationToken: cancellationToken)))
            .ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);

        var byVillage = rows.GroupBy(r => r.VillageCode).ToList();
        var gaps = rows.Where(r => !r.Present)
            .Select(r =>
            {
                var since = DateOnly.FromDateTime(r.OpenSince);
                return new CoverageGap(r.VillageCode, r.VillageName, r.Force, CadreVocabulary.ChineseOf(Forces.All, r.Force), since, Math.Max(0, day.DayNumber - since.DayNumber));
            })
            .OrderByDescending(g => g.OpenDays).ThenBy(g => g.VillageCode, StringComparer.Ordinal).ThenBy(g => g.Force, StringComparer.Ordinal)
            .ToList();
        var (helpers, note) = await helpersRead;

        var poorVillages = byVillage.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        var counties = byVillage.GroupBy(v => CountyOf(v.Key))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c =>
            {
                var villages = c.Select(v => helpers.GetValueOrDefault(v.Key)).ToList();
                return new CountyCoverage(c.Key, countyNames.GetValueOrDefault(c.Key, string.Empty), c.Count(), c.Count(v => v.All(r => r.Present)),
                    GapsByForce(c.SelectMany(v => v)), note is null ? villages.Sum(v => v.Households) : null, note is null ? villages.Sum(v => v.WithHelper) : null);
            })
            .ToList();
        var inScope = helpers.Where(h => poorVillages.Contains(h.Key)).Select(h => h.Value).ToList();
        var households = inScope.Sum(h => h.Households);
        var withHelper = inScope.Sum(h => h.WithHelper);
        var helperCoverage = new HelperCoverage(note is null, households, withHelper, households == 0 ? 0 : Math.Round((double)withHelper / households, 4), note);

        return TypedResults.Ok(new CoverageReport(scope.ToString(), day, byVillage.Count, byVillage.Count(v => v.All(r => r.Present)), GapsByForce(rows),
            counties, gaps.Count, gaps.Take(MaxGaps).ToList(), helperCoverage));
    }

    /// <summary>Households and those with a responsible helper per village of the scope, from pairing; a note instead when it cannot answer.</summary>
    private static async Task<(Dictionary<string, (int Households, int WithHelper)> Helpers, string? Note)> ReadHouseholdHelpersAsync(
        Pairing.PairingClient pairing, RegionScope scope, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var helpers = new Dictionary<string, (int Households, int WithHelper)>(StringComparer.Ordinal);
        try
        {
            using var call = pairing.ListVillageHelperCoverage(new ListVillageHelperCoverageRequest { Prefix = scope.Prefix }, cancellationToken: cancellationToken);
            await foreach (var village in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                helpers[village.VillageCode] = (village.Households, village.WithHelper);
            }

            return (helpers, null);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(Coverage)).LogWarning("Coverage without household helpers: pairing answered {Status} {Detail}", ex.StatusCode, ex.Status.Detail);
            return ([], $"结对服务暂不可用，帮扶责任人覆盖未计入（{ex.StatusCode}）");
        }
    }

    /// <summary>
    /// One row per poor village of the scope and village-level force: whether it is present on <paramref name="day"/>, and
    /// since when it has been open (the day after the last holder left, or the village's registration when it never had one).
    /// </summary>
    internal static async Task<List<ForceState>> ReadStatesAsync(NpgsqlConnection connection, RegionScope scope, DateOnly day, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ForceState>(new CommandDefinition(
            """
            WITH villages AS (
                SELECT code, name, created_at::date AS registered_on FROM regions
                WHERE level = 5 AND category IN ('poor', 'planned_exit', 'exited') AND code >= @From AND code < @To
            ), held AS (
                -- One pass over the scope's assignments (a province has about 120,000), not two lookups per village and force.
                SELECT a.village_code, a.force,
                       bool_or(a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day)) AS present,
                       max(a.ends_on) FILTER (WHERE a.ends_on < @day) + 1 AS reopened_on
                FROM assignments a
                WHERE a.village_code >= @From AND a.village_code < @To AND a.force = ANY (@forces)
                GROUP BY a.village_code, a.force
            )
            SELECT v.code AS village_code, v.name AS village_name, f.force, coalesce(h.present, false) AS present,
                   coalesce(h.reopened_on, v.registered_on) AS open_since
            FROM villages v CROSS JOIN unnest(@forces::text[]) AS f(force)
            LEFT JOIN held h ON h.village_code = v.code AND h.force = f.force
            """,
            new { scope.From, scope.To, day, forces = Forces.VillageCoverage.ToArray() }, cancellationToken: cancellationToken))).ToList();

    private static string CountyOf(string villageCode) => villageCode[..6] + "000000";

    internal static Dictionary<string, int> GapsByForce(IEnumerable<ForceState> rows) =>
        Forces.VillageCoverage.ToDictionary(f => f, f => rows.Count(r => r.Force == f && !r.Present), StringComparer.Ordinal);

    internal sealed class ForceState
    {
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string Force { get; init; } = string.Empty;
        public bool Present { get; init; }
        public DateTime OpenSince { get; init; }
    }
}
