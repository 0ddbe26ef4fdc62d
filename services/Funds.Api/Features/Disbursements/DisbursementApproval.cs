using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Disbursements;

/// <summary>
/// Approval (审批) of a requested disbursement by an official of the level its amount requires or above (a county's up to
/// Funds:Approval:CountyMaxFen, a city's up to CityMaxFen, the province's any), never by the one who requested it.
/// </summary>
public static class DisbursementApproval
{
    private static readonly string[] Levels = ["county", "city", "province"];

    [ProblemResponses(StatusCodes.Status403Forbidden, "approval_level_required", "own_request")]
    [ProblemResponses(StatusCodes.Status404NotFound, "disbursement_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "disbursement_not_pending")]
    public static async Task<Ok<DisbursementView>> ApproveAsync(Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var disbursement = await Disbursements.FindAsync(connection, transaction, id, scope, cancellationToken, forUpdate: true);
        EnsureMayDecide(disbursement, user, actor);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE disbursements SET status = 'approved', approved_by = @actor, approved_at = now() WHERE id = @id",
            new { id, actor }, transaction, cancellationToken: cancellationToken));
        var view = await Disbursements.FindAsync(connection, transaction, id, scope, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(view);
    }

    /// <summary>
    /// Who may decide (approve or refuse) a request: it is still requested, the caller did not ask for it, and the caller's
    /// level reaches the one its amount requires.
    /// </summary>
    internal static void EnsureMayDecide(DisbursementView disbursement, ClaimsPrincipal user, string actor)
    {
        if (disbursement.Status != "requested")
        {
            throw ApiProblems.Conflict("disbursement_not_pending", "该支付申请不在待审批状态").ToException($"该支付申请已{disbursement.Status switch { "paid" => "支付", "reversed" => "冲正", "refused" => "驳回", _ => "审批" }}");
        }

        if (disbursement.RequestedBy == actor)
        {
            throw ApiProblems.Create(StatusCodes.Status403Forbidden, "own_request", "不能审批本人提出的支付申请").ToException();
        }

        if (LevelOf(user) < LevelIndex(disbursement.RequiredLevel))
        {
            var needed = $"该金额须由{Name(disbursement.RequiredLevel)}审批";
            throw ApiProblems.Create(StatusCodes.Status403Forbidden, "approval_level_required", "审批层级不足", needed).ToException(needed);
        }
    }

    /// <summary>The highest level the caller's roles may approve at (-1: none).</summary>
    internal static int LevelOf(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Province) ? 2 : user.IsInRole(Roles.City) ? 1 : user.IsInRole(Roles.County) ? 0 : -1;

    internal static int LevelIndex(string level) => Array.IndexOf(Levels, level);

    internal static string Name(string level) => level switch { "county" => "县级", "city" => "市级", _ => "省级" };
}
