using System.Security.Claims;
using Platform.Security;

namespace Identity.Api.Domain;

/// <summary>Who hands out rights: an administrator's or a client's own roles, region scope and grants.</summary>
public sealed record Grantor(IReadOnlyCollection<string> Roles, RegionScope Scope, IReadOnlyCollection<string> Grants)
{
    /// <summary>The signed-in caller (null when the token gives no scope: it may grant nothing).</summary>
    public static Grantor? FromPrincipal(ClaimsPrincipal user)
    {
        var scope = RegionScope.FromPrincipal(user);
        return scope is null
            ? null
            : new Grantor(
                user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList(),
                scope,
                user.FindAll(PlatformClaims.Grant).Select(c => c.Value).ToList());
    }
}
