using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Pairing.Api.Domain;
using Pairing.Api.Domain.Matching;
using Platform.Data.BackgroundRuns;
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

    /// <summary>Counties of one run solved at once, each with its own connection and thread (0: one per processor core).
    /// Counties share nothing, so the answer is the same for any value.</summary>
    public int Parallelism { get; set; }

    internal int EffectiveParallelism => Parallelism > 0 ? Parallelism : Math.Max(1, Environment.ProcessorCount);
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
    public string? ProblemCode { get; init; }
    public string? Error { get; init; }
}

/// <summary>
/// Solves a run county by county: loads the county's households without a responsible helper (as of the run's start
/// date) and the available helpers whose home county it is, runs the <see cref="Matcher"/>, and stores every proposal
/// with its cost terms and a Chinese explanation, together with the county's resume mark and the run's progress, in one
/// transaction. A county already marked is skipped, so a run interrupted anywhere resumes where it stopped and solving
/// a county twice cannot happen. Stops quietly when the run was superseded by a newer one. Counties are solved
/// <see cref="MatchingOptions.Parallelism"/> at a time (their proposals and marks are separate rows, so the run's answer
/// does not depend on the order); proposals are written with binary COPY, and the run's row is locked only for the
/// short step that checks the run still holds and adds the county's progress.
/// </summary>
public sealed class RunMatching(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<MatchingOptions> options, Microsoft.Extensions.Options.IOptions<Pairings.PairingOptions> pairing,
    ILogger<RunMatching> logger) : IBackgroundRun
{
    public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
    {
        MatchingRun run;
        List<string> counties;
        Dictionary<string, Guid[]> upperLevelHelpers;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            run = await connection.QuerySingleAsync<MatchingRun>(new CommandDefinition("SELECT * FROM matching_runs WHERE id = @runId", new { runId },
                cancellationToken: cancellationToken));
            var scope = RegionScope.Parse(run.RegionPrefix);
            var requester = RegionScope.Parse(run.RequesterScope);
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

            // Helpers of city and province units belong to the county of the first village their unit helps. Found once for
            // the run (one pass over unit_villages), not once per county: per county it was a subquery for every such
            // helper of the province, 180 times over.
            upperLevelHelpers = (await connection.QueryAsync<(string County, Guid CadreId)>(new CommandDefinition(
                """
                WITH home AS (
                    SELECT unit_code, left(min(village_code), 6) AS county FROM unit_villages
                    WHERE ends_on IS NULL OR ends_on >= @startsOn GROUP BY unit_code)
                SELECT home.county, h.cadre_id FROM helpers h JOIN home ON home.unit_code = h.unit_code
                WHERE h.available AND substring(h.region_code, 5, 2) = '00' AND h.region_code >= @From AND h.region_code < @To
                """, new { requester.From, requester.To, startsOn = DateOnly.FromDateTime(run.StartsOn) }, cancellationToken: cancellationToken)))
                .GroupBy(r => r.County, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(r => r.CadreId).ToArray(), StringComparer.Ordinal);
        }

        // A superseded run stops every county in flight (their transactions roll back; nothing half-written stays).
        using var superseded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stopped = false;
        try
        {
            await Parallel.ForEachAsync(counties, new ParallelOptions { MaxDegreeOfParallelism = options.Value.EffectiveParallelism, CancellationToken = superseded.Token },
                async (county, token) =>
                {
                    if (!await SolveCountyAsync(run, county, upperLevelHelpers.GetValueOrDefault(county) ?? [], token))
                    {
                        logger.LogInformation("Matching run {RunId} was superseded; stopped at county {County}", runId, county);
                        stopped = true;
                        await superseded.CancelAsync();
                    }
                });
        }
        catch (OperationCanceledException) when (stopped && !cancellationToken.IsCancellationRequested)
        {
        }

        if (stopped)
        {
            return;
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

    private async Task<bool> SolveCountyAsync(MatchingRun run, string county, Guid[] upperLevelHelpers, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var weights = options.Value.Weights;
        var capacity = pairing.Value.MaxHouseholdsPerHelper;
        var region = RegionScope.Parse(run.RegionPrefix);
        var countyScope = RegionScope.Parse(county);
        var requester = RegionScope.Parse(run.RequesterScope);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var args = new
        {
            region.From, region.To, countyFrom = countyScope.From, countyTo = countyScope.To, scopeFrom = requester.From, scopeTo = requester.To,
            startsOn = DateOnly.FromDateTime(run.StartsOn), upperLevelHelpers,
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
                -- City and province units' helpers whose home is this county (found once for the run).
                SELECT h.* FROM helpers h WHERE h.cadre_id = ANY(@upperLevelHelpers) AND h.available)
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
        var loaded = watch.Elapsed;
        var result = Matcher.Solve(input, weights, cancellationToken: cancellationToken);
        var solved = watch.Elapsed;

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

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Binary COPY: one stream instead of a statement with twelve arrays of a county's size.
        await using (var importer = await connection.BeginBinaryImportAsync(
            """
            COPY matching_proposals (run_id, household_id, village_code, cadre_id, cadre_name, unit_code,
                cause_cost, depth_cost, nearness_cost, continuity_cost, load_cost, total_cost, explanation, outcome) FROM STDIN (FORMAT BINARY)
            """, cancellationToken))
        {
            for (var h = 0; h < n; h++)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(run.Id, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(households[h].Id, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(households[h].VillageCode, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                if (cadreIds[h] is { } cadreId)
                {
                    await importer.WriteAsync(cadreId, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(names[h]!, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(unitCodes[h]!, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken);
                    await importer.WriteNullAsync(cancellationToken);
                    await importer.WriteNullAsync(cancellationToken);
                }

                for (var t = 0; t < terms.Length; t++)
                {
                    await importer.WriteAsync(terms[t][h], NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
                }

                await importer.WriteAsync(explanations[h], NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                if (cadreIds[h] is null)
                {
                    await importer.WriteAsync("no_helper", NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        // Last, so the run's row is locked only for this step (a parallel county waits here, not for our COPY). FOR NO KEY
        // UPDATE, not FOR UPDATE: the COPY's foreign key already holds KEY SHARE on the run's row, in every county's
        // transaction, and FOR UPDATE conflicts with the other county's KEY SHARE: two counties deadlocked (40P01).
        var status = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT status FROM matching_runs WHERE id = @id FOR NO KEY UPDATE", new { id = run.Id }, transaction, cancellationToken: cancellationToken));
        if (status != "running")
        {
            return false;
        }

        var unmatched = result.Unmatched;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO matching_run_counties (run_id, county_code, households) VALUES (@runId, @county, @n);
            UPDATE matching_runs SET households_done = households_done + @n, proposals = proposals + @proposals, unmatched = unmatched + @unmatched,
                total_cost = total_cost + @cost, lease_until = now() + @lease WHERE id = @runId
            """, new { runId = run.Id, county, n, proposals = n - unmatched, unmatched, cost = result.TotalCost, lease = options.Value.Lease },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation(
            "Matching run {RunId}: county {County}, {Households} households, {Helpers} helpers, {Unmatched} without a helper, cost {Cost}; load {LoadMs} ms, solve {SolveMs} ms, write {WriteMs} ms",
            run.Id, county, n, helpers.Count, unmatched, result.TotalCost, (long)loaded.TotalMilliseconds, (long)(solved - loaded).TotalMilliseconds,
            (long)(watch.Elapsed - solved).TotalMilliseconds);
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
