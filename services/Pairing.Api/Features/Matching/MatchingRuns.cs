using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Pairing.Api.Features.Pairings;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.BackgroundRuns;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Matching;

public sealed record StartMatchingBody(string? Prefix, DateOnly? StartsOn);

public sealed record CommitMatchingBody(IReadOnlyList<Guid>? RejectHouseholds);

public sealed record MatchingRunDto(Guid Id, string RegionPrefix, DateOnly StartsOn, string Status, int HouseholdsTotal, int HouseholdsDone, double Progress,
    int Proposals, int Unmatched, long TotalCost, string RequestedBy, DateTime RequestedAt, DateTime? FinishedAt, string? CommittedBy, DateTime? CommittedAt,
    int? Paired, int? Skipped, string? ProblemCode, string? Error)
{
    public static MatchingRunDto From(MatchingRun r) => new(r.Id, r.RegionPrefix, DateOnly.FromDateTime(r.StartsOn), r.Status, r.HouseholdsTotal, r.HouseholdsDone,
        r.HouseholdsTotal == 0 ? (r.Status is "queued" or "running" ? 0 : 1) : Math.Round((double)r.HouseholdsDone / r.HouseholdsTotal, 4),
        r.Proposals, r.Unmatched, r.TotalCost, r.RequestedBy, r.RequestedAt, r.FinishedAt, r.CommittedBy, r.CommittedAt, r.Paired, r.Skipped, r.ProblemCode, r.Error);
}

/// <summary>A proposal as the reviewer reads it: the household by its head's name and village (names, not only ids), the helper, each cost term.</summary>
public sealed record ProposalDto(Guid HouseholdId, string HeadName, string VillageCode, string VillageName, Guid? CadreId, string? CadreName, string? UnitCode, int CauseCost, int DepthCost,
    int NearnessCost, int ContinuityCost, int LoadCost, int TotalCost, string Explanation, bool Rejected, string? Outcome);

public sealed record ProposalPage(IReadOnlyList<ProposalDto> Items, string? Next);

/// <summary>
/// Matching runs (智能结对): propose a responsible helper for every household of a region that needs one, review the
/// proposals with their costs term by term, then commit them in one step. A county (or smaller) is solved in the
/// request; a city or the province is queued for the background worker, which reports progress and resumes after a
/// restart. Starting a new run for an overlapping region supersedes older runs that were not committed, so running
/// again is always safe.
/// </summary>
public static class MatchingRuns
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_matching_run")]
    public static async Task<Results<Created<MatchingRunDto>, Accepted<MatchingRunDto>, ProblemHttpResult>> StartAsync(
        StartMatchingBody body, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, RunMatching runMatching, BackgroundRunQueue<RunMatching> queue,
        IOptions<MatchingOptions> options, CancellationToken cancellationToken)
    {
        if (!RegionScope.TryParse(body.Prefix ?? string.Empty, out var requested) || requested.Prefix.Length is not (2 or 4 or 6 or 9 or 12) || body.StartsOn is null)
        {
            return ApiProblems.Invalid("invalid_matching_run", "智能结对请求无效",
                [new FieldError(body.StartsOn is null ? "startsOn" : "prefix", "required", "须填写 prefix（省2位、市4位、县6位、乡9位或村12位区划代码）和 startsOn")]);
        }

        if (!scope.Covers(requested.Prefix))
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "region_out_of_scope", "所选区划超出您的管辖范围");
        }

        var inline = requested.Prefix.Length >= 6;
        var id = Guid.CreateVersion7();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Older proposals for an overlapping region would compete for the same households and helpers. Only runs inside
            // the caller's scope are theirs to supersede: a county's run leaves the city's or the province's alone (whose
            // commit then skips the households the county paired meanwhile).
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE matching_runs SET status = 'superseded', lease_until = NULL
                WHERE status IN ('queued', 'running', 'proposed') AND (region_prefix LIKE @prefix || '%' OR @prefix LIKE region_prefix || '%')
                  AND region_prefix LIKE @scope || '%'
                """, new { prefix = requested.Prefix, scope = scope.Prefix }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO matching_runs (id, region_prefix, requester_scope, starts_on, status, requested_by, lease_until)
                VALUES (@id, @prefix, @scope, @startsOn, @status, @actor, CASE WHEN @inline THEN now() + @lease END)
                """, new
                {
                    id, prefix = requested.Prefix, scope = scope.Prefix, startsOn = body.StartsOn, status = inline ? "running" : "queued", actor = user.GetActor(), inline,
                    lease = options.Value.Lease,
                }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }

        if (!inline)
        {
            queue.Wake();
            return TypedResults.Accepted($"/api/pairing/matching-runs/{id}", MatchingRunDto.From(await LoadAsync(dataSource, id, cancellationToken)));
        }

        // A county is small enough to answer now; if this request dies, the worker resumes the run when its lease ends.
        await runMatching.RunAsync(id, cancellationToken);
        return TypedResults.Created($"/api/pairing/matching-runs/{id}", MatchingRunDto.From(await LoadAsync(dataSource, id, cancellationToken)));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "matching_run_not_found")]
    public static async Task<Results<Ok<MatchingRunDto>, ProblemHttpResult>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        var run = await FindAsync(dataSource, id, scope, cancellationToken);
        return run is null ? NotFound() : TypedResults.Ok(MatchingRunDto.From(run));
    }

    /// <summary>Proposals of a run, optionally for one village prefix, keyset-paged by (village, household).</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "matching_run_not_found")]
    public static async Task<Results<Ok<ProposalPage>, ProblemHttpResult>> ProposalsAsync(
        Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null, string? after = null, int limit = 500)
    {
        if (!RegionScope.TryParse(prefix ?? string.Empty, out var requested) || limit is < 1 or > 5_000 || !TryParseCursor(after, out var cursor))
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("prefix", "invalid", "prefix 为0到12位数字，limit 为1到5000，after 为上一页的 next")]);
        }

        if (await FindAsync(dataSource, id, scope, cancellationToken) is not { } run)
        {
            return NotFound();
        }

        // A prefix outside the caller's scope shows the whole run (which the scope covers).
        var region = scope.Narrow(requested) ?? RegionScope.Parse(run.RegionPrefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ProposalRow>(new CommandDefinition(
            """
            SELECT mp.household_id, h.head_name, mp.village_code, v.name AS village_name, mp.cadre_id, mp.cadre_name, mp.unit_code, mp.cause_cost, mp.depth_cost,
                   mp.nearness_cost, mp.continuity_cost, mp.load_cost, mp.total_cost, mp.explanation, mp.rejected, mp.outcome
            FROM matching_proposals mp
            JOIN households h ON h.id = mp.household_id
            JOIN villages v ON v.code = mp.village_code
            WHERE mp.run_id = @id AND mp.village_code >= @From AND mp.village_code < @To AND (mp.village_code, mp.household_id) > (@village, @household)
            ORDER BY mp.village_code, mp.household_id LIMIT @limit
            """, new { id, region.From, region.To, village = cursor.Village, household = cursor.Household, limit }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Select(r => new ProposalDto(r.HouseholdId, r.HeadName, r.VillageCode, r.VillageName, r.CadreId, r.CadreName, r.UnitCode, r.CauseCost, r.DepthCost, r.NearnessCost,
            r.ContinuityCost, r.LoadCost, r.TotalCost, r.Explanation, r.Rejected, r.Outcome)).ToList();
        var next = rows.Count == limit ? $"{rows[^1].VillageCode}:{rows[^1].HouseholdId}" : null;
        return TypedResults.Ok(new ProposalPage(items, next));
    }

    /// <summary>
    /// Commits a reviewed run in one transaction: every proposal that still holds becomes a pairing (HouseholdPaired for
    /// each); the others are kept with the reason they were skipped (rejected by the reviewer, household paired meanwhile,
    /// helper departed, helper full). Pairings are locked against other writers meanwhile, so the cap holds.
    /// </summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "matching_run_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "matching_run_not_proposed")]
    public static async Task<Results<Ok<MatchingRunDto>, ProblemHttpResult>> CommitAsync(
        Guid id, CommitMatchingBody? body, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, OutboxWriter outbox,
        IOptions<PairingOptions> options, CancellationToken cancellationToken)
    {
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var run = await connection.QuerySingleOrDefaultAsync<MatchingRun>(new CommandDefinition("SELECT * FROM matching_runs WHERE id = @id FOR UPDATE", new { id },
            transaction, cancellationToken: cancellationToken));
        if (run is null || !scope.Covers(run.RegionPrefix))
        {
            return NotFound();
        }

        if (run.Status != "proposed")
        {
            return ApiProblems.Conflict("matching_run_not_proposed", run.Status switch
            {
                "committed" => "该批结对方案已提交",
                "superseded" => "该批方案已被更新的运行取代，请查看最新方案",
                "queued" or "running" => "方案尚在计算中，请等待完成",
                _ => "该批方案无法提交",
            }, $"Run status is {run.Status}.");
        }

        await connection.ExecuteAsync(new CommandDefinition("LOCK TABLE pairings IN SHARE ROW EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken));
        var reject = (body?.RejectHouseholds ?? []).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE matching_proposals SET rejected = household_id = ANY(@reject) WHERE run_id = @id;
            WITH loads AS MATERIALIZED (
                SELECT cadre_id, count(*)::int AS load FROM pairings
                WHERE role = 'responsible' AND (ends_on IS NULL OR ends_on >= @startsOn)
                  AND cadre_id IN (SELECT cadre_id FROM matching_proposals WHERE run_id = @id AND cadre_id IS NOT NULL)
                GROUP BY cadre_id),
            paired_meanwhile AS MATERIALIZED (
                SELECT DISTINCT p.household_id FROM pairings p JOIN matching_proposals mp ON mp.run_id = @id AND mp.household_id = p.household_id
                WHERE p.role = 'responsible' AND (p.ends_on IS NULL OR p.ends_on >= @startsOn)),
            -- A co-helper is promoted by ending the co-helper pairing the day before; one starting later cannot be.
            later AS MATERIALIZED (
                SELECT DISTINCT p.household_id, p.cadre_id FROM pairings p JOIN matching_proposals mp ON mp.run_id = @id AND mp.household_id = p.household_id
                WHERE p.starts_on >= @startsOn),
            early AS MATERIALIZED (
                SELECT mp.household_id, mp.cadre_id, coalesce(l.load, 0) AS load,
                       CASE WHEN mp.cadre_id IS NULL THEN 'no_helper'
                            WHEN mp.rejected THEN 'rejected'
                            WHEN pm.household_id IS NOT NULL THEN 'household_has_helper'
                            WHEN NOT coalesce(hp.available, false) THEN 'helper_unavailable'
                            WHEN lt.household_id IS NOT NULL THEN 'co_helper_from_later'
                       END AS outcome
                FROM matching_proposals mp
                LEFT JOIN loads l ON l.cadre_id = mp.cadre_id
                LEFT JOIN helpers hp ON hp.cadre_id = mp.cadre_id
                LEFT JOIN paired_meanwhile pm ON pm.household_id = mp.household_id
                LEFT JOIN later lt ON lt.household_id = mp.household_id AND lt.cadre_id = mp.cadre_id
                WHERE mp.run_id = @id),
            decided AS (
                SELECT household_id, coalesce(outcome, CASE WHEN load + row_number() OVER (PARTITION BY cadre_id, outcome IS NULL ORDER BY household_id) > @cap
                                                             THEN 'helper_load_full' ELSE 'paired' END) AS outcome
                FROM early)
            UPDATE matching_proposals mp SET outcome = d.outcome FROM decided d WHERE mp.run_id = @id AND mp.household_id = d.household_id
            """, new { id, reject, startsOn = DateOnly.FromDateTime(run.StartsOn), cap = options.Value.MaxHouseholdsPerHelper }, transaction, cancellationToken: cancellationToken));

        // Continuity: a co-helper proposed as the responsible helper stops being a co-helper the day before.
        var promoted = (await connection.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, Guid CadreId, DateTime EndsOn)>(new CommandDefinition(
            """
            UPDATE pairings p SET ends_on = @startsOn - 1, end_reason = '转为帮扶责任人（智能结对）', ended_by = @actor, ended_at = now()
            FROM matching_proposals mp
            WHERE mp.run_id = @id AND mp.outcome = 'paired' AND p.household_id = mp.household_id AND p.cadre_id = mp.cadre_id
              AND p.role = 'co_helper' AND (p.ends_on IS NULL OR p.ends_on >= @startsOn)
            RETURNING p.id, p.household_id, mp.village_code, p.cadre_id, p.ends_on
            """, new { id, startsOn = DateOnly.FromDateTime(run.StartsOn), actor }, transaction, cancellationToken: cancellationToken))).ToList();
        await outbox.EnqueueManyAsync(transaction, promoted.Select(p => new PairingEnded(p.Id, p.HouseholdId, p.VillageCode, p.CadreId, "co_helper",
            DateOnly.FromDateTime(p.EndsOn), "转为帮扶责任人（智能结对）", actor, DateTimeOffset.UtcNow)).ToList(), cancellationToken);

        var paired = (await connection.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, Guid CadreId)>(new CommandDefinition(
            """
            INSERT INTO pairings (id, household_id, cadre_id, cadre_name, unit_code, role, starts_on, started_by)
            SELECT gen_random_uuid(), mp.household_id, mp.cadre_id, mp.cadre_name, mp.unit_code, 'responsible', @startsOn, @actor
            FROM matching_proposals mp WHERE mp.run_id = @id AND mp.outcome = 'paired'
            RETURNING id, household_id, (SELECT village_code FROM households h WHERE h.id = household_id), cadre_id
            """, new { id, startsOn = DateOnly.FromDateTime(run.StartsOn), actor = actor + " (智能结对 " + id.ToString("N", CultureInfo.InvariantCulture)[..8] + ")" },
            transaction, cancellationToken: cancellationToken))).ToList();
        var now = DateTimeOffset.UtcNow;
        var startsOn = DateOnly.FromDateTime(run.StartsOn);
        await outbox.EnqueueManyAsync(transaction, paired.Select(p => new HouseholdPaired(p.Id, p.HouseholdId, p.VillageCode, p.CadreId, "responsible", startsOn, actor, now)).ToList(),
            cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE matching_runs SET status = 'committed', committed_by = @actor, committed_at = now(), paired = @paired,
                skipped = (SELECT count(*) FROM matching_proposals WHERE run_id = @id AND outcome <> 'paired')
            WHERE id = @id
            """, new { id, actor, paired = paired.Count }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(MatchingRunDto.From(await LoadAsync(dataSource, id, cancellationToken)));
    }

    private static ProblemHttpResult NotFound() => ApiProblems.NotFound("matching_run_not_found", "未找到该智能结对运行");

    /// <summary>The run if the caller's scope covers its region (a county official never sees a province run's other counties).</summary>
    private static async Task<MatchingRun?> FindAsync(NpgsqlDataSource dataSource, Guid id, RegionScope scope, CancellationToken cancellationToken)
    {
        var run = await LoadOrNullAsync(dataSource, id, cancellationToken);
        return run is not null && scope.Covers(run.RegionPrefix) ? run : null;
    }

    private static async Task<MatchingRun> LoadAsync(NpgsqlDataSource dataSource, Guid id, CancellationToken cancellationToken) =>
        await LoadOrNullAsync(dataSource, id, cancellationToken) ?? throw new InvalidOperationException($"matching run {id} vanished");

    private static async Task<MatchingRun?> LoadOrNullAsync(NpgsqlDataSource dataSource, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<MatchingRun>(new CommandDefinition("SELECT * FROM matching_runs WHERE id = @id", new { id },
            cancellationToken: cancellationToken));
    }

    private static bool TryParseCursor(string? after, out (string Village, Guid Household) cursor)
    {
        cursor = (string.Empty, Guid.Empty);
        if (string.IsNullOrEmpty(after))
        {
            return true;
        }

        var parts = after.Split(':');
        if (parts.Length == 2 && parts[0].Length == 12 && Guid.TryParse(parts[1], out var household))
        {
            cursor = (parts[0], household);
            return true;
        }

        return false;
    }

    private sealed class ProposalRow
    {
        public Guid HouseholdId { get; init; }
        public string HeadName { get; init; } = string.Empty;
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public Guid? CadreId { get; init; }
        public string? CadreName { get; init; }
        public string? UnitCode { get; init; }
        public int CauseCost { get; init; }
        public int DepthCost { get; init; }
        public int NearnessCost { get; init; }
        public int ContinuityCost { get; init; }
        public int LoadCost { get; init; }
        public int TotalCost { get; init; }
        public string Explanation { get; init; } = string.Empty;
        public bool Rejected { get; init; }
        public string? Outcome { get; init; }
    }
}
