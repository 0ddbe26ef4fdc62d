using System.ComponentModel.DataAnnotations;

namespace Platform.Web.Extensions;

/// <summary>The console's settings (section <c>Console</c>); docs/operations.md, "Console".</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>The address people browse (the gateway's); the sign-in callback and the sign-out return are built from it.</summary>
    [Required]
    public Uri? PublicOrigin { get; set; }

    /// <summary>Where the console's server calls the APIs: the gateway, as every other client does.</summary>
    [Required]
    public Uri? GatewayAddress { get; set; }

    /// <summary>The console's OpenID Connect client at the identity service (public: code + PKCE, no secret).</summary>
    [Required]
    public string ClientId { get; set; } = "console";

    /// <summary>How long a call to the gateway may take before the page shows it failed.</summary>
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a card (or a page that opts in, <see cref="Components.Shared.LoadWhilePrerenderingAttribute"/>) may load
    /// while its page is rendered on the server, so that its numbers are in the first HTML; what has not arrived by then
    /// loads once the page is interactive. Zero turns it off. The page's first byte waits this long at most.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05", ErrorMessage = "Console:PrerenderBudget must be between 0 and 5 seconds.")]
    public TimeSpan PrerenderBudget { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>A session's tokens are kept this long after its last use (the identity service's refresh token lives 8 hours).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);
}
