namespace Funds.Api.Extensions;

public sealed class FundsOptions
{
    public const string Section = "Funds";

    /// <summary>Who approves a disbursement, by its amount (Funds:Approval).</summary>
    public ApprovalLimits Approval { get; set; } = new();

    /// <summary>
    /// The 20% rule (Funds:NonPoorShare:MinimumShare): the least share of a county's poverty funds of a year that goes to
    /// non-poor villages' industry and infrastructure; below it the county is flagged. A fraction from 0 to 1, default 0.20.
    /// </summary>
    public NonPoorShareRule NonPoorShare { get; set; } = new();
}

public sealed class NonPoorShareRule
{
    public decimal MinimumShare { get; set; } = 0.20m;
}

/// <summary>
/// The amounts (fen) up to which a county's and a city's officials approve a disbursement; above the city's, only the
/// province approves. Defaults: 50,000 CNY for a county, 500,000 CNY for a city.
/// </summary>
public sealed class ApprovalLimits
{
    public long CountyMaxFen { get; set; } = 5_000_000;
    public long CityMaxFen { get; set; } = 50_000_000;

    public string LevelFor(long amountFen) => amountFen <= CountyMaxFen ? "county" : amountFen <= CityMaxFen ? "city" : "province";
}
