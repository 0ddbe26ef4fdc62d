namespace Dispatch.Api.Domain;

/// <summary>
/// The rating of a village's party and people's service centre (党群服务中心, domain.md §9, "Service centres"): model
/// (示范), up to standard (达标) or not up to standard (未达标). The API and events use the code; people see the Chinese name.
/// </summary>
public static class ServiceCentreRatings
{
    public const string Model = "model";
    public const string Standard = "standard";
    public const string Below = "below";

    private static readonly (string Code, string Chinese)[] Names = [(Model, "示范"), (Standard, "达标"), (Below, "未达标")];

    public static IEnumerable<string> Codes => Names.Select(n => n.Code);

    public static string ChineseName(string code) => Names.First(n => n.Code == code).Chinese;

    /// <summary>Accepts the code (model) or the Chinese name (示范); the code is what is stored.</summary>
    public static bool TryParse(string? text, out string code)
    {
        var value = text?.Trim();
        foreach (var (c, chinese) in Names)
        {
            if (string.Equals(value, c, StringComparison.Ordinal) || string.Equals(value, chinese, StringComparison.Ordinal))
            {
                code = c;
                return true;
            }
        }

        code = string.Empty;
        return false;
    }
}
