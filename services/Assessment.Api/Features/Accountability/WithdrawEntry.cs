using System.Security.Claims;
using Assessment.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Accountability;

public sealed record WithdrawEntryRequest(string? Reason);

/// <summary>
/// Withdrawal (撤销): a new entry of kind withdrawal about the same subject, referring to the withdrawn one, with a reason;
/// the withdrawn entry stays in the register. An entry is withdrawn once (the database holds one withdrawal per entry);
/// a withdrawal is not withdrawn. The entry must be within the caller's scope (else it is missing).
/// </summary>
public static class WithdrawEntry
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_withdrawal")]
    [ProblemResponses(StatusCodes.Status404NotFound, "accountability_entry_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "entry_already_withdrawn", "withdrawal_not_withdrawable")]
    public static async Task<Created<AccountabilityEntryView>> WithdrawAsync(Guid id, WithdrawEntryRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var view = await WithdrawCoreAsync(dataSource, outbox, scope, user, id, request.Reason, cancellationToken);
        return TypedResults.Created($"/api/assessment/accountability/entries/{view.Id}", view);
    }

    public static async Task<AccountabilityEntryView> WithdrawCoreAsync(NpgsqlDataSource dataSource, OutboxWriter outbox, RegionScope scope, ClaimsPrincipal user, Guid id,
        string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw ApiProblems.Invalid("invalid_withdrawal", "撤销无效", [new FieldError("reason", "required", "撤销须说明原因")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entry = await RegisterQueries.FindAsync(connection, transaction, scope, id, cancellationToken) ?? throw RegisterQueries.NotFound();
        if (entry.Kind == AccountabilityKinds.Withdrawal)
        {
            throw ApiProblems.Conflict("withdrawal_not_withdrawable", "撤销记录不能再撤销").ToException("撤销记录不能再撤销");
        }

        if (entry.WithdrawnBy is not null)
        {
            throw AlreadyWithdrawn();
        }

        var withdrawal = new NewEntry(AccountabilityKinds.Withdrawal, entry.SubjectKind, entry.SubjectId, entry.SubjectName, entry.RegionCode, reason.Trim(), [],
            user.GetActor(), AccountabilityRules.Manual);
        try
        {
            var view = await AccountabilityRegister.AppendAsync(transaction, outbox, withdrawal, entry.Id, null, cancellationToken)
                ?? throw new InvalidOperationException("A withdrawal has no cause key and is always appended.");
            await transaction.CommitAsync(cancellationToken);
            return view;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another withdrawal of the same entry committed first.
            throw AlreadyWithdrawn();
        }
    }

    private static ProblemException AlreadyWithdrawn() => ApiProblems.Conflict("entry_already_withdrawn", "问责记录已撤销").ToException("该问责记录已撤销");
}
