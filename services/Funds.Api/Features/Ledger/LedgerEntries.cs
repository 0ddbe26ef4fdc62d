using System.Security.Claims;
using Dapper;
using Funds.Api.Features.Disbursements;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Ledger;

public sealed record EntryLineView(int LineNo, Guid AccountId, string AccountCode, string AccountName, long AmountFen);

public sealed record EntryView(Guid Id, string Kind, string RegionCode, string Memo, Guid? Reverses, string? Reason, Guid? ReversedBy, string RecordedBy,
    DateTimeOffset RecordedAt, IReadOnlyList<EntryLineView> Lines);

public sealed record ReverseEntryRequest(string? Reason);

/// <summary>One ledger entry with its lines, and its correction: a new entry with every line negated, and a reason (the entry itself stays).</summary>
public static class LedgerEntries
{
    [ProblemResponses(StatusCodes.Status404NotFound, "entry_not_found")]
    public static async Task<Ok<EntryView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await FindAsync(connection, null, id, scope, cancellationToken));
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_reversal")]
    [ProblemResponses(StatusCodes.Status404NotFound, "entry_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "entry_already_reversed", "insufficient_funds", "payment_reversal_final")]
    public static async Task<Created<EntryView>> ReverseAsync(Guid id, ReverseEntryRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw ApiProblems.Invalid("invalid_reversal", "冲正无效", [new FieldError("reason", "required", "冲正须说明原因")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entry = await FindAsync(connection, transaction, id, scope, cancellationToken);
        if (entry.ReversedBy is not null)
        {
            throw AlreadyReversed();
        }

        if (entry.Reverses is { } reversed)
        {
            await DisbursementReversal.RefuseUndoingAsync(transaction, reversed, cancellationToken);
        }

        var actor = user.GetActor();
        Guid? reversal;
        try
        {
            reversal = await Ledger.PostAsync(transaction, new LedgerPosting("correction", entry.RegionCode, $"冲正：{entry.Memo}",
                entry.Lines.Select(l => new LedgerLine(l.AccountId, -l.AmountFen)).ToList(), actor, $"reversal:{entry.Id}", entry.Id, request.Reason),
                cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "ledger_entries_reverses_key")
        {
            throw AlreadyReversed();
        }

        if (reversal is null)
        {
            throw AlreadyReversed();
        }

        // A payment's entry corrected: its disbursement no longer stands.
        await DisbursementReversal.MarkReversedAsync(transaction, outbox, entry.Id, reversal.Value, actor, request.Reason, cancellationToken);
        var view = await FindAsync(connection, transaction, reversal.Value, scope, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/funds/ledger/entries/{view.Id}", view);
    }

    public static async Task<EntryView> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, RegionScope scope,
        CancellationToken cancellationToken)
    {
        var entry = await connection.QuerySingleOrDefaultAsync<EntryRow>(new CommandDefinition(
            """
            SELECT e.id, e.kind, e.region_code, e.memo, e.reverses, e.reason, r.id AS reversed_by, e.recorded_by, e.recorded_at
            FROM ledger_entries e LEFT JOIN ledger_entries r ON r.reverses = e.id
            WHERE e.id = @id AND e.region_code >= @From AND e.region_code < @To
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken))
            ?? throw ApiProblems.NotFound("entry_not_found", "未找到该记账凭证").ToException($"未找到记账凭证 {id}");
        var lines = await connection.QueryAsync<EntryLineView>(new CommandDefinition(
            """
            SELECT l.line_no, l.account_id, a.code AS account_code, a.name AS account_name, l.amount_fen
            FROM ledger_lines l JOIN accounts a ON a.id = l.account_id WHERE l.entry_id = @id ORDER BY l.line_no
            """, new { id }, transaction, cancellationToken: cancellationToken));
        return new EntryView(entry.Id, entry.Kind, entry.RegionCode, entry.Memo, entry.Reverses, entry.Reason, entry.ReversedBy, entry.RecordedBy,
            new DateTimeOffset(DateTime.SpecifyKind(entry.RecordedAt, DateTimeKind.Utc)), lines.ToList());
    }

    private static ProblemException AlreadyReversed() =>
        ApiProblems.Conflict("entry_already_reversed", "该凭证已冲正").ToException("该记账凭证已冲正，不能重复冲正");

    private sealed record EntryRow(Guid Id, string Kind, string RegionCode, string Memo, Guid? Reverses, string? Reason, Guid? ReversedBy, string RecordedBy,
        DateTime RecordedAt);
}
