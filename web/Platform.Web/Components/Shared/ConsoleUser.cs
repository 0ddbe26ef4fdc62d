using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Platform.Security;

namespace Platform.Web.Components.Shared;

/// <summary>The signed-in person as the console shows them: their platform claims (the services decide access by the token itself).</summary>
public sealed record ConsoleUser(string Subject, string Name, IReadOnlyList<string> Roles, string Region, IReadOnlyList<string> Grants)
{
    /// <summary>The subject as the id the contracts carry (a cadre's id for a cadre's account); null when it is not one.</summary>
    public Guid? SubjectId => Guid.TryParse(Subject, out var id) ? id : null;

    public bool IsCadre => Roles.Contains(Platform.Security.Roles.Cadre);

    /// <summary>An official of a level of government (province to township), or an auditor: the desktop console's people.</summary>
    public bool IsOfficial => Roles.Any(r => r is Platform.Security.Roles.Province or Platform.Security.Roles.City
        or Platform.Security.Roles.County or Platform.Security.Roles.Township or Platform.Security.Roles.Auditor);

    public bool IsProvince => Roles.Contains(Platform.Security.Roles.Province);

    public bool HasRole(params string[] roles) => Roles.Any(roles.Contains);

    /// <summary>The role's Chinese name, as the header shows it.</summary>
    public string RoleName => RoleNames.Of(Roles.FirstOrDefault());

    public static ConsoleUser From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue(PlatformClaims.Subject) ?? "",
        principal.FindFirstValue(PlatformClaims.Name) ?? principal.FindFirstValue(PlatformClaims.Subject) ?? "",
        principal.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList(),
        principal.FindFirstValue(PlatformClaims.Region) ?? "",
        principal.FindAll(PlatformClaims.Grant).Select(c => c.Value).ToList());
}

/// <summary>The signed-in person of this circuit.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authentication)
{
    public async Task<ConsoleUser> GetAsync() => ConsoleUser.From((await authentication.GetAuthenticationStateAsync()).User);
}
