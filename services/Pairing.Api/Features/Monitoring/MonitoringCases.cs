using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Pairing.Api.Domain;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Monitoring;

public sealed record MonitoringMeasureDto(Guid Id, string Measures, Guid HelperCadreId, string HelperName, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>
/// A monitored household's case. <c>status</c>: awaiting_response, overdue (no helper and measures by <c>respondBy</c>),
/// responded or closed (风险已消除); the helper is the household's responsible helper today, if any.
/// </summary>
public sealed record MonitoringCaseDto(Guid Id, Guid HouseholdId, string HeadName, string VillageCode, string VillageName, string HouseholdStatus,
    string Kind, string KindName, IReadOnlyList<string> Triggers, IReadOnlyList<string> TriggerNames, string Source, string Reason, decimal IncomeLine,
    string FlaggedBy, DateTimeOffset FlaggedAt, DateOnly RespondBy, string Status, string StatusName, DateTimeOffset? RespondedAt, Guid? HelperCadreId,
    string? HelperName, string? ClosedBy, DateTimeOffset? ClosedAt, string? CloseReason, string? CheckNote, IReadOnlyList<MonitoringMeasureDto> Measures);

public sealed record MonitoringCaseSummary(Guid Id, Guid HouseholdId, string HeadName, string VillageCode, string Kind, string KindName, string Status,
    string StatusName, DateOnly RespondBy, DateTimeOffset FlaggedAt, string? HelperName);

/// <summary>One page of cases, the newest first; <c>next</c> goes in <c>after</c> for the following page, null on the last.</summary>
public sealed record MonitoringCasePage(IReadOnlyList<MonitoringCaseSummary> Items, Guid? Next);

/// <summary>
/// Return-to-poverty monitoring cases (防返贫监测, domain.md §9), read the same way by every door: a case whose household
/// is outside the caller's scope answers as missing (404 monitoring_case_not_found). A case is opened by the rules from a
/// report (<see cref="ReportRisk"/>) or by hand (<see cref="FlagHousehold"/>), both through <see cref="OpenAsync"/>.
/// </summary>
public static class MonitoringCases
{
    public const int MaxLimit = 500;

    internal static ProblemHttpResult NotFound() => ApiProblems.NotFound("monitoring_case_not_found", "未找到该监测记录");

    internal static ProblemHttpResult HouseholdNotFound() => ApiProblems.NotFound("household_not_found", "未找到该户");

    /// <summary>REST: <c>GET /api/pairing/monitoring/cases/{id}</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "monitoring_case_not_found")]
    public static async Task<Results<Ok<MonitoringCaseDto>, ProblemHttpResult>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, scope, id, ChinaTime.Today(clock), cancellationToken) is { } dto ? TypedResults.Ok(dto) : NotFound();
    }

    /// <summary>
    /// REST: <c>GET /api/pairing/monitoring/cases?prefix=&amp;status=&amp;kind=&amp;household=&amp;after=&amp;limit=</c>; <c>status</c>
    /// open (not closed), awaiting_response, overdue, responded or closed.
    /// </summary>
    public static async Task<Results<Ok<MonitoringCasePage>, ProblemHttpResult>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? prefix = null, string? status = null, string? kind = null, Guid? household = null, Guid? after = null,
        int limit = 100)
    {
        var errors = new List<FieldError>();
        if (status is not null && status != "open" && MonitoringRules.StatusName(status) is null)
        {
            errors.Add(new FieldError("status", "unknown_status", "status 应为 open、awaiting_response、overdue、responded 或 closed"));
        }

        if (kind is not null && MonitoringRules.KindName(kind) is null)
        {
            errors.Add(new FieldError("kind", "unknown_kind", "kind 应为 unstable_exited、marginal 或 sudden_difficulty"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "out_of_range", $"limit 必须在 1 到 {MaxLimit} 之间"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", errors);
        }

        var region = scope.NarrowOrDeny(prefix);
        var today = ChinaTime.Today(clock);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CaseRow>(new CommandDefinition(
            $"""
            {SelectCase}
            WHERE c.village_code >= @From AND c.village_code < @To
              AND (@kind::text IS NULL OR c.kind = @kind)
              AND (@household::uuid IS NULL OR c.household_id = @household)
              AND (@after::uuid IS NULL OR c.id < @after)
              AND CASE @status::text
                    WHEN 'open' THEN c.closed_at IS NULL
                    WHEN 'closed' THEN c.closed_at IS NOT NULL
                    WHEN 'responded' THEN c.closed_at IS NULL AND c.responded_at IS NOT NULL
                    WHEN 'overdue' THEN c.closed_at IS NULL AND c.responded_at IS NULL AND c.respond_by < @today
                    WHEN 'awaiting_response' THEN c.closed_at IS NULL AND c.responded_at IS NULL AND c.respond_by >= @today
                    ELSE true END
            ORDER BY c.id DESC LIMIT @take
            """, new { region.From, region.To, kind, household, after, status, today, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r =>
        {
            var state = r.StatusOn(today);
            return new MonitoringCaseSummary(r.Id, r.HouseholdId, r.HeadName, r.VillageCode, r.Kind, MonitoringRules.KindName(r.Kind)!, state,
                MonitoringRules.StatusName(state)!, DateOnly.FromDateTime(r.RespondBy), Utc(r.FlaggedAt), r.HelperName);
        }).ToList();
        return TypedResults.Ok(new MonitoringCasePage(items, rows.Count > limit ? items[^1].Id : null));
    }

    /// <summary>The household in the caller's scope, locked for this transaction (reports and flags on it queue), or null.</summary>
    internal static Task<HouseholdRow?> LockHouseholdAsync(NpgsqlTransaction transaction, RegionScope scope, Guid id, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<HouseholdRow>(new CommandDefinition(
            """
            SELECT id, village_code, head_name, status FROM households
            WHERE id = @id AND village_code >= @From AND village_code < @To FOR UPDATE
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));

    /// <summary>The case in the caller's scope, locked for this transaction and still open; else the answer (404 as missing, 409 case_closed).</summary>
    internal static async Task<(LockedCase? Case, ProblemHttpResult? Refused)> LockOpenCaseAsync(NpgsqlTransaction transaction, RegionScope scope, Guid id,
        CancellationToken cancellationToken) =>
        await LockCaseAsync(transaction, scope, id, cancellationToken) switch
        {
            null => (null, NotFound()),
            { Closed: true } => (null, ApiProblems.Conflict("case_closed", "该户风险已消除，监测已结束")),
            var found => (found, null),
        };

    /// <summary>The case in the caller's scope, locked for this transaction, or null.</summary>
    private static Task<LockedCase?> LockCaseAsync(NpgsqlTransaction transaction, RegionScope scope, Guid id, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<LockedCase>(new CommandDefinition(
            """
            SELECT id, household_id, village_code, kind, closed_at IS NOT NULL AS closed, responded_at IS NOT NULL AS responded
            FROM monitoring_cases WHERE id = @id AND village_code >= @From AND village_code < @To FOR UPDATE
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));

    /// <summary>The household's open case, if any.</summary>
    internal static Task<Guid?> OpenCaseOfAsync(NpgsqlTransaction transaction, Guid household, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM monitoring_cases WHERE household_id = @household AND closed_at IS NULL", new { household }, transaction,
            cancellationToken: cancellationToken));

    /// <summary>The household's responsible helper on <paramref name="day"/>, if any.</summary>
    internal static Task<Helper?> ResponsibleHelperAsync(NpgsqlTransaction transaction, Guid household, DateOnly day, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<Helper>(new CommandDefinition(
            """
            SELECT cadre_id, cadre_name FROM pairings
            WHERE household_id = @household AND role = 'responsible' AND starts_on <= @day AND (ends_on IS NULL OR ends_on >= @day)
            """, new { household, day }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Opens a case for a locked household with no open one, and enqueues <see cref="HouseholdRiskFlagged"/> in the same
    /// transaction, at the same instant: the helper and the township are told.
    /// </summary>
    internal static async Task<Guid> OpenAsync(NpgsqlTransaction transaction, OutboxWriter outbox, HouseholdRow household, string kind,
        IReadOnlyList<string> triggers, string source, string reason, MonitoringLine line, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var respondBy = MonitoringRules.RespondBy(ChinaTime.DayOf(now), line.ResponseDays);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO monitoring_cases (id, household_id, village_code, kind, triggers, source, reason, income_line, flagged_by, flagged_at, respond_by)
            VALUES (@id, @household, @village, @kind, @triggers, @source, @reason, @incomeLine, @actor, @now, @respondBy)
            """, new { id, household = household.Id, village = household.VillageCode, kind, triggers = triggers.ToArray(), source, reason,
                incomeLine = line.IncomeLine, actor, now, respondBy }, transaction, cancellationToken: cancellationToken));
        var helper = await ResponsibleHelperAsync(transaction, household.Id, ChinaTime.DayOf(now), cancellationToken);
        await outbox.EnqueueAsync(transaction, new HouseholdRiskFlagged(id, household.Id, household.VillageCode, household.HeadName, kind, triggers, source, reason,
            respondBy, helper?.CadreId, actor, now), cancellationToken);
        return id;
    }

    /// <summary>The case with its measures, or null when it does not exist or its household is outside <paramref name="scope"/>.</summary>
    internal static async Task<MonitoringCaseDto?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id,
        DateOnly today, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<CaseRow>(new CommandDefinition(
            $"{SelectCase} WHERE c.id = @id AND c.village_code >= @From AND c.village_code < @To",
            new { id, scope.From, scope.To, today }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var measures = (await connection.QueryAsync<MeasureRow>(new CommandDefinition(
                """
                SELECT id, measures, helper_cadre_id, helper_name, recorded_by, recorded_at
                FROM monitoring_measures WHERE case_id = @id ORDER BY recorded_at, id
                """, new { id }, transaction, cancellationToken: cancellationToken)))
            .Select(m => new MonitoringMeasureDto(m.Id, m.Measures, m.HelperCadreId, m.HelperName, m.RecordedBy, Utc(m.RecordedAt)))
            .ToList();
        var status = row.StatusOn(today);
        return new MonitoringCaseDto(row.Id, row.HouseholdId, row.HeadName, row.VillageCode, row.VillageName, row.HouseholdStatus, row.Kind,
            MonitoringRules.KindName(row.Kind)!, row.Triggers, row.Triggers.Select(MonitoringRules.TriggerName).ToList(), row.Source, row.Reason, row.IncomeLine,
            row.FlaggedBy, Utc(row.FlaggedAt), DateOnly.FromDateTime(row.RespondBy), status, MonitoringRules.StatusName(status)!,
            row.RespondedAt is { } responded ? Utc(responded) : null, row.HelperCadreId, row.HelperName, row.ClosedBy,
            row.ClosedAt is { } closed ? Utc(closed) : null, row.CloseReason, row.CheckNote, measures);
    }

    // The responsible helper today; @today is China's day.
    private const string SelectCase =
        """
        SELECT c.id, c.household_id, h.head_name, c.village_code, coalesce(v.name, '') AS village_name, h.status AS household_status, c.kind, c.triggers,
               c.source, c.reason, c.income_line, c.flagged_by, c.flagged_at, c.respond_by, c.responded_at, c.closed_by, c.closed_at, c.close_reason,
               c.check_note, p.cadre_id AS helper_cadre_id, p.cadre_name AS helper_name
        FROM monitoring_cases c
        JOIN households h ON h.id = c.household_id
        LEFT JOIN villages v ON v.code = c.village_code
        LEFT JOIN LATERAL (SELECT p.cadre_id, p.cadre_name FROM pairings p
                           WHERE p.household_id = c.household_id AND p.role = 'responsible' AND p.starts_on <= @today
                             AND (p.ends_on IS NULL OR p.ends_on >= @today)
                           LIMIT 1) p ON true
        """;

    // Npgsql reads timestamptz as a UTC DateTime.
    private static DateTimeOffset Utc(DateTime moment) => new(DateTime.SpecifyKind(moment, DateTimeKind.Utc));

    internal sealed class HouseholdRow
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string HeadName { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;
    }

    internal sealed class LockedCase
    {
        public Guid Id { get; init; }
        public Guid HouseholdId { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string Kind { get; init; } = string.Empty;
        public bool Closed { get; init; }
        public bool Responded { get; init; }
    }

    internal sealed class Helper
    {
        public Guid CadreId { get; init; }
        public string CadreName { get; init; } = string.Empty;
    }

    private sealed class CaseRow
    {
        public Guid Id { get; init; }
        public Guid HouseholdId { get; init; }
        public string HeadName { get; init; } = string.Empty;
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string HouseholdStatus { get; init; } = string.Empty;
        public string Kind { get; init; } = string.Empty;
        public string[] Triggers { get; init; } = [];
        public string Source { get; init; } = string.Empty;
        public string Reason { get; init; } = string.Empty;
        public decimal IncomeLine { get; init; }
        public string FlaggedBy { get; init; } = string.Empty;
        public DateTime FlaggedAt { get; init; }
        public DateTime RespondBy { get; init; }
        public DateTime? RespondedAt { get; init; }
        public string? ClosedBy { get; init; }
        public DateTime? ClosedAt { get; init; }
        public string? CloseReason { get; init; }
        public string? CheckNote { get; init; }
        public Guid? HelperCadreId { get; init; }
        public string? HelperName { get; init; }

        public string StatusOn(DateOnly today) => MonitoringRules.Status(ClosedAt is not null, RespondedAt is not null, DateOnly.FromDateTime(RespondBy), today);
    }

    private sealed class MeasureRow
    {
        public Guid Id { get; init; }
        public string Measures { get; init; } = string.Empty;
        public Guid HelperCadreId { get; init; }
        public string HelperName { get; init; } = string.Empty;
        public string RecordedBy { get; init; } = string.Empty;
        public DateTime RecordedAt { get; init; }
    }
}
