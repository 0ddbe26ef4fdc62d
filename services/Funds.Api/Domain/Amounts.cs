using Platform.ServiceDefaults;

namespace Funds.Api.Domain;

/// <summary>Money is integer fen (1 CNY = 100 fen); an amount moved is always above zero.</summary>
public static class Amounts
{
    public static ProblemException NotPositive(string field = "amountFen") =>
        ApiProblems.Invalid("invalid_amount", "金额无效", [new FieldError(field, "not_positive", $"{field} 须为大于0的整数（分）")]).ToException();

    /// <summary>Fen as yuan with two decimals, for what a person reads.</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture);
}
