using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Analytics;

public sealed record UnitShare(string Code, string Name, string RegionCode, int StaffCount, int InVillagePosts, double Share, bool BelowOneThird);

public sealed record CountyBalance(string CountyCode, string CountyName, int PoorVillages, int PoorHouseholds, int Forces, double ForcesPerPoorVillage,
    double ForcesPer100PoorHouseholds, string Served);

public sealed record Candidate(Guid CadreId, string Name, string UnitCode, string UnitName, double Score, IReadOnlyList<ScoreFactor> Factors);

public sealed record CatchUpCadre(Guid CadreId, string Name, string UnitCode, DateOnly LastPromotedOn);

/// <summary>
/// Dispatch analytics (domain.md §3): the one-third rule per unit (三个三分之一), balance of forces per county (均衡选派),
/// candidates for a village's open post (精准选派), and cadres due for a village stint (补课).
/// </summary>
public static class DispatchAnalytics
{
    private const string ResidentForces = "('first_secretary', 'team_leader', 'team_member')";

    /// <summary>Each unit's share of staff in village posts today; below 1/3 is flagged.</summary>
    public static async Task<Ok<IReadOnlyList<UnitShare>>> OneThirdAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Code, string Name, string RegionCode, int StaffCount, int InVillage)>(new CommandDefinition(
            $"""
            SELECT u.code, u.name, u.region_code, u.staff_count,
                   (SELECT count(DISTINCT a.cadre_id) FROM assignments a JOIN cadres c ON c.id = a.cadre_id
                    WHERE c.unit_id = u.id AND a.force IN {ResidentForces} AND a.starts_on <= @today AND (a.ends_on IS NULL OR a.ends_on >= @today))::int
            FROM assisting_units u WHERE u.region_code >= @From AND u.region_code < @To ORDER BY u.code
            """, new { scope.From, scope.To, today = ChinaTime.Today() }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<UnitShare>>(rows.Select(r =>
        {
            var share = r.StaffCount == 0 ? 0 : Math.Round((double)r.InVillage / r.StaffCount, 3);
            return new UnitShare(r.Code, r.Name, r.RegionCode, r.StaffCount, r.InVillage, share, r.InVillage * 3 < r.StaffCount);
        }).OrderBy(u => u.Share).ThenBy(u => u.Code, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Forces per poor village and per 100 poor households in each county; a county is over-served above 1.25 times the
    /// median of the counties compared, under-served below 0.75 times (move forces from light to heavy tasks).
    /// </summary>
    public static async Task<Ok<IReadOnlyList<CountyBalance>>> BalanceAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string CountyCode, string CountyName, int PoorVillages, int PoorHouseholds, int Forces)>(new CommandDefinition(
            """
            SELECT county.code, county.name,
                   count(v.code) FILTER (WHERE v.category IN ('poor', 'planned_exit'))::int,
                   coalesce(sum(v.poor_households), 0)::int,
                   (SELECT count(*) FROM assignments a WHERE a.village_code >= county.code AND a.village_code < substr(county.code, 1, 5) || chr(ascii(substr(county.code, 6, 1)) + 1) || '000000'
                      AND a.starts_on <= @today AND (a.ends_on IS NULL OR a.ends_on >= @today))::int
            FROM regions county
            LEFT JOIN regions v ON v.level = 5 AND v.code >= county.code AND substr(v.code, 1, 6) = substr(county.code, 1, 6)
            WHERE county.level = 3 AND county.code >= @From AND county.code < @To
            GROUP BY county.code, county.name ORDER BY county.code
            """, new { scope.From, scope.To, today = ChinaTime.Today() }, cancellationToken: cancellationToken))).ToList();

        var perVillage = rows.Where(r => r.PoorVillages > 0).Select(r => (double)r.Forces / r.PoorVillages).Order().ToList();
        var median = perVillage.Count == 0 ? 0 : perVillage[perVillage.Count / 2];
        return TypedResults.Ok<IReadOnlyList<CountyBalance>>(rows.Select(r =>
        {
            var ratio = r.PoorVillages == 0 ? 0 : Math.Round((double)r.Forces / r.PoorVillages, 2);
            var served = r.PoorVillages == 0 || median == 0 ? "balanced" : ratio > 1.25 * median ? "over" : ratio < 0.75 * median ? "under" : "balanced";
            return new CountyBalance(r.CountyCode, r.CountyName, r.PoorVillages, r.PoorHouseholds, r.Forces, ratio,
                r.PoorHouseholds == 0 ? 0 : Math.Round(r.Forces * 100.0 / r.PoorHouseholds, 2), served);
        }).ToList());
    }

    /// <summary>
    /// Cadres of the caller's scope who could take a village's open post, best first, each score explained factor by
    /// factor. For resident posts only cadres without a resident post today; never cadres who said they are unwilling.
    /// </summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Ok<IReadOnlyList<Candidate>>> CandidatesAsync(
        string code, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string force = Forces.FirstSecretary, int limit = 20)
    {
        if (!scope.Covers(code) || CadreVocabulary.Find(Forces.All, force) is null || force == Forces.AssistingUnit)
        {
            throw Regions.GetVillage.VillageNotFound(code);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var village = await connection.QuerySingleOrDefaultAsync<(short? Infrastructure, short? Industry, short? Governance)?>(new CommandDefinition(
            "SELECT infrastructure_score, industry_score, governance_score FROM regions WHERE code = @code AND level = 5", new { code }, cancellationToken: cancellationToken));
        if (village is null)
        {
            throw Regions.GetVillage.VillageNotFound(code);
        }

        var today = ChinaTime.Today();
        var cadres = await connection.QueryAsync<CadreRow>(new CommandDefinition(
            $"""
            SELECT c.id, c.name, u.code AS unit_code, u.name AS unit_name, u.region_code, c.skills, c.rural_experience, c.last_promoted_on, c.willingness
            FROM cadres c JOIN assisting_units u ON u.id = c.unit_id
            WHERE c.region_code >= @From AND c.region_code < @To AND c.willingness <> 'unwilling'
              AND (@resident = false OR NOT EXISTS (SELECT 1 FROM assignments a WHERE a.cadre_id = c.id AND a.force IN {ResidentForces}
                                                   AND a.starts_on <= @today AND (a.ends_on IS NULL OR a.ends_on >= @today)))
            """, new { scope.From, scope.To, today, resident = Forces.Resident.Contains(force) }, cancellationToken: cancellationToken));
        var needs = new VillageNeeds(village.Value.Infrastructure, village.Value.Industry, village.Value.Governance, code[..6] + "000000");
        return TypedResults.Ok<IReadOnlyList<Candidate>>(cadres
            .Select(c => (Cadre: c, Score: CandidateScoring.Score(needs, new CandidateProfile(c.Skills, c.RuralExperience, c.Willingness, c.RegionCode,
                c.LastPromotedOn is { } d ? DateOnly.FromDateTime(d) : null), today)))
            .OrderByDescending(x => x.Score.Total).ThenBy(x => x.Cadre.Id)
            .Take(Math.Clamp(limit, 1, 200))
            .Select(x => new Candidate(x.Cadre.Id, x.Cadre.Name, x.Cadre.UnitCode, x.Cadre.UnitName, x.Score.Total, x.Score.Factors))
            .ToList());
    }

    /// <summary>"补课": cadres promoted in the last two years without rural experience who hold no village post.</summary>
    public static async Task<Ok<IReadOnlyList<CatchUpCadre>>> CatchUpAsync(
        RegionScope callerScope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null)
    {
        var scope = callerScope.NarrowOrDeny(prefix);

        var today = ChinaTime.Today();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, string Name, string UnitCode, DateTime LastPromotedOn)>(new CommandDefinition(
            $"""
            SELECT c.id, c.name, u.code, c.last_promoted_on FROM cadres c JOIN assisting_units u ON u.id = c.unit_id
            WHERE c.region_code >= @From AND c.region_code < @To AND NOT c.rural_experience AND c.last_promoted_on >= @since
              AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.cadre_id = c.id AND a.force IN {ResidentForces})
            ORDER BY c.last_promoted_on, c.id
            """, new { scope.From, scope.To, since = today.AddYears(-2) }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<CatchUpCadre>>(rows.Select(r => new CatchUpCadre(r.Id, r.Name, r.UnitCode, DateOnly.FromDateTime(r.LastPromotedOn))).ToList());
    }

    private sealed class CadreRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = string.Empty;
        public string UnitCode { get; init; } = string.Empty;
        public string UnitName { get; init; } = string.Empty;
        public string RegionCode { get; init; } = string.Empty;
        public string[] Skills { get; init; } = [];
        public bool RuralExperience { get; init; }
        public DateTime? LastPromotedOn { get; init; }
        public string Willingness { get; init; } = string.Empty;
    }
}
