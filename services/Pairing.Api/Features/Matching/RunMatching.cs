using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Pairing.Api.Domain;
using Pairing.Api.Domain.Matching;
using Platform.Security;

namespace Pairing.Api.Features.Matching;

/// <summary>Matching settings (section <c>Pairing:Matching</c>): the cost weights and the background worker's pace.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Pairing:Matching";

    public MatchingWeights Weights { get; set; } = new();

    /// <summary>How often the worker looks for queued runs (it is also woken when a run is queued in this process).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A running run whose worker has not reported for this long is taken over by another replica and resumed.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>A run as stored (matching_runs).</summary>
public sealed class MatchingRun
{
    public Guid Id { get; init; }
    public string RegionPrefix { get; init; } = string.Empty;
    public string RequesterScope { get; init; } = string.Empty;
    public DateTime StartsOn { get; init; }
    public string Status { get; init; } = string.Empty;
    public int HouseholdsTotal { get; init; }
    public int HouseholdsDone { get; init; }
    public int Proposals { get; init; }
    public int Unmatched { get; init; }
    public long TotalCost { get; init; }
    public string RequestedBy { get; init; } = string.Empty;
    public DateTime RequestedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public string? CommittedBy { get; init; }
    public DateTime? CommittedAt { get; init; }
    public int? Paired { get; init; }
    public int? Skipped { get; init; }
    public string? Error { get; init; }
}

/// <summary>
/// Solves a run county by county: loads the county's households without a responsible helper (as of the run's start
/// date) and the available helpers whose home county it is, runs the <see cref="Matcher"/>, and stores every proposal
/// with its cost terms and a Chinese explanation, together with the county's resume mark and the run's progress, in one
/// transaction. A county already marked is skipped, so a run interrupted anywhere resumes where it stopped and solving
/// a county twice cannot happen. Stops quietly when the run was superseded by a newer one.
/// </summary>
public sealed class RunMatching(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<MatchingOptions> options, Microsoft.Extensions.Options.IOptions<Pairings.PairingOptions> pairing,
    ILogger<RunMatching> logger)
{
    public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
    {
        MatchingRun run;
        List<string> counties;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            run = await connection.QuerySingleAsync<MatchingRun>(new CommandDefinition("SELECT * FROM matching_runs WHERE id = @runId", new { runId },
                cancellationToken: cancellationToken));
            var scope = RegionScope.Parse(run.RegionPrefix);
            counties = (await connection.QueryAsync<string>(new CommandDefinition(
                $"""
                SELECT DISTINCT left(h.village_code, 6) FROM households h
                WHERE h.village_code >= @From AND h.village_code < @To AND {NeedsHelper}
                  AND NOT EXISTS (SELECT 1 FROM matching_run_counties c WHERE c.run_id = @runId AND c.county_code = left(h.village_code, 6))
                ORDER BY 1
                """, new { scope.From, scope.To, runId, startsOn = DateOnly.FromDateTime(run.StartsOn) }, cancellationToken: cancellationToken))).ToList();
            if (run.HouseholdsTotal == 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE matching_runs SET households_total = (SELECT count(*) FROM households h WHERE h.village_code >= @From AND h.village_code < @To AND {NeedsHelper}) WHERE id = @runId",
                    new { scope.From, scope.To, runId, startsOn = DateOnly.FromDateTime(run.StartsOn) }, cancellationToken: cancellationToken));
            }
        }

        foreach (var county in counties)
        {
            if (!await SolveCountyAsync(run, county, cancellationToken))
            {
                logger.LogInformation("Matching run {RunId} was superseded; stopped before county {County}", runId, county);
                return;
            }
        }

        await using var finish = await dataSource.OpenConnectionAsync(cancellationToken);
        // Thousands of proposal rows just arrived: fresh statistics keep the commit's joins on hash plans (with stale ones
        // the planner picked nested loops that took 49 s for one county instead of 0.3 s).
        await finish.ExecuteAsync(new CommandDefinition("ANALYZE matching_proposals", cancellationToken: cancellationToken));
        await finish.ExecuteAsync(new CommandDefinition(
            "UPDATE matching_runs SET status = 'proposed', finished_at = now(), lease_until = NULL WHERE id = @runId AND status = 'running'",
            new { runId }, cancellationToken: cancellationToken));
    }

    /// <summary>Households that need a responsible helper from the run's start date on (no pairing overlapping it).</summary>
    internal const string NeedsHelper =
        """
        NOT EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.role = 'responsible' AND (p.ends_on IS NULL OR p.ends_on >= @startsOn))
        """;

    private async Task<bool> SolveCountyAsync(MatchingRun run, string county, CancellationToken cancellationToken)
    {
        var weights = options.Value.Weights;
        var capacity = pairing.Value.MaxHouseholdsPerHelper;
        var region = RegionScope.Parse(run.RegionPrefix);
        var countyScope = RegionScope.Parse(county);
        var requester = RegionScope.Parse(run.RequesterScope);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var args = new
        {
            region.From, region.To, countyFrom = countyScope.From, countyTo = countyScope.To, scopeFrom = requester.From, scopeTo = requester.To,
            startsOn = DateOnly.FromDateTime(run.StartsOn),
        };
        var households = (await connection.QueryAsync<HouseholdRow>(new CommandDefinition(
            $"""
            SELECT h.id, h.village_code, h.poverty_causes, h.depth,
                   (SELECT p.cadre_id FROM pairings p JOIN helpers hp ON hp.cadre_id = p.cadre_id AND hp.available
                    WHERE p.household_id = h.id
                      AND ((p.role = 'co_helper' AND (p.ends_on IS NULL OR p.ends_on >= @startsOn))
                           OR (p.role = 'responsible' AND p.ends_on < @startsOn AND p.end_reason NOT LIKE '干部召回%' AND p.end_reason NOT LIKE '干部调整%'))
                    ORDER BY (p.role = 'co_helper') DESC, p.ends_on DESC NULLS FIRST, p.cadre_id LIMIT 1) AS former_helper
            FROM households h
            WHERE h.village_code >= @From AND h.village_code < @To AND h.village_code >= @countyFrom AND h.village_code < @countyTo AND {NeedsHelper}
            ORDER BY h.id
            """, args, cancellationToken: cancellationToken))).ToList();

        // Home county: a county-level (or lower) unit's county; a city or province unit's helpers belong to the county of
        // the first village their unit helps. Only helpers inside the requester's scope are drawn.
        var helpers = (await connection.QueryAsync<HelperRow>(new CommandDefinition(
            """
            WITH pool AS (
                -- County-level units (and below): a range scan of the county.
                SELECT h.* FROM helpers h
                WHERE h.available AND h.region_code >= @countyFrom AND h.region_code < @countyTo AND h.region_code >= @scopeFrom AND h.region_code < @scopeTo
                UNION ALL
                -- City and province units: the county of the first village their unit helps.
                SELECT h.* FROM helpers h
                WHERE h.available AND substring(h.region_code, 5, 2) = '00' AND h.region_code >= @scopeFrom AND h.region_code < @scopeTo
                  AND (SELECT left(min(uv.village_code), 6) FROM unit_villages uv
                       WHERE uv.unit_code = h.unit_code AND (uv.ends_on IS NULL OR uv.ends_on >= @startsOn)) = left(@countyFrom, 6))
            SELECT h.cadre_id, h.name, h.unit_code, h.skills, h.rural_experience,
                   (SELECT count(*)::int FROM pairings p WHERE p.cadre_id = h.cadre_id AND p.role = 'responsible' AND (p.ends_on IS NULL OR p.ends_on >= @startsOn)) AS load
            FROM pool h
            ORDER BY h.cadre_id
            """, args, cancellationToken: cancellationToken))).ToList();
        var units = helpers.Select(h => h.UnitCode).Distinct().ToArray();
        var villagesByUnit = (await connection.QueryAsync<(string Unit, string[] Villages)>(new CommandDefinition(
            """
            SELECT unit_code, array_agg(DISTINCT village_code ORDER BY village_code) FROM unit_villages
            WHERE unit_code = ANY(@units) AND (ends_on IS NULL OR ends_on >= @startsOn) GROUP BY unit_code
            """, new { units, startsOn = DateOnly.FromDateTime(run.StartsOn) }, cancellationToken: cancellationToken))).ToDictionary(r => r.Unit, r => r.Villages, StringComparer.Ordinal);

        var input = new MatchingInput
        {
            Households = households.Select(h => new MatchingHousehold(h.Id, h.VillageCode, MatchingCosts.CauseMask(h.PovertyCauses), h.Depth == "deep", h.FormerHelper)).ToList(),
            Helpers = helpers.Select(h => new MatchingHelper(h.CadreId, h.UnitCode, county, MatchingCosts.SkillMask(h.Skills), h.RuralExperience, h.Load)).ToList(),
            VillagesByUnit = villagesByUnit,
            Capacity = capacity,
        };
        var result = Matcher.Solve(input, weights, cancellationToken: cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var status = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT status FROM matching_runs WHERE id = @id FOR UPDATE", new { id = run.Id }, transaction, cancellationToken: cancellationToken));
        if (status != "running")
        {
            return false;
        }

        var n = households.Count;
        var cadreIds = new Guid?[n];
        var names = new string?[n];
        var unitCodes = new string?[n];
        var terms = new int[6][];
        for (var t = 0; t < terms.Length; t++)
        {
            terms[t] = new int[n];
        }

        var explanations = new string[n];
        var taken = new int[helpers.Count];
        for (var h = 0; h < n; h++)
        {
            var j = result.HelperOf[h];
            var term = result.Terms[h];
            if (j >= 0)
            {
                cadreIds[h] = helpers[j].CadreId;
                names[h] = helpers[j].Name;
                unitCodes[h] = helpers[j].UnitCode;
            }

            (terms[0][h], terms[1][h], terms[2][h], terms[3][h], terms[4][h], terms[5][h]) =
                (term.Cause, term.Depth, term.Nearness, term.Continuity, term.Load, j >= 0 ? term.Total : weights.Unmatched);
            explanations[h] = j >= 0 ? Explain(households[h], helpers[j], input.NearnessOf(helpers[j].UnitCode, households[h].VillageCode), term,
                helpers[j].Load + ++taken[j]) : "县内没有尚有余量的帮扶责任人，需人工安排或增加帮扶力量";
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO matching_proposals (run_id, household_id, village_code, cadre_id, cadre_name, unit_code,
                cause_cost, depth_cost, nearness_cost, continuity_cost, load_cost, total_cost, explanation, outcome)
            SELECT @runId, p.household_id, p.village_code, p.cadre_id, p.cadre_name, p.unit_code, p.cause, p.depth, p.near, p.continuity, p.load, p.total,
                   p.explanation, CASE WHEN p.cadre_id IS NULL THEN 'no_helper' END
            FROM unnest(@householdIds, @villages, @cadreIds, @names, @unitCodes, @cause, @depth, @near, @continuity, @load, @total, @explanations)
                AS p (household_id, village_code, cadre_id, cadre_name, unit_code, cause, depth, near, continuity, load, total, explanation)
            """,
            new
            {
                runId = run.Id, householdIds = households.Select(h => h.Id).ToArray(), villages = households.Select(h => h.VillageCode).ToArray(),
                cadreIds, names, unitCodes, cause = terms[0], depth = terms[1], near = terms[2], continuity = terms[3], load = terms[4], total = terms[5], explanations,
            }, transaction, cancellationToken: cancellationToken));
        var unmatched = result.Unmatched;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO matching_run_counties (run_id, county_code, households) VALUES (@runId, @county, @n);
            UPDATE matching_runs SET households_done = households_done + @n, proposals = proposals + @proposals, unmatched = unmatched + @unmatched,
                total_cost = total_cost + @cost, lease_until = now() + @lease WHERE id = @runId
            """, new { runId = run.Id, county, n, proposals = n - unmatched, unmatched, cost = result.TotalCost, lease = options.Value.Lease },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Matching run {RunId}: county {County}, {Households} households, {Unmatched} without a helper, cost {Cost}",
            run.Id, county, n, unmatched, result.TotalCost);
        return true;
    }

    /// <summary>The reviewer's reading of one proposal, term by term, in Chinese.</summary>
    internal static string Explain(HouseholdRow household, HelperRow helper, MatchingCosts.Nearness nearness, CostTerms terms, int nthHousehold)
    {
        var causes = string.Join("、", household.PovertyCauses.Select(c => HouseholdVocabulary.Find(HouseholdVocabulary.PovertyCauses, c)?.Chinese ?? c));
        var text = new StringBuilder($"致贫原因（{causes}）");
        text.Append(terms.Cause == 0 ? "均有对口专长" : "部分或全部无对口专长").Append(CultureInfo.InvariantCulture, $" +{terms.Cause}；");
        if (terms.Depth > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"深度贫困户、帮扶人无农村工作经历 +{terms.Depth}；");
        }

        text.Append(nearness switch
        {
            MatchingCosts.Nearness.Village => "所在单位帮扶本村（就近帮扶）",
            MatchingCosts.Nearness.Township => "所在单位帮扶同乡镇其他村",
            _ => "所在单位不在本乡镇帮扶",
        }).Append(CultureInfo.InvariantCulture, $" +{terms.Nearness}；");
        text.Append(terms.Continuity == 0 ? "曾帮扶或正协助帮扶该户（延续）" : "新结对").Append(CultureInfo.InvariantCulture, $" +{terms.Continuity}；");
        text.Append(CultureInfo.InvariantCulture, $"为其帮扶的第 {nthHousehold} 户（均衡） +{terms.Load}；合计 {terms.Total}");
        return text.ToString();
    }

    internal sealed class HouseholdRow
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string[] PovertyCauses { get; init; } = [];
        public string Depth { get; init; } = string.Empty;
        public Guid? FormerHelper { get; init; }
    }

    internal sealed class HelperRow
    {
        public Guid CadreId { get; init; }
        public string Name { get; init; } = string.Empty;
        public string UnitCode { get; init; } = string.Empty;
        public string[] Skills { get; init; } = [];
        public bool RuralExperience { get; init; }
        public int Load { get; init; }
    }
}
