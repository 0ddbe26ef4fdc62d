using Platform.Security;

namespace Platform.UnitTests;

public class RegionScopeTests
{
    [Theory]
    [InlineData("511702", "511702000000", "511703000000")]
    [InlineData("5117", "511700000000", "511800000000")]
    [InlineData("5119", "511900000000", "512000000000")]
    [InlineData("59", "590000000000", "600000000000")]
    [InlineData("511702104203", "511702104203", "511702104204")]
    public void Range_covers_exactly_the_codes_with_the_prefix(string prefix, string from, string to)
    {
        var scope = RegionScope.Parse(prefix);
        scope.From.ShouldBe(from);
        scope.To.ShouldBe(to);
    }

    [Fact]
    public void Empty_prefix_and_all_nines_have_an_open_upper_bound()
    {
        RegionScope.Everything.From.ShouldBe("000000000000");
        RegionScope.Everything.To.ShouldBe("~");
        RegionScope.Parse("99").To.ShouldBe("~");
        string.CompareOrdinal("999999999999", "~").ShouldBeLessThan(0);
    }

    [Theory]
    [InlineData("5117a")]
    [InlineData("5117021042031")]
    [InlineData(" 51")]
    [InlineData(null)]
    public void Rejects_what_is_not_a_digit_prefix(string? prefix) => RegionScope.TryParse(prefix, out _).ShouldBeFalse();

    [Fact]
    public void A_county_official_covers_only_their_county()
    {
        var county = RegionScope.Parse("511702");
        county.Covers("511702104203").ShouldBeTrue();
        county.Covers("511703104203").ShouldBeFalse();
        county.Covers("511700000000").ShouldBeFalse(); // the city itself is outside a county scope
    }

    [Fact]
    public void Narrow_keeps_the_request_inside_the_scope()
    {
        var county = RegionScope.Parse("511702");
        county.Narrow(RegionScope.Parse("51"))!.Prefix.ShouldBe("511702");
        county.Narrow(RegionScope.Everything)!.Prefix.ShouldBe("511702");
        county.Narrow(RegionScope.Parse("511702104"))!.Prefix.ShouldBe("511702104");
        county.Narrow(RegionScope.Parse("511703")).ShouldBeNull();
        county.Narrow(RegionScope.Parse("52")).ShouldBeNull();
    }

    private static System.Security.Claims.ClaimsPrincipal Caller(string? region, string[] roles, params string[] grants)
    {
        var claims = new List<System.Security.Claims.Claim>();
        if (region is not null)
        {
            claims.Add(new(PlatformClaims.Region, region));
        }

        claims.AddRange(roles.Select(r => new System.Security.Claims.Claim(PlatformClaims.Role, r)));
        claims.AddRange(grants.Select(g => new System.Security.Claims.Claim(PlatformClaims.Grant, g)));
        return new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(claims, "test"));
    }

    [Fact]
    public void Scope_comes_from_the_region_claim_of_a_token_with_a_known_role()
    {
        RegionScope.FromPrincipal(Caller("5117", [Roles.City]))!.Prefix.ShouldBe("5117");
        RegionScope.FromPrincipal(Caller("511702", [Roles.County, Roles.Auditor]))!.Prefix.ShouldBe("511702");
        RegionScope.FromPrincipal(new System.Security.Claims.ClaimsPrincipal()).ShouldBeNull();
        RegionScope.FromPrincipal(Caller("51x", [Roles.Province])).ShouldBeNull();
        RegionScope.FromPrincipal(Caller(null, [Roles.County])).ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("mayor")]
    [InlineData("county,mayor")]
    [InlineData("Province")]
    public void A_token_without_a_known_role_has_no_scope(string roleList)
    {
        var roles = roleList.Split(',', StringSplitOptions.RemoveEmptyEntries);
        RegionScope.FromPrincipal(Caller("511702", roles)).ShouldBeNull();
        RegionScope.FromPrincipal(Caller(string.Empty, roles, Grants.Nationwide)).ShouldBeNull();
        Roles.AreKnown(Caller("511702", roles)).ShouldBeFalse();
    }

    [Fact]
    public void Every_role_is_known()
    {
        foreach (var role in Roles.All)
        {
            Roles.AreKnown(Caller("51", [role])).ShouldBeTrue(role);
        }
    }

    [Fact]
    public void The_whole_country_is_a_grant_only_a_province_administrator_holds()
    {
        RegionScope.FromPrincipal(Caller(string.Empty, [Roles.Province], Grants.Nationwide)).ShouldBe(RegionScope.Everything);
        RegionScope.FromPrincipal(Caller(null, [Roles.Province], Grants.Nationwide)).ShouldBe(RegionScope.Everything);

        // An empty region is no scope at all: without the grant, or for any other role, or beside another role.
        RegionScope.FromPrincipal(Caller(string.Empty, [Roles.Province])).ShouldBeNull();
        RegionScope.FromPrincipal(Caller(string.Empty, [Roles.Province], Grants.Write)).ShouldBeNull();
        foreach (var role in Roles.All.Where(r => r != Roles.Province))
        {
            RegionScope.FromPrincipal(Caller(string.Empty, [role], Grants.Nationwide)).ShouldBeNull(role);
        }

        RegionScope.FromPrincipal(Caller(string.Empty, [Roles.Province, Roles.Integration], Grants.Nationwide)).ShouldBeNull();
    }

    [Fact]
    public void The_grant_does_not_widen_a_region()
    {
        RegionScope.FromPrincipal(Caller("51", [Roles.Province], Grants.Nationwide))!.Prefix.ShouldBe("51");
        RegionScope.FromPrincipal(Caller("511702", [Roles.County], Grants.Nationwide))!.Prefix.ShouldBe("511702");
    }

    [Fact]
    public void Two_region_claims_are_no_scope()
    {
        var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
        [
            new System.Security.Claims.Claim(PlatformClaims.Role, Roles.County),
            new System.Security.Claims.Claim(PlatformClaims.Region, "511702"),
            new System.Security.Claims.Claim(PlatformClaims.Region, "511703"),
        ], "test"));
        RegionScope.FromPrincipal(user).ShouldBeNull();
    }

    [Fact]
    public void A_requested_prefix_is_narrowed_to_the_scope_refused_outside_it_and_rejected_when_malformed()
    {
        var county = RegionScope.Parse("511702");
        county.NarrowOrDeny(null).Prefix.ShouldBe("511702");
        county.NarrowOrDeny("51").Prefix.ShouldBe("511702");
        county.NarrowOrDeny("511702104").Prefix.ShouldBe("511702104");

        var outside = Should.Throw<Platform.ServiceDefaults.ProblemException>(() => county.NarrowOrDeny("511703"));
        outside.Status.ShouldBe(403);
        outside.Code.ShouldBe("region_out_of_scope");
        outside.Message.ShouldBe("区划 511703 超出您的管辖范围");

        var malformed = Should.Throw<Platform.ServiceDefaults.ProblemException>(() => county.NarrowOrDeny("51x", "after"));
        malformed.Status.ShouldBe(400);
        malformed.Code.ShouldBe("invalid_query");
        malformed.Errors.ShouldHaveSingleItem().Field.ShouldBe("after");
        malformed.Message.ShouldStartWith("after: ");
    }

    [Fact]
    public void A_token_without_a_region_has_no_scope_to_bind()
    {
        var problem = Should.Throw<Platform.ServiceDefaults.ProblemException>(() => RegionScope.Require(new System.Security.Claims.ClaimsPrincipal()));
        problem.Status.ShouldBe(403);
        problem.Code.ShouldBe("missing_region_scope");

        var empty = Should.Throw<Platform.ServiceDefaults.ProblemException>(() => RegionScope.Require(Caller(string.Empty, [Roles.Province])));
        empty.Status.ShouldBe(403);
        empty.Code.ShouldBe("missing_region_scope");
    }
}
