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
}

/// <summary>Claim names of platform tokens.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";

    /// <summary>The caller's region scope: a prefix of the 12-digit division code ("" = whole country).</summary>
    public const string Region = "region";

    /// <summary>Extra rights of an integration client, e.g. "write".</summary>
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
