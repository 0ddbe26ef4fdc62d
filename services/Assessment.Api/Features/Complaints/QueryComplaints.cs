using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Complaints;

public sealed record ComplaintPage(IReadOnlyList<ComplaintView> Items, Guid? Next);

/// <summary>
/// Complaints of the caller's scope (by the subject's region): one with its replies, or a keyset page under a prefix,
/// oldest first. Another region's complaint answers exactly as a missing one.
/// </summary>
public static class QueryComplaints
{
    public const int MaxLimit = 200;

    private static readonly string[] Statuses = ["open", "replied", "closed"];

    [ProblemResponses(StatusCodes.Status404NotFound, "complaint_not_found")]
    public static async Task<Ok<ComplaintView>> GetAsync(Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, PersonalDataProtector protector,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, protector, clock, scope, user, id, cancellationToken));

    public static async Task<Ok<ComplaintPage>> ListAsync(RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, PersonalDataProtector protector,
        TimeProvider clock, CancellationToken cancellationToken, string? prefix = null, string? status = null, Guid? after = null, int? limit = null) =>
        TypedResults.Ok(await ListCoreAsync(dataSource, protector, clock, scope, user, prefix, status, after, limit, cancellationToken));

    public static async Task<ComplaintView> GetCoreAsync(NpgsqlDataSource dataSource, PersonalDataProtector protector, TimeProvider clock, RegionScope scope,
        ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await FindAsync(connection, null, scope, id, forUpdate: false, cancellationToken);
        var replies = await RepliesAsync(connection, null, [id], cancellationToken);
        return row.ToView(user, protector, clock.GetUtcNow(), replies.GetValueOrDefault(id, []));
    }

    public static async Task<ComplaintPage> ListCoreAsync(NpgsqlDataSource dataSource, PersonalDataProtector protector, TimeProvider clock, RegionScope scope,
        ClaimsPrincipal user, string? prefix, string? status, Guid? after, int? limit, CancellationToken cancellationToken)
    {
        var region = scope.NarrowOrDeny(prefix);
        var errors = new List<FieldError>();
        if (status is not null && !Statuses.Contains(status))
        {
            errors.Add(new FieldError("status", "invalid_status", "status 须为 open、replied 或 closed"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "invalid_limit", $"limit 须在 1 到 {MaxLimit} 之间"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var take = limit ?? 50;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ComplaintRow>(new CommandDefinition(
            $"""
            SELECT {ComplaintRow.Columns} FROM complaints
            WHERE region_code >= @From AND region_code < @To AND (@after::uuid IS NULL OR id > @after)
              AND (@status::text IS NULL
                   OR (@status = 'closed' AND closed_at IS NOT NULL)
                   OR (@status = 'replied' AND closed_at IS NULL AND first_replied_at IS NOT NULL)
                   OR (@status = 'open' AND closed_at IS NULL AND first_replied_at IS NULL))
            ORDER BY id LIMIT @take
            """, new { region.From, region.To, after, status, take = take + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(take).ToList();
        var replies = await RepliesAsync(connection, null, page.Select(r => r.Id).ToArray(), cancellationToken);
        var now = clock.GetUtcNow();
        return new ComplaintPage(page.Select(r => r.ToView(user, protector, now, replies.GetValueOrDefault(r.Id, []))).ToList(),
            rows.Count > take ? page[^1].Id : null);
    }

    /// <summary>The complaint in the caller's scope (locked for a change when <paramref name="forUpdate"/>), else 404 <c>complaint_not_found</c>.</summary>
    internal static async Task<ComplaintRow> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id, bool forUpdate,
        CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<ComplaintRow>(new CommandDefinition(
            $"SELECT {ComplaintRow.Columns} FROM complaints WHERE id = @id AND region_code >= @From AND region_code < @To {(forUpdate ? "FOR UPDATE" : string.Empty)}",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken))
        ?? throw ApiProblems.NotFound("complaint_not_found", "未找到诉求").ToException("未找到该诉求");

    internal static async Task<Dictionary<Guid, IReadOnlyList<ComplaintReplyView>>> RepliesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        Guid[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<ComplaintReplyRow>(new CommandDefinition(
            "SELECT id, complaint_id, text, replied_by, replied_at, late FROM complaint_replies WHERE complaint_id = ANY(@ids) ORDER BY replied_at, id",
            new { ids }, transaction, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.ComplaintId).ToDictionary(g => g.Key, g => (IReadOnlyList<ComplaintReplyView>)g.Select(r => r.ToView()).ToList());
    }
}
