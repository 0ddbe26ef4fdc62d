using System.ComponentModel.DataAnnotations;
using Identity.Api.Domain;

namespace Identity.Api.Extensions;

/// <summary>Settings of the identity service (section <c>Identity</c>); docs/operations.md lists them.</summary>
public sealed class IdentityServiceOptions : IValidatableObject
{
    public const string Section = "Identity";

    /// <summary>The issuer (<c>iss</c>) and base address of the OpenID Connect server, absolute, with a trailing slash.</summary>
    [Required]
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Accept plain HTTP (local machine, tests). Off in production, where TLS ends at the ingress or the gateway.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Short, so that disabling an account takes away its access within this time.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A console session lasts at most this long without signing in again (refresh tokens roll).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Failed passwords in a row before an account is locked, and for how long.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The clients registered (and updated) at start: service accounts, other systems, the console, the CLI.</summary>
    public List<ClientRegistration> Clients { get; set; } = [];

    /// <summary>Section <c>Identity:Keys</c>: key rotation.</summary>
    public KeyRotationSettings Keys { get; set; } = new();

    public Uri IssuerUri => new(Issuer, UriKind.Absolute);

    /// <summary>The rotation settings, with the overlap no shorter than the longest-lived token a key protects.</summary>
    public KeyRotationSettings KeySettings()
    {
        var longest = new[] { AccessTokenLifetime, RefreshTokenLifetime, Keys.Overlap }
            .Concat(Clients.Where(c => c.AccessTokenLifetime is not null).Select(c => c.AccessTokenLifetime!.Value))
            .Max();
        return new KeyRotationSettings { RotateEvery = Keys.RotateEvery, PublishAhead = Keys.PublishAhead, Overlap = longest };
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) || !Issuer.EndsWith('/'))
        {
            yield return new ValidationResult("Identity:Issuer must be an absolute URL ending in '/', e.g. https://auth.example.gov.cn/.", [nameof(Issuer)]);
        }
        else if (issuer.Scheme != Uri.UriSchemeHttps && !AllowHttp)
        {
            yield return new ValidationResult("Identity:Issuer is http: set Identity:AllowHttp=true only for a local machine or tests.", [nameof(Issuer)]);
        }

        if (AccessTokenLifetime <= TimeSpan.Zero || RefreshTokenLifetime <= TimeSpan.Zero || MaxFailedSignIns < 1 || LockoutDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Identity: token lifetimes and the lockout duration must be positive, MaxFailedSignIns at least 1.");
        }

        if (Keys.RotateEvery <= Keys.PublishAhead || Keys.PublishAhead <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Identity:Keys: RotateEvery must be longer than PublishAhead, and PublishAhead positive.");
        }

        foreach (var failure in Clients.SelectMany((c, i) => c.Problems().Select(p => $"Identity:Clients:{i} ({c.ClientId}): {p}")))
        {
            yield return new ValidationResult(failure);
        }

        foreach (var duplicate in Clients.GroupBy(c => c.ClientId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"Identity:Clients: '{duplicate.Key}' is registered twice.");
        }
    }
}
