using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Grpc.Assessment.V1;
using Platform.IntegrationTests.Infrastructure;
using Platform.Scheduling;
using Platform.Security;
using static Platform.IntegrationTests.Assessment.VoiceFixture;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// Issue 16, item 4: the complaints hotline (诉求热线) on the real stack. Each test registers its own complaints and moves
/// assessment's clock only forward, so the tests do not depend on each other's order.
/// </summary>
public sealed class ComplaintTests(VoiceFixture fixture) : IClassFixture<VoiceFixture>
{
    private static readonly object UnitA = new { subjectKind = "assisting_unit", subjectId = "U-A" };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await OkAsync(response, status);
        problem.GetProperty("code").GetString().ShouldBe(code, problem.ToString());
        return problem;
    }

    private static async Task<Guid> RegisterAsync(HttpClient client, string subjectKind, string subjectId, DateTimeOffset? replyBy = null, string content = "村道破损无人修")
    {
        var complaint = await OkAsync(await client.PostAsJsonAsync("/api/assessment/complaints", new
        {
            subjectKind, subjectId, channel = "hotline", content, complainantName = "张三丰", complainantPhone = "13812345678", replyBy,
        }), HttpStatusCode.Created);
        return complaint.GetProperty("id").GetGuid();
    }

    private Task<long> EntriesAsync(Guid complaint, string source) =>
        fixture.CountAsync("SELECT count(*) FROM accountability_entries WHERE source = @source AND cause_key = @key", new { source, key = complaint.ToString() });

    private Task<long> RecordedEventsAsync(Guid complaint) =>
        fixture.CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AccountabilityEntryRecorded' AND payload->>'causeKey' = @key",
            new { key = complaint.ToString() });

    private async Task<(int Reminded, int Bulletins)> RunDeadlineJobAsync()
    {
        var before = await fixture.CountAsync("SELECT count(*) FROM accountability_entries WHERE source = 'complaint_late_reply'");
        var reminded = await fixture.CountAsync("SELECT count(*) FROM complaints WHERE reminded_at IS NOT NULL");
        await fixture.Assessment.Services.GetRequiredService<ScheduledJobRunner>().RunAsync("complaint-deadlines", DateTimeOffset.UtcNow, CancellationToken.None);
        return ((int)(await fixture.CountAsync("SELECT count(*) FROM complaints WHERE reminded_at IS NOT NULL") - reminded),
            (int)(await fixture.CountAsync("SELECT count(*) FROM accountability_entries WHERE source = 'complaint_late_reply'") - before));
    }

    [Fact]
    public async Task A_late_reply_records_one_criticism_bulletin_against_the_unit_however_often_it_is_evaluated()
    {
        using var county = fixture.Client();
        var id = await RegisterAsync(county, "assisting_unit", "U-A", replyBy: fixture.AssessmentClock.GetUtcNow().AddHours(2));
        fixture.AssessmentClock.Offset += TimeSpan.FromHours(3);

        var replied = await OkAsync(await county.PostAsJsonAsync($"/api/assessment/complaints/{id}/replies", new { text = "已安排维修" }));
        replied.GetProperty("status").GetString().ShouldBe("replied");
        replied.GetProperty("late").GetBoolean().ShouldBeTrue();
        replied.GetProperty("replies")[0].GetProperty("late").GetBoolean().ShouldBeTrue();
        (await EntriesAsync(id, "complaint_late_reply")).ShouldBe(1);
        var entry = await fixture.AssessmentDb.ScalarAsync<string>(
            "SELECT kind || '|' || subject_kind || '|' || subject_id || '|' || subject_name || '|' || region_code || '|' || decided_by FROM accountability_entries WHERE cause_key = @key",
            new { key = id.ToString() });
        entry.ShouldBe("criticism_bulletin|assisting_unit|U-A|通川区农业农村局|511702000000|complaint_late_reply");

        // Evaluated again: a second reply, the deadline job twice. Still one bulletin and one event.
        await OkAsync(await county.PostAsJsonAsync($"/api/assessment/complaints/{id}/replies", new { text = "维修已完成" }));
        await RunDeadlineJobAsync();
        await RunDeadlineJobAsync();
        (await EntriesAsync(id, "complaint_late_reply")).ShouldBe(1);
        (await RecordedEventsAsync(id)).ShouldBe(1);

        // Notification delivers the bulletin (通报批评) once to the county's organisation department and the unit, in-app.
        var source = (await fixture.AssessmentDb.ScalarAsync<Guid>("SELECT id FROM accountability_entries WHERE cause_key = @key", new { key = id.ToString() })).ToString();
        const string Sent = "SELECT count(*) FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.source_id = @source AND d.state = 'sent'";
        await Eventually.HoldsAsync(async () => await fixture.NotificationCountAsync(Sent, new { source }) == 2, "the bulletin's two notices delivered");
        (await fixture.NotificationDb.ScalarAsync<string>(
                "SELECT string_agg(recipient || '|' || rule, ';' ORDER BY recipient) FROM notifications WHERE source_id = @source", new { source }))
            .ShouldBe("org:511702|accountability_bulletin;unit:U-A|accountability_bulletin");
        (await fixture.NotificationDb.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @source AND recipient = 'org:511702'", new { source }))
            .ShouldContain("诉求超过答复期限才答复");
        (await fixture.NotificationCountAsync("SELECT count(*) FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.source_id = @source",
            new { source })).ShouldBe(2);
    }

    [Fact]
    public async Task An_unanswered_complaint_is_reminded_once_before_its_deadline_and_bulletined_once_after_it_by_the_job()
    {
        using var county = fixture.Client();
        var id = await RegisterAsync(county, "cadre", fixture.Cadres["甲"].ToString(), replyBy: fixture.AssessmentClock.GetUtcNow().AddHours(5));
        // The deadline is within the reminder window (a day by default): the job reminds, once.
        (await RunDeadlineJobAsync()).Reminded.ShouldBe(1);
        (await RunDeadlineJobAsync()).ShouldBe((0, 0));
        (await fixture.CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ComplaintReplyDueSoon' AND payload->>'complaintId' = @id",
            new { id = id.ToString() })).ShouldBe(1);

        // Notification sends the reminder to the cadre and the county's organisation department, in-app and by SMS (the
        // local channel records what it would send), once.
        var source = "complaint-due:" + id;
        await Eventually.HoldsAsync(async () => await fixture.NotificationCountAsync(
            "SELECT count(*) FROM local_channel_messages m JOIN deliveries d ON d.id = m.delivery_id JOIN notifications n ON n.id = d.notification_id WHERE n.source_id = @source",
            new { source }) == 2, "two reminders by SMS recorded by the local channel");
        (await fixture.NotificationCountAsync("SELECT count(*) FROM notifications WHERE source_id = @source AND rule = 'complaint_reply_due'", new { source })).ShouldBe(2);
        var text = await fixture.NotificationDb.ScalarAsync<string>(
            "SELECT m.text FROM local_channel_messages m JOIN deliveries d ON d.id = m.delivery_id JOIN notifications n ON n.id = d.notification_id WHERE n.source_id = @source AND n.recipient = 'org:511702'",
            new { source });
        text.ShouldStartWith("【诉求答复期限临近】");
        text.ShouldContain("干部甲");

        fixture.AssessmentClock.Offset += TimeSpan.FromHours(6);
        (await RunDeadlineJobAsync()).ShouldBe((0, 1));
        (await RunDeadlineJobAsync()).ShouldBe((0, 0));
        (await EntriesAsync(id, "complaint_late_reply")).ShouldBe(1);
        // The cadre is filed at the village of their post.
        (await fixture.AssessmentDb.ScalarAsync<string>("SELECT region_code FROM accountability_entries WHERE cause_key = @key", new { key = id.ToString() }))
            .ShouldBe(VoiceFixture.VillageA);

        // The reply that finally comes is late, and the bulletin stays one.
        var replied = await OkAsync(await county.PostAsJsonAsync($"/api/assessment/complaints/{id}/replies", new { text = "已约谈本人" }));
        replied.GetProperty("late").GetBoolean().ShouldBeTrue();
        (await EntriesAsync(id, "complaint_late_reply")).ShouldBe(1);
        (await RecordedEventsAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_complaint_on_a_subject_outside_the_scope_answers_like_a_missing_one_and_writes_nothing()
    {
        using var county = fixture.Client();
        var complaints = await fixture.CountAsync("SELECT count(*) FROM complaints");
        // Events of this feature only: the register's own consumers write other rows in the background.
        const string Registered = "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ComplaintRegistered'";
        var outbox = await fixture.CountAsync(Registered);

        async Task<string> RefusedAsync(string kind, string id)
        {
            var problem = await ProblemAsync(await county.PostAsJsonAsync("/api/assessment/complaints", new
            {
                subjectKind = kind, subjectId = id, channel = "phone", content = "反映问题", complainantName = "李四",
            }), HttpStatusCode.NotFound, "subject_not_found");
            problem.TryGetProperty("traceId", out _).ShouldBeTrue();
            return $"{problem.GetProperty("title").GetString()}|{(problem.TryGetProperty("detail", out var d) ? d.GetString() : null)}";
        }

        var outside = await RefusedAsync("assisting_unit", "U-B");
        var missing = await RefusedAsync("assisting_unit", "U-NOPE");
        outside.ShouldBe(missing);
        (await RefusedAsync("cadre", fixture.Cadres["乙"].ToString())).ShouldBe(missing);
        (await RefusedAsync("cadre", Guid.NewGuid().ToString())).ShouldBe(missing);
        (await RefusedAsync("work_team", VoiceFixture.VillageB)).ShouldBe(missing);

        (await fixture.CountAsync("SELECT count(*) FROM complaints")).ShouldBe(complaints);
        (await fixture.CountAsync(Registered)).ShouldBe(outbox);

        // The other county's complaint answers as a missing one, on reads and writes.
        using var far = fixture.Client(Roles.County, "511703");
        var theirs = await RegisterAsync(far, "assisting_unit", "U-B");
        await ProblemAsync(await county.GetAsync($"/api/assessment/complaints/{theirs}"), HttpStatusCode.NotFound, "complaint_not_found");
        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/complaints/{theirs}/replies", new { text = "越权答复" }), HttpStatusCode.NotFound,
            "complaint_not_found");
        (await fixture.CountAsync("SELECT count(*) FROM complaint_replies WHERE complaint_id = @theirs", new { theirs })).ShouldBe(0);
    }

    [Fact]
    public async Task A_complaint_s_course_refuses_out_of_order_steps_with_409_and_changes_nothing()
    {
        using var county = fixture.Client();
        var id = await RegisterAsync(county, "work_team", VoiceFixture.VillageA);
        string Url(string step) => $"/api/assessment/complaints/{id}/{step}";

        await ProblemAsync(await county.PostAsJsonAsync(Url("verdict"), new { verdict = "satisfied" }), HttpStatusCode.Conflict, "complaint_not_replied");
        await ProblemAsync(await county.PostAsJsonAsync(Url("close"), new { }), HttpStatusCode.Conflict, "complaint_not_replied");
        await OkAsync(await county.PostAsJsonAsync(Url("replies"), new { text = "工作队已入户了解" }));
        var judged = await OkAsync(await county.PostAsJsonAsync(Url("verdict"), new { verdict = "satisfied" }));
        judged.GetProperty("verdict").GetString().ShouldBe("satisfied");
        await ProblemAsync(await county.PostAsJsonAsync(Url("verdict"), new { verdict = "unsatisfied" }), HttpStatusCode.Conflict, "verdict_already_recorded");
        var closed = await OkAsync(await county.PostAsJsonAsync(Url("close"), new { note = "已办结" }));
        closed.GetProperty("status").GetString().ShouldBe("closed");

        var before = (await county.GetStringAsync($"/api/assessment/complaints/{id}"));
        var problem = await ProblemAsync(await county.PostAsJsonAsync(Url("replies"), new { text = "补充答复" }), HttpStatusCode.Conflict, "complaint_closed");
        problem.GetProperty("title").GetString().ShouldBe("诉求已办结");
        await ProblemAsync(await county.PostAsJsonAsync(Url("close"), new { }), HttpStatusCode.Conflict, "complaint_closed");
        (await county.GetStringAsync($"/api/assessment/complaints/{id}")).ShouldBe(before);
        (await fixture.CountAsync("SELECT count(*) FROM complaint_replies WHERE complaint_id = @id", new { id })).ShouldBe(1);
        (await fixture.CountAsync("SELECT count(*) FROM accountability_entries WHERE cause_key = @key", new { key = id.ToString() })).ShouldBe(0);

        // Bad input is a 400 naming the field, and nothing is written.
        var complaints = await fixture.CountAsync("SELECT count(*) FROM complaints");
        var invalid = await ProblemAsync(await county.PostAsJsonAsync("/api/assessment/complaints", new
        {
            subjectKind = "county", subjectId = "511702", channel = "fax", content = "", complainantName = "王五", complainantPhone = "123",
            replyBy = fixture.AssessmentClock.GetUtcNow().AddMinutes(-5),
        }), HttpStatusCode.BadRequest, "invalid_complaint");
        invalid.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(["channel", "complainantPhone", "content", "replyBy", "subjectKind"]);
        await ProblemAsync(await county.PostAsJsonAsync("/api/assessment/complaints", new
        {
            subjectKind = "assisting_unit", subjectId = "U-A", channel = "visit", content = "反映问题", complainantName = "王五",
            replyBy = fixture.AssessmentClock.GetUtcNow().AddDays(30),
        }), HttpStatusCode.BadRequest, "invalid_complaint");
        (await fixture.CountAsync("SELECT count(*) FROM complaints")).ShouldBe(complaints);
    }

    [Fact]
    public async Task An_unsatisfied_verdict_records_one_criticism_bulletin()
    {
        using var county = fixture.Client();
        var id = await RegisterAsync(county, "assisting_unit", "U-A");
        await OkAsync(await county.PostAsJsonAsync($"/api/assessment/complaints/{id}/replies", new { text = "正在协调" }));
        (await EntriesAsync(id, "complaint_late_reply")).ShouldBe(0);
        await OkAsync(await county.PostAsJsonAsync($"/api/assessment/complaints/{id}/verdict", new { verdict = "unsatisfied" }));
        await ProblemAsync(await county.PostAsJsonAsync($"/api/assessment/complaints/{id}/verdict", new { verdict = "unsatisfied" }), HttpStatusCode.Conflict,
            "verdict_already_recorded");
        (await EntriesAsync(id, "complaint_unsatisfactory")).ShouldBe(1);
        (await RecordedEventsAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task The_counts_per_county_say_received_solved_and_late_as_the_programme_reports_them()
    {
        using var far = fixture.Client(Roles.County, "511703");
        var now = fixture.AssessmentClock.GetUtcNow();
        var year = now.ToOffset(ChinaTime.Offset).Year;
        var before = await far.GetFromJsonAsync<JsonElement>($"/api/assessment/complaints/counts?year={year}");
        int Count(JsonElement counts, string field) =>
            counts.GetProperty("counties").EnumerateArray().Where(c => c.GetProperty("countyCode").GetString() == "511703").Select(c => c.GetProperty(field).GetInt32())
                .SingleOrDefault();

        // Solved: replied on time and closed with a satisfied verdict; replied on time. Late: replied after the deadline.
        var satisfied = await RegisterAsync(far, "assisting_unit", "U-B");
        await OkAsync(await far.PostAsJsonAsync($"/api/assessment/complaints/{satisfied}/replies", new { text = "已解决" }));
        await OkAsync(await far.PostAsJsonAsync($"/api/assessment/complaints/{satisfied}/verdict", new { verdict = "satisfied" }));
        await OkAsync(await far.PostAsJsonAsync($"/api/assessment/complaints/{satisfied}/close", new { }));
        var onTime = await RegisterAsync(far, "work_team", VoiceFixture.VillageB);
        await OkAsync(await far.PostAsJsonAsync($"/api/assessment/complaints/{onTime}/replies", new { text = "已答复" }));
        var late = await RegisterAsync(far, "cadre", fixture.Cadres["乙"].ToString(), replyBy: now.AddHours(1));
        fixture.AssessmentClock.Offset += TimeSpan.FromHours(2);
        await OkAsync(await far.PostAsJsonAsync($"/api/assessment/complaints/{late}/replies", new { text = "迟到的答复" }));

        var counts = await far.GetFromJsonAsync<JsonElement>($"/api/assessment/complaints/counts?year={year}");
        (Count(counts, "received") - Count(before, "received")).ShouldBe(3);
        (Count(counts, "solved") - Count(before, "solved")).ShouldBe(2);
        (Count(counts, "late") - Count(before, "late")).ShouldBe(1);
        var county = counts.GetProperty("counties").EnumerateArray().Single(c => c.GetProperty("countyCode").GetString() == "511703");
        county.GetProperty("summary").GetString()
            .ShouldBe($"受理{Count(counts, "received")}件，办结{Count(counts, "solved")}件，逾期{Count(counts, "late")}件");
        // Only the caller's county: the near county's complaints are not counted here.
        counts.GetProperty("counties").EnumerateArray().Select(c => c.GetProperty("countyCode").GetString()).ShouldBe(["511703"]);
        await ProblemAsync(await far.GetAsync($"/api/assessment/complaints/counts?year={year}&prefix=511702"), HttpStatusCode.Forbidden, "region_out_of_scope");

        // The same through gRPC, with the generated client.
        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511703"));
        var voice = grpc.Get<Voice.VoiceClient>();
        var message = await voice.GetComplaintCountsAsync(new GetComplaintCountsRequest { Year = year });
        message.Counties.Single().Summary.ShouldBe(county.GetProperty("summary").GetString());
        message.Received.ShouldBe(Count(counts, "received"));
    }

    [Fact]
    public async Task Complainants_are_masked_for_roles_that_may_not_see_personal_data_on_both_doors()
    {
        using var county = fixture.Client();
        // A work team's complaint lies in its village, so the township's official sees it too.
        var id = await RegisterAsync(county, "work_team", VoiceFixture.VillageA);
        var clear = await county.GetFromJsonAsync<JsonElement>($"/api/assessment/complaints/{id}");
        clear.GetProperty("complainantName").GetString().ShouldBe("张三丰");
        clear.GetProperty("complainantPhone").GetString().ShouldBe("13812345678");
        // Encrypted at rest.
        (await fixture.CountAsync("SELECT count(*) FROM complaints WHERE id = @id AND position(convert_to('13812345678', 'UTF8') IN complainant_phone) = 0", new { id }))
            .ShouldBe(1);

        using var township = fixture.Client(Roles.Township, "511702104");
        var page = await township.GetFromJsonAsync<JsonElement>("/api/assessment/complaints?limit=200");
        var masked = page.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == id);
        masked.GetProperty("complainantName").GetString().ShouldBe("张**");
        masked.GetProperty("complainantPhone").GetString()!.ShouldNotContain("1234");

        using var grpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.Township, "511702104"));
        var voice = grpc.Get<Voice.VoiceClient>();
        var complaint = await voice.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id.ToString() });
        complaint.ComplainantName.ShouldBe("张**");
        complaint.SubjectName.ShouldBe("北山镇青杠村驻村工作队"); // named as the register and the rankings name a work team
        complaint.Status.ShouldBe("open");

        // Another county's caller: NOT_FOUND, as for a complaint that does not exist.
        using var farGrpc = new TestGrpcClients(fixture.AssessmentGrpc, TestSettings.Token(Roles.County, "511703"));
        var outside = await Should.ThrowAsync<RpcException>(() => farGrpc.Get<Voice.VoiceClient>().GetComplaintAsync(new GetComplaintRequest { ComplaintId = id.ToString() }).ResponseAsync);
        var missing = await Should.ThrowAsync<RpcException>(() => farGrpc.Get<Voice.VoiceClient>().GetComplaintAsync(new GetComplaintRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);
        outside.StatusCode.ShouldBe(StatusCode.NotFound);
        outside.Status.Detail.ShouldBe(missing.Status.Detail);
        outside.Trailers.GetValue("problem-code").ShouldBe("complaint_not_found");
    }
}
