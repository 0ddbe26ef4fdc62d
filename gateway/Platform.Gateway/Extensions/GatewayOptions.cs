using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Extensions;

/// <summary>Edge settings (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The console's origin, the only one CORS allows (e.g. https://console.example.gov.cn); none when empty.</summary>
    public string[] ConsoleOrigins { get; set; } = [];

    /// <summary>Sustained requests per second per caller (token subject, else client address).</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests a caller may send at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 200;

    /// <summary>A backend that does not accept a connection in this time counts as down.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
