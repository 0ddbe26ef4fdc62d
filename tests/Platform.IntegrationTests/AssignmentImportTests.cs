extern alias dispatch;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests;

/// <summary>
/// The two counties of <see cref="RegionFiles.TwoCounties"/> with three more villages in 通川区 (511702104204-206), unit
/// U-A of 通川区 and U-B of 达川区, cadres 甲 to 庚 and 壬 of U-A and 辛 of U-B. Each test uses its own villages and cadres.
/// </summary>
public sealed class AssignmentImportFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;

    /// <summary>Each cadre's citizen ID by name.</summary>
    public Dictionary<string, string> CitizenIds { get; } = [];

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("assignimport");
        VirtualHost = await TestVirtualHost.CreateAsync("assignimport");
        Dispatch = new ServiceHost<DispatchProgram>(TestSettings.For(Database, VirtualHost, relayEnabled: false));
        using var province = Dispatch.CreateClient(TestSettings.Token(Roles.Province, "51"));
        var regions = RegionFiles.TwoCounties() + string.Join('\n',
            "511702104204,石门村,村,511702104000,贫困村,40,35,55,1000,80,107.531234,31.242345",
            "511702104205,柳溪村,村,511702104000,贫困村,40,35,55,1000,80,107.541234,31.252345",
            "511702104206,桃园村,村,511702104000,贫困村,40,35,55,1000,80,107.551234,31.262345") + "\n";
        await EnsureAsync(await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(regions)));
        await EnsureAsync(await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv(
            "单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n")));
        var people = new[] { "甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬" };
        var lines = people.Select((name, i) =>
        {
            var first17 = $"5117021979030{i + 1}00{i}";
            CitizenIds[name] = first17 + CitizenId.CheckCharacter(first17);
            return $"{CitizenIds[name]},{name},,{(name == "辛" ? "U-B" : "U-A")},科员,农业技术,是,,愿意";
        });
        await EnsureAsync(await province.PostAsync("/api/dispatch/cadres/import",
            RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n")));
    }

    public async Task DisposeAsync()
    {
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        using (response)
        {
            response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
        }
    }
}

/// <summary>The assignment import (docs/integration/assignments-import.md) on the real database: rules, idempotence, events, scope.</summary>
public sealed class AssignmentImportTests(AssignmentImportFixture fixture) : IClassFixture<AssignmentImportFixture>
{
    private const string Header = "村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因";

    private HttpClient Client(string role = Roles.County, string scope = "511702") => fixture.Dispatch.CreateClient(TestSettings.Token(role, scope));

    private string Id(string name) => fixture.CitizenIds[name];

    private async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(string rows, string role = Roles.County, string scope = "511702")
    {
        using var client = Client(role, scope);
        using var response = await client.PostAsync("/api/dispatch/assignments/import?fileName=test-assignments.csv", RegionFiles.Csv(Header + "\n" + rows));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static List<(long Line, string Field, string Code, string Message)> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString()!, e.GetProperty("code").GetString()!, e.GetProperty("message").GetString()!))
            .ToList();

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    private Task<long> AssignmentsAsync() => CountAsync("SELECT count(*) FROM assignments");

    private Task<long> EventsAsync() => CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AssignmentStarted'");

    [Fact]
    public async Task A_file_creates_the_assignments_and_their_events_and_the_same_file_again_changes_nothing()
    {
        var rows = string.Join('\n',
            $"511702104201,第一书记,{Id("甲")},,2026-01-01,选派第一书记",
            $"511702104201,team_leader,{Id("乙")},,2026-01-01,",
            "511702104201,帮扶单位,,U-A,2026-01-01,“1+N”结对帮扶",
            $"511702104201,联系县级领导,{Id("丙")},,2026-02-01,",
            $"511702104202,联系县级领导,{Id("丙")},,2026-02-01,一名领导联系多个村") + "\n";
        var (eventsBefore, assignmentsBefore) = (await EventsAsync(), await AssignmentsAsync());

        var (status, result) = await ImportAsync(rows);
        status.ShouldBe(HttpStatusCode.OK, result.ToString());
        result.GetProperty("rows").GetInt32().ShouldBe(5);
        result.GetProperty("created").GetInt32().ShouldBe(5);
        result.GetProperty("unchanged").GetInt32().ShouldBe(0);
        (await AssignmentsAsync()).ShouldBe(assignmentsBefore + 5);
        (await CountAsync("SELECT count(*) FROM assignments WHERE village_code IN ('511702104201', '511702104202') AND started_by = 'test-county-511702' AND ends_on IS NULL"))
            .ShouldBe(5);
        (await CountAsync("SELECT count(*) FROM assignments a JOIN cadres c ON c.id = a.cadre_id WHERE a.force = 'first_secretary' AND c.name = '甲' AND a.unit_id = c.unit_id AND a.start_reason = '选派第一书记'"))
            .ShouldBe(1);

        // One event per created row, in the same transaction, all with the same instant; the unit is the cadre's for a person.
        (await EventsAsync()).ShouldBe(eventsBefore + 5);
        (await CountAsync("SELECT count(*) FROM outbox_messages o JOIN assignments a ON a.id = (o.payload->>'assignmentId')::uuid WHERE o.message_type LIKE '%AssignmentStarted' AND a.village_code IN ('511702104201', '511702104202') AND o.payload->>'unitCode' = 'U-A' AND o.payload->>'startedBy' = 'test-county-511702'"))
            .ShouldBe(5);
        (await CountAsync("SELECT count(DISTINCT payload->>'startedAt') FROM outbox_messages o JOIN assignments a ON a.id = (o.payload->>'assignmentId')::uuid WHERE a.village_code IN ('511702104201', '511702104202')"))
            .ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM imports WHERE kind = 'assignments' AND status = 'succeeded' AND created = 5 AND file_name = 'test-assignments.csv'")).ShouldBe(1);

        // The same file again: every row unchanged, nothing written.
        var (again, second) = await ImportAsync(rows);
        again.ShouldBe(HttpStatusCode.OK, second.ToString());
        second.GetProperty("created").GetInt32().ShouldBe(0);
        second.GetProperty("unchanged").GetInt32().ShouldBe(5);
        (await AssignmentsAsync()).ShouldBe(assignmentsBefore + 5);
        (await EventsAsync()).ShouldBe(eventsBefore + 5);

        // No citizen ID in clear anywhere the import wrote.
        (await CountAsync("SELECT count(*) FROM imports i WHERE i::text LIKE '%' || @id || '%'", new { id = Id("甲") })).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM outbox_messages o WHERE o::text LIKE '%' || @id || '%'", new { id = Id("甲") })).ShouldBe(0);
    }

    [Fact]
    public async Task Conflicts_with_assignments_already_there_and_between_rows_of_the_file_are_refused_and_nothing_changes()
    {
        var (status, result) = await ImportAsync($"511702104203,第一书记,{Id("丁")},,2026-01-01,\n");
        status.ShouldBe(HttpStatusCode.OK, result.ToString());
        var (eventsBefore, assignmentsBefore) = (await EventsAsync(), await AssignmentsAsync());

        var rows = string.Join('\n',
            $"511702104203,第一书记,{Id("戊")},,2026-03-01,",      // line 2: 丁 is first secretary there
            $"511702104204,第一书记,{Id("己")},,2026-01-01,",      // line 3: fine alone
            $"511702104204,第一书记,{Id("庚")},,2026-02-01,",      // line 4: a second first secretary of 石门村 in the file
            $"511702104205,team_member,{Id("丁")},,2026-05-01,",  // line 5: 丁 already holds a resident post
            "511702104205,帮扶单位,,U-A,2026-01-01,",             // line 6: fine
            $"511702104206,联系县级领导,{Id("戊")},,2026-01-01,",  // line 7: fine
            $"511702104206,联系县级领导,{Id("戊")},,2026-04-01,") + "\n"; // line 8: the same post twice in the file
        var (refused, problem) = await ImportAsync(rows);
        refused.ShouldBe(HttpStatusCode.UnprocessableEntity, problem.ToString());
        problem.GetProperty("code").GetString().ShouldBe("invalid_assignment_file");
        Errors(problem).Select(e => (e.Line, e.Code)).ShouldBe(
            [(2, "first_secretary_taken"), (4, "first_secretary_taken"), (5, "cadre_already_resident"), (8, "assignment_overlaps")]);
        Errors(problem).Single(e => e.Line == 4).Message.ShouldContain("第3行");

        (await AssignmentsAsync()).ShouldBe(assignmentsBefore);
        (await EventsAsync()).ShouldBe(eventsBefore);
        (await CountAsync("SELECT count(*) FROM imports WHERE kind = 'assignments' AND status = 'rejected' AND error_count = 4")).ShouldBe(1);
    }

    [Fact]
    public async Task A_cadre_posted_to_a_township_is_refused_on_the_line_that_names_them_and_nothing_changes()
    {
        var cadre = await fixture.Database.ScalarAsync<Guid>("SELECT id FROM cadres WHERE name = '壬'");
        using (var posted = await Client().PostAsJsonAsync("/api/dispatch/townships/511702104000/postings",
            new { cadreId = cadre, role = "posted", startsOn = "2026-02-01", reason = "加强乡镇工作力量" }))
        {
            posted.StatusCode.ShouldBe(HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        }

        var (eventsBefore, assignmentsBefore) = (await EventsAsync(), await AssignmentsAsync());
        var (refused, problem) = await ImportAsync($"511702104206,帮扶单位,,U-A,2026-03-01,\n511702104206,驻村工作队队员,{Id("壬")},,2026-03-01,\n");
        refused.ShouldBe(HttpStatusCode.UnprocessableEntity, problem.ToString());
        Errors(problem).Select(e => (e.Line, e.Field, e.Code)).ShouldBe([(3, "干部身份证号", "cadre_already_resident")]);
        Errors(problem).Single().Message.ShouldBe("该干部在此期间已派驻乡镇工作");
        (await AssignmentsAsync()).ShouldBe(assignmentsBefore);
        (await EventsAsync()).ShouldBe(eventsBefore);
    }

    [Fact]
    public async Task A_county_naming_another_county_s_village_cadre_or_unit_gets_the_answer_of_a_missing_one()
    {
        var before = await AssignmentsAsync();
        var unregistered = "51170219790309009";
        unregistered += CitizenId.CheckCharacter(unregistered);

        var (outsideStatus, outside) = await ImportAsync(string.Join('\n',
            "511703105201,帮扶单位,,U-A,2026-01-01,",
            $"511702104206,农技员,{Id("辛")},,2026-01-01,",
            "511702104206,帮扶单位,,U-B,2026-01-01,") + "\n");
        var (missingStatus, missing) = await ImportAsync(string.Join('\n',
            "511703105299,帮扶单位,,U-A,2026-01-01,",
            $"511702104206,农技员,{unregistered},,2026-01-01,",
            "511702104206,帮扶单位,,U-NONE,2026-01-01,") + "\n");

        outsideStatus.ShouldBe(HttpStatusCode.UnprocessableEntity, outside.ToString());
        missingStatus.ShouldBe(outsideStatus);
        Errors(outside).Select(e => (e.Line, e.Code)).ShouldBe([(2, "unknown_village"), (3, "cadre_not_found"), (4, "unit_not_found")]);
        Errors(outside).ShouldBe(Errors(missing));
        (await AssignmentsAsync()).ShouldBe(before);

        // The province sees both counties: the same rows with another county's cadre and unit are fine for it (checked, not written).
        var (provinceStatus, province) = await ImportAsync(string.Join('\n',
            "511703105201,帮扶单位,,U-A,2026-01-01,",
            $"511702104206,农技员,{Id("辛")},,2026-01-01,",
            "511702104206,帮扶单位,,U-NONE,2026-01-01,") + "\n", Roles.Province, "51");
        provinceStatus.ShouldBe(HttpStatusCode.UnprocessableEntity);
        Errors(province).Select(e => (e.Line, e.Code)).ShouldBe([(4, "unit_not_found")]);
        (await AssignmentsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Malformed_rows_are_reported_with_their_lines_and_nothing_is_written()
    {
        var before = await AssignmentsAsync();
        var badId = Id("甲")[..17] + (Id("甲")[17] == '0' ? '1' : '0');
        var rows = string.Join('\n',
            $"51170210420,第一书记,{Id("甲")},,2026-01-01,",      // line 2: 11 digits
            $"511702104000,第一书记,{Id("甲")},,2026-01-01,",     // line 3: a township, not a village
            $"511702104201,村医,{Id("甲")},,2026-01-01,",         // line 4: no such force
            $"511702104201,农技员,{Id("甲")},,2026/01/01,",       // line 5: date format
            $"511702104201,农技员,{Id("甲")},,2026-01-01,{new string('长', 501)}", // line 6: reason too long
            $"511702104201,农技员,{badId},,2026-01-01,",          // line 7: bad check character
            "511702104201,第一书记,,,2026-01-01,",                 // line 8: no cadre for a person
            $"511702104201,帮扶单位,{Id("甲")},U-A,2026-01-01,",  // line 9: a unit is not a person
            "511702104201,帮扶单位,,,2026-01-01,",                 // line 10: no unit code
            $"511702104201,第一书记,{Id("甲")},U-A,2026-01-01,") + "\n"; // line 11: a person's unit is the cadre's
        var (status, problem) = await ImportAsync(rows);
        status.ShouldBe(HttpStatusCode.UnprocessableEntity, problem.ToString());
        problem.GetProperty("code").GetString().ShouldBe("invalid_assignment_file");
        Errors(problem).Select(e => (e.Line, e.Field, e.Code)).ShouldBe(
        [
            (2, "村区划代码", "invalid_division_code"), (3, "村区划代码", "invalid_division_code"), (4, "帮扶力量", "unknown_force"),
            (5, "开始日期", "invalid_date"), (6, "选派原因", "too_long"), (7, "干部身份证号", "invalid_check_digit"),
            (8, "干部身份证号", "required"), (9, "干部身份证号", "not_applicable"), (10, "单位编码", "required"), (11, "单位编码", "not_applicable"),
        ]);
        problem.ToString().ShouldNotContain(badId);
        (await AssignmentsAsync()).ShouldBe(before);

        using var client = Client();
        using var json = await client.PostAsJsonAsync("/api/dispatch/assignments/import", new { rows });
        json.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        using var township = Client(Roles.Township, "511702104");
        using var forbidden = await township.PostAsync("/api/dispatch/assignments/import", RegionFiles.Csv(Header + "\n"));
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
