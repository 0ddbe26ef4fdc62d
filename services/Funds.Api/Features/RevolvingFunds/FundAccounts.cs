using Funds.Api.Domain;
using Funds.Api.Features.Ledger;

namespace Funds.Api.Features.RevolvingFunds;

/// <summary>
/// The ledger accounts of revolving funds (周转资金), all under the programme <c>revolving_fund</c>: a county's pool of a year
/// (capital and what is repaid that year, lent again from there), one account per loan (its balance is what is owed), and
/// the county's written-off account of a year (核销). Counties are 12-digit padded codes.
/// </summary>
public static class FundAccounts
{
    public const string Programme = "revolving_fund";

    public static AccountSpec Pool(string countyCode, int year) => new(AccountKinds.RevolvingFund, countyCode, year, Programme, null, $"{year}年周转资金");

    public static AccountSpec Loan(Guid loanId, string villageCode, int year, string borrowerName) =>
        new(AccountKinds.Loan, villageCode, year, Programme, loanId.ToString(), $"{borrowerName}周转资金借款");

    public static AccountSpec WrittenOff(string countyCode, int year) => new(AccountKinds.WrittenOff, countyCode, year, Programme, null, $"{year}年周转资金核销");
}
