namespace Identity.Api.Extensions;

/// <summary>Authorization policies of the identity service (the platform-wide ones are in Platform.Security).</summary>
public static class IdentityPolicies
{
    /// <summary>Organisation departments (province, city, county) administer accounts at or below their own level and region.</summary>
    public const string ManageAccounts = "manage-accounts";
}
