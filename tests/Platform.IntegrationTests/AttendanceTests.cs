extern alias dispatch;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>Attendance (考勤) on the real database: radius, idempotent check-ins, leave by level, monthly minimum, the county switch.</summary>
public sealed class AttendanceTests(AssignmentsFixture fixture) : IClassFixture<AssignmentsFixture>
{
    // 青杠村 511702104201 lies at 107.501234, 31.212345 (RegionFiles.TwoCounties).
    private const double Longitude = 107.501234, Latitude = 31.212345;

    private HttpClient Client(string role = Roles.County, string scope = "511702", string? subject = null) =>
        fixture.Dispatch.CreateClient(TestSettings.Token(role, scope, subject));

    /// <summary>A check-in sent as it is made: the server's clock is set to the phone's time (the server decides the day).</summary>
    private Task<HttpResponseMessage> CheckIn(HttpClient client, Guid id, Guid cadre, string at, double longitude = Longitude, double latitude = Latitude, string? log = null)
    {
        fixture.Clock.SetChinaTime(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(8)).DateTime);
        return client.PostAsJsonAsync("/api/dispatch/check-ins", new { id, cadreId = cadre, at, longitude, latitude, dailyLog = log });
    }

    private Task<long> CountAsync(string sql, object? args = null) => fixture.Database.ScalarAsync<long>(sql, args);

    // The city posts: some fixture cadres work for a unit of the other county, which only the city (or the province) may
    // post into a village here (domain.md §3).
    private async Task AssignAsync(string village, string force, Guid cadre, string start)
    {
        using var city = Client(Roles.City, "5117");
        using var response = await city.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = village, force, cadreId = cadre, startsOn = start });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task On_post_within_the_radius_off_post_beyond_and_a_retry_never_counts_twice()
    {
        var cadre = fixture.Cadres["甲"];
        await AssignAsync("511702104201", "first_secretary", cadre, "2026-01-01");
        var me = Client(Roles.Cadre, "511702", cadre.ToString());
        var id = Guid.NewGuid();

        using var first = await CheckIn(me, id, cadre, "2026-11-02T08:31:00+08:00", Longitude + 0.01, Latitude, "走访3户");
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var record = await first.Content.ReadFromJsonAsync<JsonElement>();
        record.GetProperty("onPost").GetBoolean().ShouldBeTrue();
        record.GetProperty("distanceMeters").GetInt32().ShouldBeInRange(940, 960); // 0.01° of longitude at 31.2°N
        record.GetProperty("day").GetString().ShouldBe("2026-11-02");
        record.GetProperty("dailyLog").GetString().ShouldBe("走访3户");

        using var retry = await CheckIn(me, id, cadre, "2026-11-02T08:31:00+08:00", Longitude + 0.01, Latitude);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountAsync("SELECT count(*) FROM check_ins WHERE cadre_id = @cadre", new { cadre })).ShouldBe(1);
        // The daily log written with it is not an event (assessment reads its day with the month's attendance).
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ProcessRecordWritten' AND payload->>'recordId' = @id",
            new { id = id.ToString() })).ShouldBe(0);

        using var far = await CheckIn(me, Guid.NewGuid(), cadre, "2026-11-03T08:40:00+08:00", Longitude + 0.1, Latitude);
        var farRecord = await far.Content.ReadFromJsonAsync<JsonElement>();
        farRecord.GetProperty("onPost").GetBoolean().ShouldBeFalse();
        farRecord.GetProperty("distanceMeters").GetInt32().ShouldBeInRange(9400, 9600);

        // The same check-in sent eight times at once (a phone retrying while the first is still in flight): one row, whichever
        // insert wins; the others are answered with the record.
        var raced = Guid.NewGuid();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CheckIn(me, raced, cadre, "2026-11-04T08:10:00+08:00", log: "入户走访")));
        answers.Count(a => a.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(7);
        (await CountAsync("SELECT count(*) FROM check_ins WHERE id = @raced", new { raced })).ShouldBe(1);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        // The month's attendance carries the days with a daily log written with a check-in in the village (the 2nd and
        // the 4th; the 3rd's check-in had none), for assessment's records-on-time indicator.
        using var reader = Client();
        var month = await reader.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/monthly?month=2026-11&prefix=511702104201&limit=1000");
        month.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("cadreId").GetGuid() == cadre).GetProperty("dailyLogDays").EnumerateArray()
            .Select(d => d.GetString()).ShouldBe(["2026-11-02", "2026-11-04"]);

        using var someoneElse = await CheckIn(me, Guid.NewGuid(), fixture.Cadres["乙"], "2026-11-03T08:40:00+08:00");
        someoneElse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_cadre_without_a_resident_post_cannot_check_in()
    {
        using var county = Client();
        using var response = await CheckIn(county, Guid.NewGuid(), fixture.Cadres["己"], "2026-11-02T08:00:00+08:00");
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("no_resident_post");
    }

    [Fact]
    public async Task Leave_is_approved_by_level_and_approved_leave_is_not_absence()
    {
        var cadre = fixture.Cadres["乙"];
        await AssignAsync("511702104202", "team_member", cadre, "2026-01-01");
        using var county = Client();
        using (var settings = await county.PutAsJsonAsync("/api/dispatch/attendance/settings/511702000000", new { checkInEnabled = true, radiusMeters = 3000, minimumDays = 5 }))
        {
            settings.StatusCode.ShouldBe(HttpStatusCode.OK, await settings.Content.ReadAsStringAsync());
        }

        for (var day = 2; day <= 3; day++)
        {
            (await CheckIn(county, Guid.NewGuid(), cadre, $"2026-11-0{day}T08:30:00+08:00", 107.511234, 31.222345)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var shortLeave = await (await county.PostAsJsonAsync("/api/dispatch/leave", new { cadreId = cadre, startsOn = "2026-11-10", endsOn = "2026-11-11", reason = "家中有事" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        shortLeave.GetProperty("approverLevel").GetString().ShouldBe("township");
        var longLeave = await (await county.PostAsJsonAsync("/api/dispatch/leave", new { cadreId = cadre, startsOn = "2026-11-20", endsOn = "2026-11-24", reason = "住院" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        longLeave.GetProperty("days").GetInt32().ShouldBe(5);
        longLeave.GetProperty("approverLevel").GetString().ShouldBe("county");

        // The approvers' list: both pending, with the cadre's name; the cadre sees their own requests, another cadre none of them.
        var leaveIds = new[] { shortLeave.GetProperty("id").GetGuid(), longLeave.GetProperty("id").GetGuid() };
        var pending = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/leave?status=pending");
        var listed = pending.EnumerateArray().Where(l => leaveIds.Contains(l.GetProperty("id").GetGuid())).ToList();
        listed.Count.ShouldBe(2);
        listed.ShouldAllBe(l => l.GetProperty("cadreName").GetString() == "乙" && l.GetProperty("villageCode").GetString() == "511702104202");
        using (var own = Client(Roles.Cadre, "511702104202", cadre.ToString()))
        {
            var mine = await own.GetFromJsonAsync<JsonElement>("/api/dispatch/leave");
            mine.EnumerateArray().Select(l => l.GetProperty("id").GetGuid()).Where(leaveIds.Contains).Count().ShouldBe(2);
            mine.EnumerateArray().ShouldAllBe(l => l.GetProperty("cadreId").GetGuid() == cadre);
        }

        using (var other = Client(Roles.Cadre, "511702104202", fixture.Cadres["甲"].ToString()))
        {
            (await other.GetFromJsonAsync<JsonElement>("/api/dispatch/leave")).EnumerateArray().ShouldAllBe(l => l.GetProperty("cadreId").GetGuid() != cadre);
        }

        // Settings as the console shows them: the county's own values; a cadre's village sees its county's.
        var countySettings = (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/settings")).EnumerateArray().ToList();
        countySettings.Select(c => c.GetProperty("countyCode").GetString()).ShouldBe(["511702000000"]);
        countySettings[0].GetProperty("minimumDays").GetInt32().ShouldBe(5);
        countySettings[0].GetProperty("customised").GetBoolean().ShouldBeTrue();
        using (var village = Client(Roles.Cadre, "511702104202", cadre.ToString()))
        {
            var seen = (await village.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/settings")).EnumerateArray().Single();
            seen.GetProperty("countyCode").GetString().ShouldBe("511702000000");
            seen.GetProperty("radiusMeters").GetInt32().ShouldBe(3000);
        }

        using var township = Client(Roles.Township, "511702104");
        (await township.PostAsJsonAsync($"/api/dispatch/leave/{shortLeave.GetProperty("id").GetGuid()}/decision", new { approve = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/leave?status=pending")).EnumerateArray()
            .Select(l => l.GetProperty("id").GetGuid()).Where(leaveIds.Contains).ShouldBe([longLeave.GetProperty("id").GetGuid()]);
        using var beyond = await township.PostAsJsonAsync($"/api/dispatch/leave/{longLeave.GetProperty("id").GetGuid()}/decision", new { approve = true });
        beyond.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await beyond.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("beyond_approver_level");

        var before = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/monthly?month=2026-11");
        var row = before.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("cadreId").GetGuid() == cadre);
        row.GetProperty("onPostDays").GetInt32().ShouldBe(2);
        row.GetProperty("approvedLeaveDays").GetInt32().ShouldBe(2);
        row.GetProperty("minimumDays").GetInt32().ShouldBe(5);
        row.GetProperty("belowMinimum").GetBoolean().ShouldBeTrue();

        (await county.PostAsJsonAsync($"/api/dispatch/leave/{longLeave.GetProperty("id").GetGuid()}/decision", new { approve = true, note = "同意" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/monthly?month=2026-11");
        var improved = after.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("cadreId").GetGuid() == cadre);
        improved.GetProperty("approvedLeaveDays").GetInt32().ShouldBe(7);
        improved.GetProperty("belowMinimum").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_county_that_switched_check_in_off_refuses_check_ins_and_leaves_the_monthly_report()
    {
        var cadre = fixture.Cadres["戊"];
        await AssignAsync("511703105201", "team_leader", cadre, "2026-01-01");
        using var county = Client(Roles.County, "511703");
        (await county.PutAsJsonAsync("/api/dispatch/attendance/settings/511703000000", new { checkInEnabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var response = await CheckIn(county, Guid.NewGuid(), cadre, "2026-11-02T08:00:00+08:00", 107.601234, 31.112345);
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("check_in_disabled");
        var report = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/monthly?month=2026-11");
        report.GetProperty("cadres").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task An_unannounced_inspection_is_recorded_within_scope()
    {
        using var county = Client();
        using var recorded = await county.PostAsJsonAsync("/api/dispatch/inspections",
            new { villageCode = "511702104203", cadreId = fixture.Cadres["丙"], inspectedOn = "2026-11-05", present = false, findings = "第一书记不在岗，电话联系称在县城开会" });
        recorded.StatusCode.ShouldBe(HttpStatusCode.Created, await recorded.Content.ReadAsStringAsync());
        var id = (await recorded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var other = Client(Roles.County, "511703");
        (await other.PostAsJsonAsync("/api/dispatch/inspections", new { villageCode = "511702104203", cadreId = fixture.Cadres["丙"], inspectedOn = "2026-11-05", present = true, findings = "在岗" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The inspection and its InspectionRecorded event (for assessment) are written together, with one instant (to the microsecond PostgreSQL keeps); the
        // refused one wrote neither.
        (await CountAsync("SELECT count(*) FROM inspections WHERE village_code = '511702104203'")).ShouldBe(1);
        (await CountAsync(
            """
            SELECT count(*) FROM outbox_messages o JOIN inspections i ON i.id = (o.payload->>'inspectionId')::uuid
            WHERE o.message_type LIKE '%InspectionRecorded' AND i.id = @id AND o.payload->>'present' = 'false' AND o.payload->>'cadreName' = '丙'
              AND o.payload->>'unitCode' = 'U-AGRI' AND abs(extract(epoch FROM (o.payload->>'recordedAt')::timestamptz - i.recorded_at)) <= 0.000001
            """, new { id })).ShouldBe(1);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%InspectionRecorded' AND payload->>'villageCode' = '511702104203'")).ShouldBe(1);

        // The console's list: the county sees it with the cadre's name, the other county does not.
        var listed = (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/inspections?month=2026-11")).EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        listed.GetProperty("cadreName").GetString().ShouldBe("丙");
        listed.GetProperty("present").GetBoolean().ShouldBeFalse();
        (await other.GetFromJsonAsync<JsonElement>("/api/dispatch/inspections?month=2026-11")).EnumerateArray().ShouldAllBe(i => i.GetProperty("villageCode").GetString()!.StartsWith("511703"));
        (await county.GetAsync("/api/dispatch/inspections?month=2026-13")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // The last month of the calendar and the year 0001 are refused, not a 500 from the month's end overflowing.
        (await county.GetAsync("/api/dispatch/inspections?month=9999-12")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await county.GetAsync("/api/dispatch/inspections?month=0001-01")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Process_records_are_written_by_the_right_post_and_check_in_logs_appear_among_them()
    {
        var secretary = fixture.Cadres["丙"];
        await AssignAsync("511702104203", "first_secretary", secretary, "2026-01-01");
        using var county = Client();
        Task<HttpResponseMessage> Record(string kind, Guid cadre, string periodStart, string content = "入户走访5户，协调解决饮水问题") =>
            county.PostAsJsonAsync("/api/dispatch/villages/511702104203/records", new { kind, cadreId = cadre, periodStart, content });

        (await Record("daily_log", secretary, "2026-11-04")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Record("weekly_summary", secretary, "2026-11-02")).StatusCode.ShouldBe(HttpStatusCode.Created); // a Monday
        using var notMonday = await Record("weekly_summary", secretary, "2026-11-04");
        notMonday.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var again = await Record("weekly_summary", secretary, "2026-11-02");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using var wrongPost = await Record("service_record", secretary, "2026-11-04");
        wrongPost.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await wrongPost.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("not_in_post");

        (await CheckIn(county, Guid.NewGuid(), secretary, "2026-11-05T08:10:00+08:00", 107.521234, 31.232345, "召开村两委会议")).StatusCode.ShouldBe(HttpStatusCode.Created);
        var records = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/villages/511702104203/records?from=2026-11-01&to=2026-11-30");
        records.EnumerateArray().Select(r => (r.GetProperty("kind").GetString(), r.GetProperty("source").GetString(), r.GetProperty("periodStart").GetString()))
            .ShouldBe([("weekly_summary", "record", "2026-11-02"), ("daily_log", "record", "2026-11-04"), ("daily_log", "check_in", "2026-11-05")]);

        // Each record written has its ProcessRecordWritten event (for assessment's on-time rule) with the server's instant of
        // writing; the refused ones have none, and the check-in's daily log comes with the month's attendance instead.
        (await CountAsync(
            """
            SELECT count(*) FROM outbox_messages o JOIN process_records r ON r.id = (o.payload->>'recordId')::uuid
            WHERE o.message_type LIKE '%ProcessRecordWritten' AND o.payload->>'villageCode' = '511702104203'
              AND abs(extract(epoch FROM (o.payload->>'writtenAt')::timestamptz - r.created_at)) <= 0.000001
            """)).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ProcessRecordWritten' AND payload->>'villageCode' = '511702104203'")).ShouldBe(2);
    }
    [Fact]
    public async Task The_server_decides_the_day_a_check_in_queued_offline_is_late_and_not_an_on_post_day_and_last_week_is_refused()
    {
        var cadre = fixture.Cadres["丁"]; // used by no other test of this class
        await AssignAsync("511702104203", "team_member", cadre, "2026-01-01");
        using var me = Client(Roles.Cadre, "511702", cadre.ToString());
        Task<HttpResponseMessage> Post(Guid id, string at) =>
            me.PostAsJsonAsync("/api/dispatch/check-ins", new { id, cadreId = cadre, at, longitude = 107.521234, latitude = 31.232345 });
        Task<long> Rows() => CountAsync("SELECT count(*) FROM check_ins WHERE cadre_id = @cadre", new { cadre });

        fixture.Clock.SetChinaTime(new DateTime(2026, 11, 20, 9, 0, 0));
        // The phone says last week: refused, whatever its clock says; nothing stored.
        using var lastWeek = await Post(Guid.NewGuid(), "2026-11-13T08:30:00+08:00");
        lastWeek.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await lastWeek.Content.ReadAsStringAsync());
        var problem = await lastWeek.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().ShouldBe("invalid_check_in");
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("at");
        problem.GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("too_old");
        (await Rows()).ShouldBe(0);

        // Queued offline yesterday evening and delivered now: accepted, late, on the server's day, the phone's time beside it.
        var queuedId = Guid.NewGuid();
        using var queued = await Post(queuedId, "2026-11-19T18:00:00+08:00");
        queued.StatusCode.ShouldBe(HttpStatusCode.Created, await queued.Content.ReadAsStringAsync());
        var late = await queued.Content.ReadFromJsonAsync<JsonElement>();
        late.GetProperty("day").GetString().ShouldBe("2026-11-20");
        late.GetProperty("late").GetBoolean().ShouldBeTrue();
        late.GetProperty("clientAt").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 11, 19, 10, 0, 0, TimeSpan.Zero));
        (late.GetProperty("checkedAt").GetDateTimeOffset() - new DateTimeOffset(2026, 11, 20, 1, 0, 0, TimeSpan.Zero)).Duration().ShouldBeLessThan(TimeSpan.FromMinutes(1));

        // Made and delivered at once (the phone's clock within the tolerance): not late.
        fixture.Clock.SetChinaTime(new DateTime(2026, 11, 21, 8, 3, 0));
        using var prompt = await Post(Guid.NewGuid(), "2026-11-21T08:00:00+08:00");
        var onTime = await prompt.Content.ReadFromJsonAsync<JsonElement>();
        onTime.GetProperty("late").GetBoolean().ShouldBeFalse();
        onTime.GetProperty("day").GetString().ShouldBe("2026-11-21");

        // A retry of the queued one, even after its window, answers the first record (idempotent by the client's id).
        fixture.Clock.SetChinaTime(new DateTime(2026, 11, 25, 9, 0, 0));
        using var retry = await Post(queuedId, "2026-11-19T18:00:00+08:00");
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("day").GetString().ShouldBe("2026-11-20");
        (await Rows()).ShouldBe(2);

        // The month counts the prompt check-in as an on-post day and the late one apart.
        using var county = Client();
        var report = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/monthly?month=2026-11&limit=1000");
        var row = report.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("cadreId").GetGuid() == cadre);
        row.GetProperty("onPostDays").GetInt32().ShouldBe(1);
        row.GetProperty("lateCheckIns").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task The_kept_month_rows_count_each_day_once_and_an_operator_s_correction_is_counted_again()
    {
        // Behind the service's back, in a transaction that is rolled back so that the class's other tests see nothing.
        await using var connection = new Npgsql.NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var cadre = fixture.Cadres.Values.First();
        var assignment = Guid.NewGuid();
        const string Village = "511702104201";
        await connection.ExecuteAsync(
            "INSERT INTO assignments (id, village_code, force, cadre_id, starts_on, started_by) VALUES (@assignment, @Village, 'agricultural_technician', @cadre, '2020-01-01', 'test')",
            new { assignment, Village, cadre }, transaction);
        const string Insert =
            """
            INSERT INTO check_ins (id, cadre_id, assignment_id, village_code, checked_at, day, longitude, latitude, distance_meters, on_post, daily_log, recorded_by, client_at, late)
            SELECT gen_random_uuid(), @cadre, @assignment, @Village, d::timestamptz, d, 107.5, 31.2, 10, on_post, log, 'test', d::timestamptz, late
            FROM (VALUES (@d3, true, NULL, false), (@d3, true, NULL, false), (@d4, false, '日志', false), (@d5, true, '补记', true)) AS v(d, on_post, log, late)
            """;
        // A statement of four (the 3rd twice, an off-post 4th with a log, a late 5th with a log), then the 3rd again alone.
        await connection.ExecuteAsync(Insert, new { cadre, assignment, Village, d3 = new DateOnly(2019, 10, 3), d4 = new DateOnly(2019, 10, 4), d5 = new DateOnly(2019, 10, 5) }, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO check_ins (id, cadre_id, assignment_id, village_code, checked_at, day, longitude, latitude, distance_meters, on_post, daily_log, recorded_by, client_at, late)
            VALUES (gen_random_uuid(), @cadre, @assignment, @Village, now(), '2019-10-03', 107.5, 31.2, 10, true, NULL, 'test', now(), false),
                   (gen_random_uuid(), @cadre, @assignment, @Village, now(), '2019-11-01', 107.5, 31.2, 10, true, NULL, 'test', now(), false)
            """, new { cadre, assignment, Village }, transaction);
        Task<(long OnPost, long Logs, int OffPost, int Late)?> Month(string month) => connection.QuerySingleOrDefaultAsync<(long, long, int, int)?>(
            "SELECT on_post_days, log_days, off_post_check_ins, late_check_ins FROM attendance_months WHERE month = @month::date AND cadre_id = @cadre AND village_code = @Village",
            new { month, cadre, Village }, transaction);
        (await Month("2019-10-01")).ShouldBe((1L << 2, (1L << 3) | (1L << 4), 1, 1)); // one on-post day, though three check-ins
        dispatch::Dispatch.Api.Features.Attendance.MonthlyAttendance.DaysOf(new DateOnly(2019, 10, 1), (1L << 3) | (1L << 4))
            .ShouldBe([new DateOnly(2019, 10, 4), new DateOnly(2019, 10, 5)]);
        await AttendanceMonthsCheck.ShouldMatchARecountAsync(connection, transaction);

        // An operator turns the off-post check-in into an on-post one and removes November's: both months are counted again.
        await connection.ExecuteAsync("UPDATE check_ins SET on_post = true WHERE cadre_id = @cadre AND day = '2019-10-04'", new { cadre }, transaction);
        await connection.ExecuteAsync("DELETE FROM check_ins WHERE cadre_id = @cadre AND day = '2019-11-01'", new { cadre }, transaction);
        (await Month("2019-10-01")).ShouldBe(((1L << 2) | (1L << 3), (1L << 3) | (1L << 4), 0, 1));
        (await Month("2019-11-01")).ShouldBeNull();
        await AttendanceMonthsCheck.ShouldMatchARecountAsync(connection, transaction);
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task Monthly_attendance_is_paged_by_cursor_keeps_its_totals_and_both_doors_agree()
    {
        foreach (var (name, village) in new[] { ("庚", "511702104201") })
        {
            await AssignAsync(village, "team_member", fixture.Cadres[name], "2026-01-01");
        }

        using var county = Client();
        var whole = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/monthly?month=2026-11&limit=1000");
        var total = whole.GetProperty("cadres").GetInt32();
        total.ShouldBeGreaterThanOrEqualTo(2);
        var restPages = new List<string>();
        string? after = null;
        do
        {
            var page = await county.GetFromJsonAsync<JsonElement>("/api/dispatch/attendance/monthly?month=2026-11&limit=1" + (after is null ? string.Empty : "&after=" + after));
            page.GetProperty("cadres").GetInt32().ShouldBe(total);
            page.GetProperty("below").GetInt32().ShouldBe(whole.GetProperty("below").GetInt32());
            page.GetProperty("items").GetArrayLength().ShouldBe(1);
            restPages.Add(page.GetProperty("items")[0].GetProperty("cadreId").GetString() + "@" + page.GetProperty("items")[0].GetProperty("villageCode").GetString());
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (after is not null);
        restPages.ShouldBe(whole.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("cadreId").GetString() + "@" + i.GetProperty("villageCode").GetString()).ToList());
        // Those below the minimum come first.
        var below = whole.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("belowMinimum").GetBoolean()).ToList();
        below.ShouldBe(below.OrderByDescending(b => b).ToList());

        var personnel = new Platform.Contracts.Grpc.Dispatch.V1.Personnel.PersonnelClient(
            InProcessGrpc.Invoker(fixture.Dispatch.Server, TestSettings.Token(Roles.County, "511702")));
        var grpcPages = new List<string>();
        var cursor = string.Empty;
        do
        {
            var page = await personnel.GetMonthlyAttendanceAsync(new Platform.Contracts.Grpc.Dispatch.V1.GetMonthlyAttendanceRequest { Month = "2026-11", Limit = 1, After = cursor });
            page.CadresTotal.ShouldBe(total);
            grpcPages.AddRange(page.Cadres.Select(c => c.CadreId + "@" + c.VillageCode));
            cursor = page.Next;
        }
        while (cursor.Length > 0);
        grpcPages.ShouldBe(restPages);

        using var badCursor = await county.GetAsync("/api/dispatch/attendance/monthly?month=2026-11&after=nonsense");
        badCursor.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var farMonth = await county.GetAsync("/api/dispatch/attendance/monthly?month=9999-12");
        farMonth.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
