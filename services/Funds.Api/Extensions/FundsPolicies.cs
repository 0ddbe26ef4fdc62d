using Platform.Security;

namespace Funds.Api.Extensions;

/// <summary>Authorization policies of the funds service (the platform-wide ones are in Platform.Security).</summary>
public static class FundsPolicies
{
    /// <summary>
    /// Finance and organisation staff of the province, cities and counties change funds; everyone else in scope (auditors,
    /// townships, cadres, integration clients) only reads.
    /// </summary>
    public const string ManageFunds = "manage-funds";

    public static readonly string[] ManagingRoles = [Roles.Province, Roles.City, Roles.County];
}
