using Dispatch.Api.Features.Assignments;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;

namespace Platform.UnitTests;

/// <summary>The per-row rules of the assignment import file (<see cref="AssignmentCsv"/>).</summary>
public class AssignmentCsvTests
{
    private static readonly DateOnly Today = new(2026, 11, 30);

    private static readonly string Cadre = WithCheck("51170219790301000");

    private static string WithCheck(string first17) => first17 + CitizenId.CheckCharacter(first17);

    private static (AssignmentRow? Row, List<FieldError> Errors) Parse(
        string village = "511702104201", string force = "第一书记", string citizenId = "", string unit = "", string startsOn = "2026-01-01", string reason = "")
    {
        var fields = new Dictionary<string, string>
        {
            [AssignmentCsv.Village] = village, [AssignmentCsv.Force] = force, [AssignmentCsv.CadreCitizenId] = citizenId,
            [AssignmentCsv.Unit] = unit, [AssignmentCsv.StartsOn] = startsOn, [AssignmentCsv.Reason] = reason,
        };
        var errors = new List<FieldError>();
        return (AssignmentCsv.Parse(column => fields.GetValueOrDefault(column, string.Empty), 9, Today, errors), errors);
    }

    [Theory]
    [InlineData("第一书记", "first_secretary")]
    [InlineData("first_secretary", "first_secretary")]
    [InlineData("驻村工作队队员", "team_member")]
    [InlineData("联系县级领导", "contact_leader")]
    [InlineData("agricultural_technician", "agricultural_technician")]
    public void A_person_row_takes_the_force_by_chinese_name_or_code_and_the_cadre_by_citizen_id(string force, string code)
    {
        var (row, errors) = Parse(force: force, citizenId: Cadre, reason: "选派第一书记");
        errors.ShouldBeEmpty();
        row.ShouldNotBeNull();
        row.ShouldBe(new AssignmentRow(9, "511702104201", code, Cadre, null, new DateOnly(2026, 1, 1), "选派第一书记"));
    }

    [Fact]
    public void An_assisting_unit_row_names_the_unit_and_no_cadre()
    {
        var (row, errors) = Parse(force: "帮扶单位", unit: "U-511702-01");
        errors.ShouldBeEmpty();
        row.ShouldBe(new AssignmentRow(9, "511702104201", "assisting_unit", null, "U-511702-01", new DateOnly(2026, 1, 1), null));
    }

    [Theory]
    [InlineData("51170210420", "村区划代码", "invalid_division_code")]
    [InlineData("511702104000", "村区划代码", "invalid_division_code")] // a township
    [InlineData("5117021042AB", "村区划代码", "invalid_division_code")]
    public void The_village_is_a_village_code(string village, string field, string code) =>
        Parse(village: village, citizenId: Cadre).Errors.ShouldHaveSingleItem().ShouldBe(new FieldError(field, code, "村区划代码应为村级12位区划代码", 9));

    [Fact]
    public void An_unknown_force_lists_the_six()
    {
        var error = Parse(force: "村医", citizenId: Cadre).Errors.ShouldHaveSingleItem();
        (error.Field, error.Code, error.Line).ShouldBe(("帮扶力量", "unknown_force", 9));
        error.Message.ShouldContain("联系县级领导、帮扶单位、第一书记、驻村工作队队长、驻村工作队队员、农技员");
    }

    [Fact]
    public void A_person_needs_a_valid_citizen_id_and_no_unit()
    {
        Parse().Errors.Select(e => (e.Field, e.Code)).ShouldBe([("干部身份证号", "required")]);
        Parse(citizenId: Cadre[..17] + (Cadre[17] == '0' ? '1' : '0')).Errors.Select(e => (e.Field, e.Code)).ShouldBe([("干部身份证号", "invalid_check_digit")]);
        Parse(citizenId: Cadre, unit: "U-1").Errors.Select(e => (e.Field, e.Code)).ShouldBe([("单位编码", "not_applicable")]);
    }

    [Fact]
    public void An_assisting_unit_needs_a_unit_code_and_no_citizen_id()
    {
        Parse(force: "帮扶单位").Errors.Select(e => (e.Field, e.Code)).ShouldBe([("单位编码", "required")]);
        Parse(force: "帮扶单位", unit: "U-1", citizenId: Cadre).Errors.Select(e => (e.Field, e.Code)).ShouldBe([("干部身份证号", "not_applicable")]);
    }

    [Theory]
    [InlineData("2026/01/01")]
    [InlineData("2026-02-30")]
    [InlineData("")]
    public void The_start_is_a_date(string startsOn) =>
        Parse(citizenId: Cadre, startsOn: startsOn).Errors.Select(e => (e.Field, e.Code)).ShouldBe([("开始日期", "invalid_date")]);

    [Fact]
    public void The_reason_is_at_most_500_characters()
    {
        Parse(citizenId: Cadre, reason: new string('长', 500)).Errors.ShouldBeEmpty();
        Parse(citizenId: Cadre, reason: new string('长', 501)).Errors.Select(e => (e.Field, e.Code)).ShouldBe([("选派原因", "too_long")]);
    }

    [Fact]
    public void Every_error_of_a_row_is_reported_and_none_repeats_the_citizen_id()
    {
        var bad = Cadre[..17] + (Cadre[17] == '0' ? '1' : '0');
        var (row, errors) = Parse(village: "x", force: "第一书记", citizenId: bad, unit: "U-1", startsOn: "x", reason: new string('长', 501));
        row.ShouldBeNull();
        errors.Select(e => e.Field).ShouldBe(["村区划代码", "干部身份证号", "单位编码", "开始日期", "选派原因"]);
        errors.ShouldAllBe(e => e.Line == 9 && !e.Message.Contains(bad));
    }
}
