extern alias identity;

using identity::Identity.Api.Domain;
using identity::Identity.Api.Features.Accounts;
using Platform.Security;

namespace Platform.UnitTests.Identity;

/// <summary>Who may hand out which role, region and grant (issue 18): at or below one's own role, inside one's region, no grant not held.</summary>
public class AccountGrantRuleTests
{
    private static readonly Grantor NationwideProvince = new([Roles.Province], RegionScope.Everything, [Grants.Nationwide]);
    private static readonly Grantor Province51 = new([Roles.Province], RegionScope.Parse("51"), []);
    private static readonly Grantor City5117 = new([Roles.City], RegionScope.Parse("5117"), []);
    private static readonly Grantor County511702 = new([Roles.County], RegionScope.Parse("511702"), []);

    [Theory]
    [InlineData(Roles.County, "511702", null)]
    [InlineData(Roles.Township, "511702104", null)]
    [InlineData(Roles.Cadre, "511702104201", null)]
    [InlineData(Roles.Auditor, "511702", null)]
    [InlineData(Roles.City, "5117", AccountGrantRule.RoleAboveOwn)]
    [InlineData(Roles.Province, "51", AccountGrantRule.RoleAboveOwn)]
    [InlineData(Roles.County, "511703", AccountGrantRule.RegionOutsideScope)]
    [InlineData(Roles.Cadre, "511703105201", AccountGrantRule.RegionOutsideScope)]
    [InlineData(Roles.Township, "5117", AccountGrantRule.RegionOutsideScope)]
    [InlineData("mayor", "511702", AccountGrantRule.UnknownRole)]
    [InlineData(Roles.Cadre, "51170210420x", AccountGrantRule.RegionInvalid)]
    public void A_county_hands_out_at_or_below_its_role_inside_its_county(string role, string region, string? refusal) =>
        AccountGrantRule.Refusal(County511702, [role], region, []).ShouldBe(refusal);

    [Fact]
    public void The_role_is_checked_before_the_region_so_a_higher_role_elsewhere_says_role_above_own() =>
        AccountGrantRule.Refusal(County511702, [Roles.Province], "52", []).ShouldBe(AccountGrantRule.RoleAboveOwn);

    [Fact]
    public void The_whole_country_needs_the_nationwide_grant_held_and_the_province_role()
    {
        AccountGrantRule.Refusal(NationwideProvince, [Roles.Province], string.Empty, [Grants.Nationwide]).ShouldBeNull();
        AccountGrantRule.Refusal(NationwideProvince, [Roles.County], string.Empty, [Grants.Nationwide]).ShouldBe(AccountGrantRule.RegionInvalid);
        AccountGrantRule.Refusal(NationwideProvince, [Roles.Province], string.Empty, []).ShouldBe(AccountGrantRule.RegionInvalid);
        // A province administrator of one province cannot make the whole country, nor hand on a grant it lacks.
        AccountGrantRule.Refusal(Province51, [Roles.Province], string.Empty, [Grants.Nationwide]).ShouldBe(AccountGrantRule.RegionOutsideScope);
        AccountGrantRule.Refusal(Province51, [Roles.Province], "51", [Grants.Nationwide]).ShouldBe(AccountGrantRule.GrantNotHeld);
        AccountGrantRule.Refusal(Province51, [Roles.County], "511702", [Grants.Write]).ShouldBe(AccountGrantRule.GrantNotHeld);
    }

    [Fact]
    public void A_city_reaches_every_county_of_its_city_and_no_other()
    {
        AccountGrantRule.Refusal(City5117, [Roles.County], "511702", []).ShouldBeNull();
        AccountGrantRule.Refusal(City5117, [Roles.City], "5117", []).ShouldBeNull();
        AccountGrantRule.Refusal(City5117, [Roles.County], "511802", []).ShouldBe(AccountGrantRule.RegionOutsideScope);
        AccountGrantRule.Refusal(City5117, [Roles.County, Roles.Province], "511702", []).ShouldBe(AccountGrantRule.RoleAboveOwn);
    }

    [Fact]
    public void A_grantor_without_roles_or_without_the_asked_roles_hands_out_nothing()
    {
        AccountGrantRule.Refusal(new Grantor([], RegionScope.Everything, []), [Roles.Cadre], "511702104201", []).ShouldBe(AccountGrantRule.RoleAboveOwn);
        AccountGrantRule.Refusal(County511702, [], "511702", []).ShouldBe(AccountGrantRule.UnknownRole);
    }

    [Theory]
    [InlineData(Roles.Province, "51", "", null)]
    [InlineData(Roles.Province, "", Grants.Nationwide, null)]
    [InlineData(Roles.Province, "", "", AccountGrantRule.RegionDoesNotFitRole)]
    [InlineData(Roles.City, "5117", "", null)]
    [InlineData(Roles.County, "511702", "", null)]
    [InlineData(Roles.County, "5117", "", AccountGrantRule.RegionDoesNotFitRole)]
    [InlineData(Roles.Township, "511702104", "", null)]
    [InlineData(Roles.Cadre, "511702104201", "", null)]
    [InlineData(Roles.Cadre, "511702104", "", AccountGrantRule.RegionDoesNotFitRole)]
    [InlineData(Roles.Auditor, "511702104", "", null)]
    [InlineData(Roles.Auditor, "5117021", "", AccountGrantRule.RegionDoesNotFitRole)]
    [InlineData(Roles.Integration, "511702", "", AccountGrantRule.RoleNotForAccounts)]
    [InlineData(Roles.County, "511702", Grants.Write, AccountGrantRule.GrantNotForAccounts)]
    public void An_account_has_the_region_its_level_fixes_and_is_never_a_system(string role, string region, string grant, string? refusal) =>
        AccountGrantRule.AccountShapeRefusal(role, region, grant.Length == 0 ? [] : [grant]).ShouldBe(refusal);

    [Fact]
    public void Generated_initial_passwords_keep_the_password_rules_and_differ()
    {
        var passwords = Enumerable.Range(0, 500).Select(_ => InitialPasswords.Generate()).ToList();
        passwords.Distinct().Count().ShouldBe(500);
        foreach (var password in passwords)
        {
            password.Length.ShouldBe(InitialPasswords.Length);
            password.Any(char.IsAsciiDigit).ShouldBeTrue(password);
            password.Any(char.IsAsciiLetterUpper).ShouldBeTrue(password);
            password.Any(char.IsAsciiLetterLower).ShouldBeTrue(password);
            password.All(char.IsAsciiLetterOrDigit).ShouldBeTrue(password);
        }
    }
}
