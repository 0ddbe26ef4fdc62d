using System.Security.Claims;
using Funds.Api.Domain;
using Funds.Api.Features.Budgets;
using Funds.Api.Features.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.RevolvingFunds;

public sealed record CapitaliseRequest(string? CountyCode, int? Year, long? AmountFen, string? Reason);

public sealed record FundPoolView(Guid AccountId, string CountyCode, int Year, long BalanceFen, Guid EntryId);

/// <summary>Capital (本金) put into a county's revolving-fund pool of a year: an appropriation entry from the county's 财政拨入 account.</summary>
public static class FundCapital
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_amount", "invalid_capital")]
    [ProblemResponses(StatusCodes.Status404NotFound, "account_not_found", "region_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "insufficient_funds")]
    public static async Task<Created<FundPoolView>> CapitaliseAsync(CapitaliseRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        FundsRequests.CheckCounty(request.CountyCode, errors);
        FundsRequests.CheckYear(request.Year, ChinaTime.Today(clock), errors);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add(new FieldError("reason", "required", "注入周转资金须说明依据（文号）"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_capital", "周转资金注资无效", errors).ToException();
        }

        if (request.AmountFen is not > 0)
        {
            throw Amounts.NotPositive();
        }

        FundsRequests.RequireInScope(scope, request.CountyCode!);
        var county = RegionCodes.Padded(request.CountyCode!);
        var year = request.Year!.Value;
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var source = await Ledger.Ledger.OpenAccountAsync(transaction, BudgetLines.AppropriationAccount(county, year), actor, cancellationToken);
        var pool = await Ledger.Ledger.OpenAccountAsync(transaction, FundAccounts.Pool(county, year), actor, cancellationToken);
        var entry = await Ledger.Ledger.PostAsync(transaction, new LedgerPosting("appropriation", county, $"注入{year}年周转资金：{request.Reason!.Trim()}",
            [new LedgerLine(source, -request.AmountFen.Value), new LedgerLine(pool, request.AmountFen.Value)], actor), cancellationToken)
            ?? throw new InvalidOperationException("An entry without a cause was refused as booked before.");
        var account = await Accounts.FindAsync(connection, transaction, pool, RegionScope.Everything, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/funds/accounts/{pool}", new FundPoolView(pool, request.CountyCode!, year, account.BalanceFen, entry));
    }
}
