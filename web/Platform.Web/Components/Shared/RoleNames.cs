using Platform.Security;

namespace Platform.Web.Components.Shared;

/// <summary>The Chinese names of the platform's roles, as every page shows them.</summary>
public static class RoleNames
{
    public static readonly IReadOnlyList<(string Role, string Name)> All =
    [
        (Roles.Province, "省级"), (Roles.City, "市级"), (Roles.County, "县级"), (Roles.Township, "乡镇"),
        (Roles.Cadre, "驻村干部"), (Roles.Auditor, "审计"), (Roles.Integration, "系统对接"),
    ];

    public static string Of(string? role) => All.FirstOrDefault(r => r.Role == role).Name ?? role ?? "";
}
