using System.Security.Claims;
using System.Text.Json;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Accountability;

public sealed record ProposalView(Guid Id, string Rule, string CauseKey, string EntryKind, string SubjectKind, string SubjectId, string SubjectName, string RegionCode,
    string Reason, IReadOnlyDictionary<string, string> Facts, string Status, DateTimeOffset ProposedAt, string? DecidedBy, DateTimeOffset? DecidedAt,
    string? DecisionReason, Guid? EntryId);

public sealed record ProposalPage(IReadOnlyList<ProposalView> Items, Guid? Next);

/// <param name="Reason">Why: required to reject, optional to confirm.</param>
/// <param name="Evidence">The confirmed entry's evidence (optional).</param>
public sealed record DecideProposalRequest(string? Reason, IReadOnlyList<string>? Evidence = null);

/// <summary>
/// The rules' proposals awaiting an official (问责建议): listed within the caller's scope (open ones unless asked), confirmed
/// (the entry is appended with the proposal's id, decided by the caller) or rejected with a reason. A proposal is decided
/// once: the second decision is 409 proposal_already_decided and changes nothing; two confirmations at once confirm
/// once (the row is locked, and the register holds one entry per proposal).
/// </summary>
public static class ProposalDecisions
{
    public static readonly IReadOnlyList<string> Statuses = ["open", "confirmed", "rejected"];

    private const string Select =
        """
        SELECT id, rule, cause_key, entry_kind, subject_kind, subject_id, subject_name, region_code, reason, facts::text AS facts, status, proposed_at,
               decided_by, decided_at, decision_reason, entry_id
        FROM accountability_proposals
        """;

    public static async Task<Ok<ProposalPage>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null,
        string? status = null, string? rule = null, Guid? after = null, int? limit = null) =>
        TypedResults.Ok(await ListCoreAsync(dataSource, scope, prefix, status, rule, after, limit, cancellationToken));

    public static async Task<ProposalPage> ListCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, string? prefix, string? status, string? rule, Guid? after,
        int? limit, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            errors.Add(new FieldError("status", "unknown_status", "status 须为 open、confirmed、rejected 之一"));
        }

        if (limit is < 1 or > RegisterQueries.MaxLimit)
        {
            errors.Add(new FieldError("limit", "out_of_range", $"limit 须为1至{RegisterQueries.MaxLimit}"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        var take = limit ?? RegisterQueries.DefaultLimit;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ProposalRow>(new CommandDefinition(
            $"""
            {Select}
            WHERE region_code >= @From AND region_code < @To AND status = @status AND (CAST(@rule AS text) IS NULL OR rule = @rule)
              AND (CAST(@after AS uuid) IS NULL OR id > @after)
            ORDER BY id LIMIT @limit
            """, new { region.From, region.To, status = status ?? "open", rule, after, limit = take + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(take).Select(r => r.ToView()).ToList();
        return new ProposalPage(items, rows.Count > take ? items[^1].Id : null);
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "proposal_not_found")]
    public static async Task<Ok<ProposalView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await FindAsync(connection, null, scope, id, false, cancellationToken) ?? throw NotFound());
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_decision")]
    [ProblemResponses(StatusCodes.Status404NotFound, "proposal_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "proposal_already_decided")]
    public static async Task<Ok<ProposalView>> ConfirmAsync(Guid id, DecideProposalRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken) =>
        TypedResults.Ok(await DecideCoreAsync(dataSource, outbox, scope, user, id, true, request, cancellationToken));

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_decision")]
    [ProblemResponses(StatusCodes.Status404NotFound, "proposal_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "proposal_already_decided")]
    public static async Task<Ok<ProposalView>> RejectAsync(Guid id, DecideProposalRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken) =>
        TypedResults.Ok(await DecideCoreAsync(dataSource, outbox, scope, user, id, false, request, cancellationToken));

    /// <summary>Confirms (<paramref name="confirm"/>) or rejects a proposal of the caller's scope, once.</summary>
    public static async Task<ProposalView> DecideCoreAsync(NpgsqlDataSource dataSource, OutboxWriter outbox, RegionScope scope, ClaimsPrincipal user, Guid id, bool confirm,
        DecideProposalRequest request, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        var evidence = (request.Evidence ?? []).Select(e => e?.Trim() ?? string.Empty).ToList();
        if ((!confirm && reason is null) || evidence.Count > RecordEntry.MaxEvidence || evidence.Any(e => e.Length == 0))
        {
            throw ApiProblems.Invalid("invalid_decision", "问责建议处理无效",
                reason is null && !confirm
                    ? [new FieldError("reason", "required", "不采纳问责建议须说明理由")]
                    : [new FieldError("evidence", "invalid_evidence", $"佐证材料至多{RecordEntry.MaxEvidence}项，且每项不能为空")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The row lock makes a second decision wait for the first and then find it decided.
        var proposal = await FindAsync(connection, transaction, scope, id, true, cancellationToken) ?? throw NotFound();
        if (proposal.Status != "open")
        {
            throw ApiProblems.Conflict("proposal_already_decided", "问责建议已处理", $"The proposal was {proposal.Status} by {proposal.DecidedBy}.")
                .ToException("该问责建议已处理，不能重复处理");
        }

        var actor = user.GetActor();
        Guid? entryId = null;
        if (confirm)
        {
            var entry = await AccountabilityRegister.AppendAsync(transaction, outbox, new NewEntry(proposal.EntryKind, proposal.SubjectKind, proposal.SubjectId,
                proposal.SubjectName, proposal.RegionCode, reason is null ? proposal.Reason : $"{proposal.Reason}（确认意见：{reason}）", evidence, actor, proposal.Rule,
                null, proposal.Id), cancellationToken) ?? throw new InvalidOperationException("A confirmed proposal's entry has no cause key and is always appended.");
            entryId = entry.Id;
        }

        var decidedAt = await connection.QuerySingleAsync<DateTime>(new CommandDefinition(
            """
            UPDATE accountability_proposals SET status = @status, decided_by = @actor, decided_at = now(), decision_reason = @reason, entry_id = @entryId
            WHERE id = @id RETURNING decided_at
            """, new { id, status = confirm ? "confirmed" : "rejected", actor, reason, entryId }, transaction, cancellationToken: cancellationToken));
        var decided = proposal with
        {
            Status = confirm ? "confirmed" : "rejected", DecidedBy = actor, DecidedAt = AccountabilityRegister.Utc(decidedAt), DecisionReason = reason, EntryId = entryId,
        };
        await outbox.EnqueueAsync(transaction, new AccountabilityProposalDecided(decided.Id, decided.Rule, decided.EntryKind, decided.SubjectKind, decided.SubjectId,
            decided.SubjectName, decided.RegionCode, decided.Status, reason, entryId, actor, decided.DecidedAt!.Value), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return decided;
    }

    private static ProblemException NotFound() => ApiProblems.NotFound("proposal_not_found", "未找到问责建议").ToException("未找到该问责建议");

    private static async Task<ProposalView?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id, bool forUpdate,
        CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ProposalRow>(new CommandDefinition(
            $"{Select} WHERE id = @id AND region_code >= @From AND region_code < @To{(forUpdate ? " FOR UPDATE" : string.Empty)}",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        return row?.ToView();
    }

    private sealed record ProposalRow(Guid Id, string Rule, string CauseKey, string EntryKind, string SubjectKind, string SubjectId, string SubjectName, string RegionCode,
        string Reason, string Facts, string Status, DateTime ProposedAt, string? DecidedBy, DateTime? DecidedAt, string? DecisionReason, Guid? EntryId)
    {
        public ProposalView ToView() => new(Id, Rule, CauseKey, EntryKind, SubjectKind, SubjectId, SubjectName, RegionCode, Reason,
            JsonSerializer.Deserialize<Dictionary<string, string>>(Facts) ?? [], Status, AccountabilityRegister.Utc(ProposedAt), DecidedBy,
            DecidedAt is { } at ? AccountabilityRegister.Utc(at) : null, DecisionReason, EntryId);
    }
}
