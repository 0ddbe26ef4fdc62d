using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Security;

/// <summary>Signs development and test tokens with the symmetric key of <see cref="AuthOptions.SigningKey"/>.</summary>
public static class DevelopmentTokens
{
    /// <summary>
    /// A token with its roles, its region (a division-code prefix; empty only with the grant <see cref="Grants.Nationwide"/>
    /// of a province administrator, see <see cref="RegionScope.FromPrincipal"/>) and its grants (claim <c>grant</c>).
    /// </summary>
    public static string Create(AuthOptions options, string subject, IEnumerable<string> roles, string region, TimeSpan? lifetime = null, DateTime? now = null,
        IEnumerable<string>? grants = null)
    {
        var key = options.CreateSigningKey() ?? throw new InvalidOperationException("Development tokens need Auth:SigningKey.");
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new List<Claim>
        {
            new(PlatformClaims.Subject, subject),
            new(PlatformClaims.Name, subject),
            new(PlatformClaims.Region, region),
        };
        claims.AddRange(roles.Select(r => new Claim(PlatformClaims.Role, r)));
        claims.AddRange((grants ?? []).Select(g => new Claim(PlatformClaims.Grant, g)));

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt.AddMinutes(-1),
            Expires = issuedAt + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
