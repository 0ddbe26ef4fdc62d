namespace Identity.Api.Features.Federation;

/// <summary>
/// Signing in through the province's own OpenID Connect provider (section <c>Identity:Federation</c>): off unless
/// <see cref="Authority"/> is set. A person signed in there is matched to a local account whose federated subject equals
/// the provider's <see cref="MatchClaim"/>; the local account still decides role and region.
/// </summary>
public sealed class FederationOptions
{
    public const string Section = "Identity:Federation";

    public string? Authority { get; set; }

    public string ClientId { get; set; } = string.Empty;

    public string? ClientSecret { get; set; }

    /// <summary>The button's words: 通过{DisplayName}登录.</summary>
    public string DisplayName { get; set; } = "省统一身份认证平台";

    /// <summary>The provider's claim that identifies a person (e.g. sub, or an employee number claim).</summary>
    public string MatchClaim { get; set; } = "sub";

    /// <summary>Space-separated scopes asked of the provider besides openid.</summary>
    public string Scopes { get; set; } = "profile";

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority);
}
