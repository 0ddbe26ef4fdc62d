using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>
/// A caller of the probe: its token, and the data outside its scope (<see cref="Outside"/>: a prefix, empty for all the
/// data of both counties, null when both counties are inside its scope) that no answer may show and no write may change.
/// </summary>
public sealed record ProbeCaller(string Name, string[] Roles, string Region, string[] Grants, string? Subject, string? Outside, bool KnownRole = true,
    bool OwnRecords = false)
{
    public string Token => DevelopmentTokens.Create(TestSettings.Auth, Subject ?? $"probe-{Name}", Roles, Region, grants: Grants);

    /// <summary>
    /// In order: callers with no scope first (before anything was written), the 511702 callers, then the callers that
    /// cover both counties (their writes land in 511703 legitimately, after the others were checked).
    /// </summary>
    public static IReadOnlyList<ProbeCaller> All(ScopeProbeFixture fixture) =>
    [
        new("no-role", [], "511702", [], null, string.Empty, KnownRole: false),
        new("unknown-role", ["mayor"], string.Empty, [Security.Grants.Nationwide], null, string.Empty, KnownRole: false),
        new("province-empty-region-without-grant", [Security.Roles.Province], string.Empty, [], null, string.Empty),
        new("county-empty-region-with-grant", [Security.Roles.County], string.Empty, [Security.Grants.Nationwide], null, string.Empty),
        new("township-511702104", [Security.Roles.Township], "511702104", [], null, "511703"),
        new("cadre-511702", [Security.Roles.Cadre], "511702", [], fixture.Near.ResidentCadre.ToString(), "511703"),
        new("auditor-511702", [Security.Roles.Auditor], "511702", [], null, "511703"),
        new("integration-511702-write", [Security.Roles.Integration], "511702", [Security.Grants.Write], null, "511703"),
        // The owner of the far county's subscription, whose token now carries the near county's scope.
        new("integration-511702-owner-of-511703-subscription", [Security.Roles.Integration], "511702", [], "probe-hook-511703", "511703"),
        new("county-511702", [Security.Roles.County], "511702", [], null, "511703"),
        // The control: the same requests naming the county's own records, which must work (the report shows how far each
        // operation got) and still leave the other county untouched.
        new("county-511702-own-records", [Security.Roles.County], "511702", [], null, "511703", OwnRecords: true),
        new("city-5117", [Security.Roles.City], "5117", [], null, null),
        new("province-51", [Security.Roles.Province], "51", [], null, null),
        new("province-51-with-grant", [Security.Roles.Province], "51", [Security.Grants.Nationwide], null, null),
        new("province-nationwide", [Security.Roles.Province], string.Empty, [Security.Grants.Nationwide], null, null),
    ];
}
