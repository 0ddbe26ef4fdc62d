using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Townships;

public sealed record TownshipPostingRequest(Guid? CadreId, string? Role, DateOnly? StartsOn, string? Reason);

public sealed record EndTownshipPostingRequest(DateOnly? EndsOn, string? Reason);

public sealed record TownshipPostingDto(Guid Id, string TownshipCode, string TownshipName, Guid CadreId, string CadreName, string Role, string RoleName,
    DateOnly StartsOn, DateOnly? EndsOn, string Reason, string? EndReason, string PostedBy, DateTimeOffset PostedAt);

/// <summary>A township's postings: those in force today and earlier ones, newest first.</summary>
public sealed record TownshipPostingsDto(string TownshipCode, string TownshipName, IReadOnlyList<TownshipPostingDto> Current, IReadOnlyList<TownshipPostingDto> Past);

/// <summary>
/// Dispatched cadres at the township (domain.md §9): posted to it (充实到乡镇, <c>posted</c>: a resident post, so not
/// beside a resident village post — 409 cadre_already_resident, kept by the database across both tables), or a first
/// secretary's seat on its party committee (<c>party_committee_member</c>: only for a cadre who is first secretary of a
/// village of that township on the first day, 409 not_first_secretary_of_township). The township and the cadre are
/// looked up in the caller's scope (404 township_not_found, cadre_not_found). Each change publishes
/// <see cref="TownshipPostingChanged"/> in its transaction.
/// </summary>
public static class TownshipPostings
{
    public static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["posted"] = "充实乡镇工作", ["party_committee_member"] = "兼任乡镇党委委员",
    };

    private static ProblemHttpResult TownshipNotFound() => ApiProblems.NotFound("township_not_found", "未找到该乡镇");

    /// <summary>REST: <c>GET /api/dispatch/townships/{code}/postings</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "township_not_found")]
    public static async Task<Results<Ok<TownshipPostingsDto>, ProblemHttpResult>> ListAsync(string code, RegionScope scope, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var name = await TownshipNameAsync(connection, null, scope, code, lockRow: false, cancellationToken);
        if (name is null)
        {
            return TownshipNotFound();
        }

        var today = ChinaTime.Today(clock);
        var postings = await ReadAsync(connection, null, "t.township_code = @code", new { code }, cancellationToken);
        return TypedResults.Ok(new TownshipPostingsDto(code, name, postings.Where(p => p.EndsOn is null || p.EndsOn >= today).ToList(),
            postings.Where(p => p.EndsOn < today).ToList()));
    }

    /// <summary>REST: <c>POST /api/dispatch/townships/{code}/postings</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_township_posting")]
    [ProblemResponses(StatusCodes.Status404NotFound, "cadre_not_found", "township_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "already_on_township_committee", "cadre_already_resident", "not_first_secretary_of_township")]
    public static async Task<Results<Created<TownshipPostingDto>, ProblemHttpResult>> PostAsync(string code, TownshipPostingRequest request, RegionScope scope,
        HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, DateWindow window, TimeProvider clock, CancellationToken cancellationToken)
    {
        var reason = request.Reason?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (request.CadreId is null)
        {
            errors.Add(new FieldError("cadreId", "required", "须指定干部"));
        }

        if (request.Role is null || !Roles.ContainsKey(request.Role))
        {
            errors.Add(new FieldError("role", "unknown_role", "role 应为 posted（充实乡镇工作）或 party_committee_member（兼任乡镇党委委员）"));
        }

        if (request.StartsOn is not { } starts || !window.Contains(starts))
        {
            errors.Add(new FieldError("startsOn", "out_of_range", "须填写开始日期，" + window.Describe()));
        }

        if (reason.Length is 0 or > 500)
        {
            errors.Add(new FieldError("reason", "required", "须写明原因（不超过500字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_township_posting", "乡镇任职无效", errors);
        }

        var now = clock.GetUtcNow();
        var actor = http.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var townshipName = await TownshipNameAsync(connection, transaction, scope, code, lockRow: true, cancellationToken);
        if (townshipName is null)
        {
            return TownshipNotFound();
        }

        var cadreName = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT name FROM cadres WHERE id = @CadreId AND region_code >= @From AND region_code < @To", new { request.CadreId, scope.From, scope.To }, transaction,
            cancellationToken: cancellationToken));
        if (cadreName is null)
        {
            return ApiProblems.NotFound("cadre_not_found", "未找到该干部");
        }

        if (request.Role == "party_committee_member" && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                """
                SELECT EXISTS (SELECT 1 FROM assignments WHERE cadre_id = @CadreId AND force = 'first_secretary' AND starts_on <= @StartsOn
                               AND (ends_on IS NULL OR ends_on >= @StartsOn) AND starts_with(village_code, @township))
                """, new { request.CadreId, request.StartsOn, township = code[..9] }, transaction, cancellationToken: cancellationToken)))
        {
            return ApiProblems.Conflict("not_first_secretary_of_township", "只有本乡镇所辖村的第一书记可兼任乡镇党委委员");
        }

        var id = Guid.CreateVersion7();
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO township_postings (id, township_code, cadre_id, role, starts_on, reason, posted_by, posted_at)
                VALUES (@id, @code, @CadreId, @Role, @StartsOn, @reason, @actor, @now)
                """, new { id, code, request.CadreId, request.Role, request.StartsOn, reason, actor, now }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return ex.ConstraintName == "one_township_committee_seat"
                ? ApiProblems.Conflict("already_on_township_committee", "该干部在此期间已兼任该乡镇党委委员")
                : ApiProblems.Conflict("cadre_already_resident", "该干部在此期间已有驻村或乡镇岗位", "A cadre holds one resident post at a time, in a village or a township.");
        }

        await outbox.EnqueueAsync(transaction, new TownshipPostingChanged(id, code, townshipName, request.CadreId!.Value, cadreName, request.Role!, "started",
            request.StartsOn!.Value, reason, actor, now), cancellationToken);
        var dto = (await ReadAsync(connection, transaction, "t.id = @id", new { id }, cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/townships/{code}/postings", dto);
    }

    /// <summary>REST: <c>POST /api/dispatch/township-postings/{id}/end</c>: the last day (today when left out, not after it) and the reason.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_township_posting_end")]
    [ProblemResponses(StatusCodes.Status404NotFound, "township_posting_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "township_posting_ended")]
    public static async Task<Results<Ok<TownshipPostingDto>, ProblemHttpResult>> EndAsync(Guid id, EndTownshipPostingRequest request, RegionScope scope,
        HttpContext http, NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var endsOn = request.EndsOn ?? today;
        var reason = request.Reason?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (reason.Length is 0 or > 500)
        {
            errors.Add(new FieldError("reason", "required", "须写明原因（不超过500字）"));
        }

        if (endsOn > today || endsOn < DateWindow.Earliest)
        {
            errors.Add(new FieldError("endsOn", "out_of_range", $"结束日期不能晚于今天（{today:yyyy-MM-dd}）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_township_posting_end", "乡镇任职结束登记无效", errors);
        }

        var actor = http.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var posting = (await ReadAsync(connection, transaction, "t.id = @id AND t.township_code >= @From AND t.township_code < @To", new { id, scope.From, scope.To },
            cancellationToken, forUpdate: true)).SingleOrDefault();
        if (posting is null)
        {
            return ApiProblems.NotFound("township_posting_not_found", "未找到该乡镇任职");
        }

        if (posting.EndsOn is not null)
        {
            return ApiProblems.Conflict("township_posting_ended", "该乡镇任职已结束");
        }

        if (endsOn < posting.StartsOn)
        {
            return ApiProblems.Invalid("invalid_township_posting_end", "乡镇任职结束登记无效", [new FieldError("endsOn", "before_start", "结束日期不能早于开始日期")]);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE township_postings SET ends_on = @endsOn, end_reason = @reason, ended_by = @actor, ended_at = @now WHERE id = @id",
            new { id, endsOn, reason, actor, now }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, new TownshipPostingChanged(id, posting.TownshipCode, posting.TownshipName, posting.CadreId, posting.CadreName, posting.Role,
            "ended", endsOn, reason, actor, now), cancellationToken);
        var dto = (await ReadAsync(connection, transaction, "t.id = @id", new { id }, cancellationToken)).Single();
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto);
    }

    /// <summary>The township's name when it is one (level 4) in the caller's scope, else null (missing and out of scope alike).</summary>
    private static Task<string?> TownshipNameAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, string code, bool lockRow,
        CancellationToken cancellationToken) =>
        code.Length == RegionScope.CodeLength && scope.Covers(code)
            ? connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                $"SELECT name FROM regions WHERE code = @code AND level = 4{(lockRow ? " FOR UPDATE" : string.Empty)}", new { code }, transaction,
                cancellationToken: cancellationToken))
            : Task.FromResult<string?>(null);

    private static async Task<IReadOnlyList<TownshipPostingDto>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object args,
        CancellationToken cancellationToken, bool forUpdate = false) =>
        (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT t.id, t.township_code, r.name AS township_name, t.cadre_id, c.name AS cadre_name, t.role, t.starts_on, t.ends_on, t.reason, t.end_reason,
                   t.posted_by, t.posted_at
            FROM township_postings t JOIN regions r ON r.code = t.township_code JOIN cadres c ON c.id = t.cadre_id
            WHERE {where} ORDER BY t.starts_on DESC, t.id DESC{(forUpdate ? " FOR UPDATE OF t" : string.Empty)}
            """, args, transaction, cancellationToken: cancellationToken)))
        .Select(r => new TownshipPostingDto(r.Id, r.TownshipCode, r.TownshipName, r.CadreId, r.CadreName, r.Role, Roles[r.Role], DateOnly.FromDateTime(r.StartsOn),
            r.EndsOn is { } e ? DateOnly.FromDateTime(e) : null, r.Reason, r.EndReason, r.PostedBy, new DateTimeOffset(DateTime.SpecifyKind(r.PostedAt, DateTimeKind.Utc))))
        .ToList();

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string TownshipCode { get; init; } = string.Empty;
        public string TownshipName { get; init; } = string.Empty;
        public Guid CadreId { get; init; }
        public string CadreName { get; init; } = string.Empty;
        public string Role { get; init; } = string.Empty;
        public DateTime StartsOn { get; init; }
        public DateTime? EndsOn { get; init; }
        public string Reason { get; init; } = string.Empty;
        public string? EndReason { get; init; }
        public string PostedBy { get; init; } = string.Empty;
        public DateTime PostedAt { get; init; }
    }
}
