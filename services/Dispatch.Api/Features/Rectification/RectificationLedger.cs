using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Rectification;

public sealed record ProblemDto(Guid Id, string Description, string Owner, string Measures, string Status, string? Evidence, string? CheckedBy,
    DateTimeOffset? ClosedAt, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A rectification and its ledger of problems. <c>status</c>: open or lifted; <c>overdue</c>: open after its deadline (China time).</summary>
public sealed record RectificationDto(Guid Id, string VillageCode, string VillageName, string Reason, DateOnly Deadline, string Status, bool Overdue,
    string FlaggedBy, DateTimeOffset FlaggedAt, string? LiftedBy, DateTimeOffset? LiftedAt, string? ReviewNote, int OpenProblems,
    IReadOnlyList<ProblemDto> Problems);

/// <summary>One line of the list of rectifications.</summary>
public sealed record RectificationSummary(Guid Id, string VillageCode, string VillageName, string Reason, DateOnly Deadline, string Status, bool Overdue,
    int Problems, int OpenProblems, DateTimeOffset FlaggedAt, DateTimeOffset? LiftedAt);

/// <summary>A problem as the one who records it gives it: what is wrong, who answers for it and what will be done.</summary>
public sealed record ProblemInput(string? Description, string? Owner, string? Measures)
{
    /// <summary>The problems of this input, named <paramref name="field"/> (problems[0], say).</summary>
    internal IEnumerable<FieldError> Check(string field)
    {
        if (string.IsNullOrWhiteSpace(Description) || Description.Trim().Length > 2000)
        {
            yield return new FieldError($"{field}.description", "required", "须写明问题（不超过2000字）");
        }

        if (string.IsNullOrWhiteSpace(Owner) || Owner.Trim().Length > 100)
        {
            yield return new FieldError($"{field}.owner", "required", "须指定整改责任人（不超过100字）");
        }

        if (string.IsNullOrWhiteSpace(Measures) || Measures.Trim().Length > 2000)
        {
            yield return new FieldError($"{field}.measures", "required", "须写明整改措施（不超过2000字）");
        }
    }
}

/// <summary>
/// The ledger of a weak or lax village party organisation under rectification (软弱涣散村整顿, domain.md §9): one
/// rectification and its problems, read the same way by every door (<see cref="ReadAsync"/>). A rectification whose
/// village is outside the caller's scope answers as missing (404 rectification_not_found).
/// </summary>
public static class RectificationLedger
{
    internal static ProblemException NotFound(Guid id) =>
        ApiProblems.NotFound("rectification_not_found", "未找到该整顿记录", $"No rectification {id} in your scope.").ToException($"未找到该整顿记录：{id}");

    /// <summary>REST: <c>GET /api/dispatch/rectifications/{id}</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "rectification_not_found")]
    public static async Task<Ok<RectificationDto>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await ReadAsync(connection, null, scope, id, ChinaTime.Today(clock), cancellationToken) ?? throw NotFound(id));
    }

    /// <summary>
    /// REST: <c>GET /api/dispatch/rectifications?prefix=&amp;status=open|lifted</c>: the scope's rectifications with their
    /// problem counts, the newest first (at most 1,000; a province reports hundreds).
    /// </summary>
    public static async Task<Ok<IReadOnlyList<RectificationSummary>>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? prefix = null, string? status = null)
    {
        if (status is not (null or "open" or "lifted"))
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("status", "unknown_status", "status 应为 open 或 lifted")]).ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            """
            SELECT r.id, r.village_code, v.name AS village_name, r.reason, r.deadline, r.flagged_at, r.lifted_at,
                   (SELECT count(*)::int FROM rectification_problems p WHERE p.rectification_id = r.id) AS problems,
                   (SELECT count(*)::int FROM rectification_problems p WHERE p.rectification_id = r.id AND p.closed_at IS NULL) AS open_problems
            FROM rectifications r JOIN regions v ON v.code = r.village_code
            WHERE r.village_code >= @From AND r.village_code < @To AND (@status::text IS NULL OR (@status = 'open') = (r.lifted_at IS NULL))
            ORDER BY r.flagged_at DESC, r.id DESC LIMIT 1000
            """, new { region.From, region.To, status }, cancellationToken: cancellationToken));
        var today = ChinaTime.Today(clock);
        return TypedResults.Ok<IReadOnlyList<RectificationSummary>>(rows.Select(r =>
        {
            var deadline = DateOnly.FromDateTime(r.Deadline);
            return new RectificationSummary(r.Id, r.VillageCode, r.VillageName, r.Reason, deadline, r.LiftedAt is null ? "open" : "lifted",
                r.LiftedAt is null && today > deadline, r.Problems, r.OpenProblems, Utc(r.FlaggedAt)!.Value, Utc(r.LiftedAt));
        }).ToList());
    }

    /// <summary>The rectification with its problems, or null when it does not exist or its village is outside <paramref name="scope"/>.</summary>
    internal static async Task<RectificationDto?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id, DateOnly today,
        CancellationToken cancellationToken)
    {
        var head = await connection.QuerySingleOrDefaultAsync<HeadRow>(new CommandDefinition(
            """
            SELECT r.id, r.village_code, v.name AS village_name, r.reason, r.deadline, r.flagged_by, r.flagged_at, r.lifted_by, r.lifted_at, r.review_note
            FROM rectifications r JOIN regions v ON v.code = r.village_code
            WHERE r.id = @id AND r.village_code >= @From AND r.village_code < @To
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        if (head is null)
        {
            return null;
        }

        var problems = (await connection.QueryAsync<ProblemRow>(new CommandDefinition(
                """
                SELECT id, description, owner, measures, evidence, checked_by, closed_at, recorded_by, recorded_at
                FROM rectification_problems WHERE rectification_id = @id ORDER BY recorded_at, id
                """, new { id }, transaction, cancellationToken: cancellationToken)))
            .Select(p => new ProblemDto(p.Id, p.Description, p.Owner, p.Measures, p.ClosedAt is null ? "open" : "closed", p.Evidence, p.CheckedBy, Utc(p.ClosedAt),
                p.RecordedBy, Utc(p.RecordedAt)!.Value))
            .ToList();
        var deadline = DateOnly.FromDateTime(head.Deadline);
        var open = head.LiftedAt is null;
        return new RectificationDto(head.Id, head.VillageCode, head.VillageName, head.Reason, deadline, open ? "open" : "lifted", open && today > deadline,
            head.FlaggedBy, Utc(head.FlaggedAt)!.Value, head.LiftedBy, Utc(head.LiftedAt), head.ReviewNote, problems.Count(p => p.Status == "open"), problems);
    }

    // Npgsql reads timestamptz as a UTC DateTime and date as DateTime.
    private static DateTimeOffset? Utc(DateTime? moment) => moment is { } m ? new DateTimeOffset(DateTime.SpecifyKind(m, DateTimeKind.Utc)) : null;

    private sealed class HeadRow
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string Reason { get; init; } = string.Empty;
        public DateTime Deadline { get; init; }
        public string FlaggedBy { get; init; } = string.Empty;
        public DateTime FlaggedAt { get; init; }
        public string? LiftedBy { get; init; }
        public DateTime? LiftedAt { get; init; }
        public string? ReviewNote { get; init; }
    }

    private sealed class SummaryRow
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string Reason { get; init; } = string.Empty;
        public DateTime Deadline { get; init; }
        public DateTime FlaggedAt { get; init; }
        public DateTime? LiftedAt { get; init; }
        public int Problems { get; init; }
        public int OpenProblems { get; init; }
    }

    private sealed class ProblemRow
    {
        public Guid Id { get; init; }
        public string Description { get; init; } = string.Empty;
        public string Owner { get; init; } = string.Empty;
        public string Measures { get; init; } = string.Empty;
        public string? Evidence { get; init; }
        public string? CheckedBy { get; init; }
        public DateTime? ClosedAt { get; init; }
        public string RecordedBy { get; init; } = string.Empty;
        public DateTime RecordedAt { get; init; }
    }
}
