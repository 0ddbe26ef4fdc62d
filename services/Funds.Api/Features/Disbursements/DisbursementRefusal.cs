using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Disbursements;

public sealed record RefuseDisbursementRequest(string? Reason);

/// <summary>
/// Refusal (驳回) of a requested disbursement with a reason, by those who could approve it (the level its amount requires
/// or above, never its requester). Nothing was booked for a request, so a refusal moves no money; a refused request stays
/// refused and cannot be paid (asking again is a new request).
/// </summary>
public static class DisbursementRefusal
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_refusal")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "approval_level_required", "own_request")]
    [ProblemResponses(StatusCodes.Status404NotFound, "disbursement_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "disbursement_not_pending")]
    public static async Task<Ok<DisbursementView>> RefuseAsync(Guid id, RefuseDisbursementRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var reason = request.Reason?.Trim() ?? string.Empty;
        if (reason.Length is 0 or > 500)
        {
            throw ApiProblems.Invalid("invalid_refusal", "驳回请求无效", [new FieldError("reason", "required", "须填写驳回原因（至多500字）")]).ToException();
        }

        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var disbursement = await Disbursements.FindAsync(connection, transaction, id, scope, cancellationToken, forUpdate: true);
        DisbursementApproval.EnsureMayDecide(disbursement, user, actor);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE disbursements SET status = 'refused', refused_by = @actor, refused_at = now(), refusal_reason = @reason WHERE id = @id",
            new { id, actor, reason }, transaction, cancellationToken: cancellationToken));
        var view = await Disbursements.FindAsync(connection, transaction, id, scope, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(view);
    }
}
