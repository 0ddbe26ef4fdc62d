using System.Security.Claims;

namespace Platform.Security;

/// <summary>The roles a platform token can carry (claim <c>role</c>).</summary>
public static class Roles
{
    public const string Province = "province";
    public const string City = "city";
    public const string County = "county";
    public const string Township = "township";
    public const string Cadre = "cadre";
    public const string Auditor = "auditor";
    public const string Integration = "integration";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Province, City, County, Township, Cadre, Auditor, Integration,
    };

    /// <summary>
    /// The caller carries at least one role and only roles the platform knows (compared exactly). A token that does not
    /// is no platform credential: authentication refuses it (401, UNAUTHENTICATED) and it has no region scope.
    /// </summary>
    public static bool AreKnown(ClaimsPrincipal user)
    {
        var roles = user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList();
        return roles.Count > 0 && roles.All(All.Contains);
    }
}

/// <summary>Extra rights a token may carry beside its role (claim <c>grant</c>, one claim per grant).</summary>
public static class Grants
{
    /// <summary>An integration client may change data (it only reads without it).</summary>
    public const string Write = "write";

    /// <summary>
    /// The whole country as the region scope: only with an empty <c>region</c>, and only for a token whose one role is
    /// province (a province administrator, or a service account acting for the province). See <see cref="RegionScope.FromPrincipal"/>.
    /// </summary>
    public const string Nationwide = "nationwide";
}

/// <summary>Claim names of platform tokens.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";

    /// <summary>The caller's region scope: a prefix of the 12-digit division code ("" = none, unless granted <see cref="Grants.Nationwide"/>).</summary>
    public const string Region = "region";

    /// <summary>Extra rights beside the role (<see cref="Grants"/>): "write" for integration clients, "nationwide" for a province administrator.</summary>
    public const string Grant = "grant";
}

/// <summary>Authorization policy names shared by services and the gateway.</summary>
public static class Policies
{
    /// <summary>Organisation departments (province, city, county) assign, recall and adjust the forces.</summary>
    public const string ManageForces = "manage-forces";

    /// <summary>Province, city and county officials may import registry data.</summary>
    public const string ImportRegistry = "import-registry";

    /// <summary>Operators of the platform (province role) may list and replay error queues.</summary>
    public const string Operate = "operate";

    /// <summary>Any signed-in caller; integration clients only read unless their token grants writing.</summary>
    public const string Caller = "caller";
}
