namespace Funds.Api.Extensions;

public sealed class FundsOptions
{
    public const string Section = "Funds";

    /// <summary>The service account's token for dispatch (required where tokens come from an authority; development mints one).</summary>
    public string? ServiceToken { get; set; }
}
