namespace Funds.Api.Domain;

/// <summary>
/// The kinds of ledger account. Money of a county's year enters through its appropriation account (财政拨入, the one
/// account that goes below zero), sits on a budget line per programme (预算指标), is allocated to villages and cadres
/// (分配) and leaves to the paid-out account when disbursed (已支付). Revolving funds (周转资金) have a county's pool per
/// year, one account per loan (its balance is what is still owed) and the county's written-off account (核销).
/// </summary>
public static class AccountKinds
{
    public const string Appropriation = "appropriation";
    public const string BudgetLine = "budget_line";
    public const string Village = "village";
    public const string Cadre = "cadre";
    public const string PaidOut = "paid_out";
    public const string RevolvingFund = "revolving_fund";
    public const string Loan = "loan";
    public const string WrittenOff = "written_off";

    public static readonly IReadOnlyList<string> All = [Appropriation, BudgetLine, Village, Cadre, PaidOut, RevolvingFund, Loan, WrittenOff];
}
