extern alias notification;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Contracts.Grpc.Notification.V1;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Grpc.Client;
using Platform.IntegrationTests.Infrastructure;
using Platform.Scheduling;
using Platform.Security;
using Microsoft.Extensions.DependencyInjection;
using CheckInReminderJob = notification::Notification.Api.Scheduling.CheckInReminderJob;
using CoverageGapFollowUpJob = notification::Notification.Api.Scheduling.CoverageGapFollowUpJob;

namespace Platform.IntegrationTests.Notification;

public sealed class NotificationTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private const string Village702 = "511702104201";
    private const string Village703 = "511703105201";

    private static AssignmentStarted Started(string village) =>
        new(Guid.NewGuid(), village, "team_member", Guid.NewGuid(), "U-A", new DateOnly(2026, 11, 1), "test", DateTimeOffset.UtcNow);

    /// <summary>A unit head's token: any role, with the <c>unit</c> claim naming the unit.</summary>
    private static string UnitHeadToken(string unit) => new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(
        new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = TestSettings.Auth.Issuer,
            Audience = TestSettings.Auth.Audience,
            Subject = new System.Security.Claims.ClaimsIdentity(
            [
                new(PlatformClaims.Subject, "unit-head-" + unit), new(PlatformClaims.Role, Roles.Cadre), new(PlatformClaims.Region, "511702"), new("unit", unit),
            ]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new(TestSettings.Auth.CreateSigningKey(), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });

    /// <summary>A China local time today, as an instant (job occurrences are schedule times in Asia/Shanghai).</summary>
    private static DateTimeOffset ChinaToday(int hour, int minute) =>
        new(DateTime.SpecifyKind(DateTime.UtcNow.AddHours(8).Date.AddHours(hour).AddMinutes(minute), DateTimeKind.Unspecified), TimeSpan.FromHours(8));

    private HttpClient Integration(string subject, string scope = "511702") =>
        fixture.Client(DevelopmentTokens.Create(TestSettings.Auth, subject, [Roles.Integration], scope));

    private static async Task<Guid> SubscribeAsync(HttpClient client, string url, params string[] eventTypes)
    {
        using var response = await client.PostAsJsonAsync("/api/notification/subscriptions", new { url, eventTypes });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task An_event_delivered_twice_gives_one_notification_per_recipient_and_channel()
    {
        var cadre = fixture.Cadres["甲"];
        var eventId = Guid.NewGuid();
        var recall = new CadreRecalled(cadre, Guid.NewGuid(), Village702, "team_member", new DateOnly(2026, 11, 20), "违反工作纪律", "test", DateTimeOffset.UtcNow);
        await fixture.PublishAsync(recall, eventId);
        await fixture.PublishAsync(recall, eventId);

        // The cadre, the cadre's unit head and the county organisation department; in_app and sms each.
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = eventId.ToString() }) == 3,
            "three notifications");
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM local_channel_messages m JOIN deliveries d ON d.id = m.delivery_id JOIN notifications n ON n.id = d.notification_id WHERE n.source_id = @id",
            new { id = eventId.ToString() }) == 3, "three sms recorded by the local channel");
        await Task.Delay(1000); // the duplicate has long been consumed by now
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = eventId.ToString() })).ShouldBe(3);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.source_id = @id",
            new { id = eventId.ToString() })).ShouldBe(6);
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id ORDER BY recipient", new { id = eventId.ToString() }))
            .ShouldBe([$"cadre:{cadre}", "org:511702", "unit:U-A"]);

        using var inbox = fixture.CadreClient("甲");
        var page = await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox");
        var item = page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("rule").GetString() == "cadre_recalled");
        item.GetProperty("title").GetString().ShouldBe("干部召回通知");
        item.GetProperty("body").GetString().ShouldBe($"甲同志在{Village702}的驻村任务已于2026-11-20召回，原因：违反工作纪律。"); // name from dispatch over gRPC
        item.GetProperty("templateVersion").GetInt32().ShouldBe(1);
        item.GetProperty("urgent").GetBoolean().ShouldBeTrue();

        using var unitHead = fixture.Client(UnitHeadToken("U-A"));
        (await unitHead.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
            .ShouldContain(i => i.GetProperty("recipient").GetString() == "unit:U-A" && i.GetProperty("rule").GetString() == "cadre_recalled");
        using var county = fixture.Client(TestSettings.Token(Roles.County, "511702"));
        (await county.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
            .ShouldContain(i => i.GetProperty("recipient").GetString() == "org:511702" && i.GetProperty("rule").GetString() == "cadre_recalled");
    }

    [Fact]
    public async Task A_recall_in_dispatch_reaches_the_cadre_s_inbox_and_the_county_hears_of_the_gap()
    {
        var cadre = fixture.Cadres["乙"];
        using var dispatch = new HttpClient { BaseAddress = fixture.DispatchRest };
        dispatch.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.County, "511702"));
        using var started = await dispatch.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = "511702104202", force = "agricultural_technician", cadreId = cadre, startsOn = "2026-01-01" });
        started.StatusCode.ShouldBe(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var assignment = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await dispatch.PostAsJsonAsync($"/api/dispatch/assignments/{assignment}/end", new { endsOn = "2026-11-15", kind = "recalled", reason = "身体原因" })).EnsureSuccessStatusCode();

        using var inbox = fixture.CadreClient("乙");
        await Eventually.HoldsAsync(async () => (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox/unread-count")).GetProperty("count").GetInt64() == 1,
            "the recalled cadre has one unread notification");
        var item = (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items")[0];
        item.GetProperty("body").GetString()!.ShouldContain("身体原因");
        var id = item.GetProperty("id").GetGuid();

        using var county = fixture.Client(TestSettings.Token(Roles.County, "511702"));
        await Eventually.HoldsAsync(async () => (await county.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
            .Any(i => i.GetProperty("rule").GetString() == "coverage_gap_opened" && i.GetProperty("body").GetString()!.Contains("511702104202的农技员", StringComparison.Ordinal)),
            "the county organisation department is told of the gap");
        (await county.PostAsync($"/api/notification/inbox/{id}/read", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound); // not the county's

        (await inbox.PostAsync($"/api/notification/inbox/{id}/read", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox/unread-count")).GetProperty("count").GetInt64().ShouldBe(0);

        var detail = await county.GetFromJsonAsync<JsonElement>($"/api/notification/notifications/{id}"); // officials see delivery state in scope
        detail.GetProperty("deliveries").EnumerateArray().Select(d => (d.GetProperty("channel").GetString(), d.GetProperty("state").GetString()))
            .ShouldContain(("in_app", "sent"));
        using var other = fixture.Client(TestSettings.Token(Roles.County, "511703"));
        (await other.GetAsync($"/api/notification/notifications/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await Eventually.HoldsAsync(async () => (await county.GetFromJsonAsync<JsonElement>($"/api/notification/deliveries?recipient=cadre:{cadre}")).EnumerateArray()
            .Any(d => d.GetProperty("channel").GetString() == "sms" && d.GetProperty("state").GetString() == "sent"), "the recall's sms is recorded by the local channel");
        (await other.GetFromJsonAsync<JsonElement>($"/api/notification/deliveries?recipient=cadre:{cadre}")).GetArrayLength().ShouldBe(0);
        (await inbox.GetAsync("/api/notification/deliveries")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_webhook_receiver_that_fails_twice_then_succeeds_gets_the_event_once_signed()
    {
        fixture.Receiver.FailFirst["flaky"] = 2;
        using var client = Integration("ext-flaky");
        using var created = await client.PostAsJsonAsync("/api/notification/subscriptions", new { url = fixture.Receiver.Url("flaky"), eventTypes = new[] { "AssignmentStarted" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var subscription = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = subscription.GetProperty("secret").GetString()!;
        subscription.GetProperty("regionPrefix").GetString().ShouldBe("511702");

        var eventId = Guid.NewGuid();
        await fixture.PublishAsync(Started(Village702), eventId);
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Receiver.For("flaky").Any(r => r.Status == 200)), "the third attempt succeeded");
        await Task.Delay(800);

        var received = fixture.Receiver.For("flaky");
        received.Count.ShouldBe(3);
        received.Select(r => r.Status).ShouldBe([500, 500, 200]);
        received.Select(r => r.DeliveryId).Distinct().Count().ShouldBe(1); // the same delivery id on every attempt
        foreach (var request in received)
        {
            var parts = request.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var timestamp = long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture);
            var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret),
                System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}"));
            parts["v1"].ShouldBe(Convert.ToHexStringLower(mac));
        }

        var body = JsonDocument.Parse(received[2].Body).RootElement;
        body.GetProperty("eventId").GetGuid().ShouldBe(eventId);
        body.GetProperty("eventType").GetString().ShouldBe("AssignmentStarted");
        body.GetProperty("data").GetProperty("villageCode").GetString().ShouldBe(Village702);

        var deliveries = await client.GetFromJsonAsync<JsonElement>($"/api/notification/subscriptions/{subscription.GetProperty("id").GetGuid()}/deliveries");
        var delivery = deliveries.EnumerateArray().Single();
        delivery.GetProperty("state").GetString().ShouldBe("sent");
        delivery.GetProperty("attempts").GetInt32().ShouldBe(3);
        delivery.GetProperty("id").GetString().ShouldBe(received[0].DeliveryId);
    }

    [Fact]
    public async Task A_send_cut_short_by_a_crash_is_sent_again_after_its_lease_with_the_same_delivery_id()
    {
        using var client = Integration("ext-crash");
        var subscription = await SubscribeAsync(client, fixture.Receiver.Url("crash"), "AssignmentStarted");
        await fixture.PublishAsync(Started(Village702), Guid.NewGuid());
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Receiver.For("crash").Count == 1), "first send");

        // As if a replica had sent and crashed before recording it: claimed (sending), lease over.
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<string>("SELECT state FROM deliveries WHERE subscription_id = @subscription", new { subscription }) == "sent",
            "recorded as sent");
        await fixture.ExecuteAsync("UPDATE deliveries SET state = 'sending', sent_at = NULL, lease_until = @expired WHERE subscription_id = @subscription",
            new { subscription, expired = fixture.Clock.GetUtcNow().AddMinutes(-1) }); // the service's clock, not the database's

        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Receiver.For("crash").Count == 2), "resent after the lease");
        fixture.Receiver.For("crash").Select(r => r.DeliveryId).Distinct().Count().ShouldBe(1); // the receiver can de-duplicate
    }

    [Fact]
    public async Task Subscriptions_are_confined_to_the_client_s_scope_and_to_their_owner()
    {
        using var a = Integration("ext-a");
        using var b = Integration("ext-b", "511703");

        using var tooWide = await a.PostAsJsonAsync("/api/notification/subscriptions", new { url = fixture.Receiver.Url("scoped"), eventTypes = new[] { "AssignmentStarted" }, regionPrefix = "5117" });
        tooWide.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await tooWide.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("subscription_scope_too_wide");
        using var unknown = await a.PostAsJsonAsync("/api/notification/subscriptions", new { url = fixture.Receiver.Url("scoped"), eventTypes = new[] { "Nope" } });
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var cadre = fixture.CadreClient("甲");
        (await cadre.GetAsync("/api/notification/subscriptions")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var subscription = await SubscribeAsync(a, fixture.Receiver.Url("scoped"), "AssignmentStarted");
        (await b.GetFromJsonAsync<JsonElement>("/api/notification/subscriptions")).EnumerateArray().ShouldBeEmpty();
        (await b.PostAsync($"/api/notification/subscriptions/{subscription}/pause", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.DeleteAsync($"/api/notification/subscriptions/{subscription}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetAsync($"/api/notification/subscriptions/{subscription}/deliveries")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // An event of the other county is not delivered to a 511702 subscription.
        var outside = Guid.NewGuid();
        var inside = Guid.NewGuid();
        await fixture.PublishAsync(Started(Village703), outside);
        await fixture.PublishAsync(Started(Village702), inside);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM inbox_messages WHERE message_id = ANY (@ids)", new { ids = new[] { outside, inside } }) == 2, "both events consumed");
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Receiver.For("scoped").Count == 1), "the 511702 event delivered");
        fixture.Receiver.For("scoped").Single().Body.ShouldContain(inside.ToString());

        // Paused: nothing is queued; resumed: delivery again.
        (await a.PostAsync($"/api/notification/subscriptions/{subscription}/pause", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var whilePaused = Guid.NewGuid();
        await fixture.PublishAsync(Started(Village702), whilePaused);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @whilePaused", new { whilePaused }) == 1,
            "consumed while paused");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM deliveries WHERE subscription_id = @subscription", new { subscription })).ShouldBe(1);
        (await a.PostAsync($"/api/notification/subscriptions/{subscription}/resume", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await a.DeleteAsync($"/api/notification/subscriptions/{subscription}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await a.GetFromJsonAsync<JsonElement>("/api/notification/subscriptions")).EnumerateArray()
            .ShouldNotContain(s => s.GetProperty("id").GetGuid() == subscription);
    }

    [Fact]
    public async Task A_subscription_is_its_owner_s_only_inside_the_owner_s_current_scope()
    {
        using var before = Integration("ext-moved");
        var subscription = await SubscribeAsync(before, fixture.Receiver.Url("moved"), "AssignmentStarted");
        using var after = Integration("ext-moved", "511703"); // the same subject, now with another county's scope

        async Task<string> Answer(HttpClient client, HttpMethod method, string path)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path));
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            body.Remove("traceId");
            body.Remove("instance");
            return $"{(int)response.StatusCode} {body.ToJsonString()}";
        }

        var missing = Guid.NewGuid();
        foreach (var (method, suffix) in new[] { (HttpMethod.Post, "/pause"), (HttpMethod.Post, "/resume"), (HttpMethod.Delete, ""), (HttpMethod.Get, "/deliveries"),
                     (HttpMethod.Post, $"/deliveries/{Guid.NewGuid()}/replay") })
        {
            var outOfScope = await Answer(after, method, $"/api/notification/subscriptions/{subscription}{suffix}");
            outOfScope.ShouldBe(await Answer(after, method, $"/api/notification/subscriptions/{missing}{suffix}"), $"{method} {suffix}");
            outOfScope.ShouldStartWith("404 ");
            outOfScope.ShouldContain("subscription_not_found");
        }

        (await after.GetFromJsonAsync<JsonElement>("/api/notification/subscriptions")).EnumerateArray().ShouldBeEmpty();
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM subscriptions WHERE id = @subscription AND status = 'active' AND deleted_at IS NULL", new { subscription }))
            .ShouldBe(1);
        (await before.PostAsync($"/api/notification/subscriptions/{subscription}/pause", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await before.DeleteAsync($"/api/notification/subscriptions/{subscription}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_delivery_given_up_is_listed_as_failed_and_can_be_replayed()
    {
        fixture.Receiver.AlwaysFail["down"] = true;
        using var client = Integration("ext-down");
        var subscription = await SubscribeAsync(client, fixture.Receiver.Url("down"), "AssignmentStarted");
        await fixture.PublishAsync(Started(Village702), Guid.NewGuid());
        JsonElement failed = default;
        await Eventually.HoldsAsync(async () =>
        {
            failed = await client.GetFromJsonAsync<JsonElement>($"/api/notification/subscriptions/{subscription}/deliveries?state=failed");
            return failed.GetArrayLength() == 1;
        }, "given up after Notification:Delivery:GiveUpAfter (4 s here)");
        failed[0].GetProperty("lastError").GetString().ShouldBe("HTTP 500");
        var attempts = fixture.Receiver.For("down").Count;
        attempts.ShouldBeGreaterThan(1);

        fixture.Receiver.AlwaysFail["down"] = false;
        var delivery = failed[0].GetProperty("id").GetGuid();
        (await client.PostAsync($"/api/notification/subscriptions/{subscription}/deliveries/{delivery}/replay", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Receiver.For("down").Any(r => r.Status == 200)), "replayed");
        fixture.Receiver.For("down").Select(r => r.DeliveryId).Distinct().Single().ShouldBe(delivery.ToString());
        await Eventually.HoldsAsync(async () => (await client.GetFromJsonAsync<JsonElement>($"/api/notification/subscriptions/{subscription}/deliveries"))[0]
            .GetProperty("state").GetString() == "sent", "recorded as sent");
        (await client.PostAsync($"/api/notification/subscriptions/{subscription}/deliveries/{delivery}/replay", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Quiet_hours_hold_a_non_urgent_message_until_eight_and_not_an_urgent_one()
    {
        var cadre = fixture.Cadres["丁"];
        var tonight = DateTime.UtcNow.AddHours(8).Date.AddHours(22).AddMinutes(30); // 22:30 in China
        fixture.Clock.SetChinaTime(tonight);
        try
        {
            var leaveId = Guid.NewGuid();
            var recallId = Guid.NewGuid();
            await fixture.PublishAsync(new LeaveDecided(Guid.NewGuid(), cadre, Village702, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 2), 2, true, null, "township", DateTimeOffset.UtcNow), leaveId);
            await fixture.PublishAsync(new CadreRecalled(cadre, Guid.NewGuid(), Village702, "team_member", new DateOnly(2026, 11, 30), "工作调整", "county", DateTimeOffset.UtcNow), recallId);

            using var inbox = fixture.CadreClient("丁");
            await Eventually.HoldsAsync(async () => (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
                .Any(i => i.GetProperty("rule").GetString() == "cadre_recalled"), "the urgent recall is delivered at night");
            await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = leaveId.ToString() }) == 1,
                "the leave notification is written");
            await Task.Delay(500);
            var held = (await fixture.QueryAsync<(string State, DateTime NextAttemptAt)>(
                "SELECT d.state, d.next_attempt_at FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.source_id = @id AND d.channel = 'in_app'",
                new { id = leaveId.ToString() })).Single();
            held.State.ShouldBe("held_quiet_hours");
            held.NextAttemptAt.ShouldBe(tonight.Date.AddDays(1).AddHours(8).AddHours(-8)); // 08:00 China = 00:00 UTC
            (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
                .ShouldNotContain(i => i.GetProperty("rule").GetString() == "leave_decided");

            fixture.Clock.SetChinaTime(tonight.Date.AddDays(1).AddHours(8));
            await Eventually.HoldsAsync(async () => (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
                .Any(i => i.GetProperty("rule").GetString() == "leave_decided" && i.GetProperty("body").GetString()!.Contains("已批准", StringComparison.Ordinal)),
                "the leave notification is delivered at 08:00");
        }
        finally
        {
            fixture.Clock.SetDaytime();
        }
    }

    [Fact]
    public async Task Templates_are_versioned_checked_against_the_rule_s_variables_and_a_notification_keeps_its_text()
    {
        using var province = fixture.Client(TestSettings.Token(Roles.Province, "51"));
        async Task<string?> SaveAsync(object body, HttpStatusCode expected)
        {
            using var response = await province.PostAsJsonAsync("/api/notification/templates/village_category_changed", body);
            response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
            return expected == HttpStatusCode.BadRequest ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString() : null;
        }

        (await SaveAsync(new { title = "变更", body = "{villageName}{category}{村长}" }, HttpStatusCode.BadRequest)).ShouldBe("unknown_template_variable");
        (await SaveAsync(new { title = "变更", body = "{villageName}变了" }, HttpStatusCode.BadRequest)).ShouldBe("missing_template_variable");
        (await SaveAsync(new { title = "变更", body = "{villageName {category}" }, HttpStatusCode.BadRequest)).ShouldBe("invalid_template_syntax");
        using var county = fixture.Client(TestSettings.Token(Roles.County, "511702"));
        (await county.PostAsJsonAsync("/api/notification/templates/village_category_changed", new { title = "x", body = "{villageName}{category}" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var before = Guid.NewGuid();
        await fixture.PublishAsync(new VillageCategoryChanged(Village703, "金山村", "poor", "exited", "脱贫验收", "province", DateTimeOffset.UtcNow), before);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = before.ToString() }) == 1,
            "rendered with version 1");
        await SaveAsync(new { title = "村类别调整", body = "{villageName}现为{category}" }, HttpStatusCode.Created);

        var after = Guid.NewGuid();
        await fixture.PublishAsync(new VillageCategoryChanged(Village703, "金山村", "exited", "poor", "返贫", "province", DateTimeOffset.UtcNow), after);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = after.ToString() }) == 1,
            "rendered with version 2");
        var texts = await fixture.QueryAsync<(string Source, int Version, string Body)>(
            "SELECT source_id, template_version, body FROM notifications WHERE source_id = ANY (@ids) ORDER BY template_version",
            new { ids = new[] { before.ToString(), after.ToString() } });
        texts[0].ShouldBe((before.ToString(), 1, $"金山村（{Village703}）由贫困村变更为已退出村，原因：脱贫验收。"));
        texts[1].ShouldBe((after.ToString(), 2, "金山村现为贫困村"));
        var versions = await province.GetFromJsonAsync<JsonElement>("/api/notification/templates/village_category_changed");
        versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).ShouldBe([2, 1]);

        // A version saved by another replica (straight into the table, behind this process's template cache) renders the next one.
        (await fixture.ScalarAsync<int>(
            "INSERT INTO templates (rule, version, title, body, created_by) VALUES ('village_category_changed', 3, '类别', '{villageName}：{category}', 'other-replica') RETURNING version"))
            .ShouldBe(3);
        var third = Guid.NewGuid();
        await fixture.PublishAsync(new VillageCategoryChanged(Village703, "金山村", "poor", "exited", "再次脱贫", "province", DateTimeOffset.UtcNow), third);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = third.ToString() }) == 1,
            "rendered with version 3");
        (await fixture.QueryAsync<(int Version, string Body)>("SELECT template_version, body FROM notifications WHERE source_id = @id", new { id = third.ToString() }))
            .ShouldAllBe(t => t.Version == 3 && t.Body == "金山村：已退出村");
    }

    [Fact]
    public async Task Another_service_sends_a_message_over_grpc_once_per_key_and_reads_its_delivery_state()
    {
        // The generated client, over h2c as the platform's services call each other, as funds would (a county-scoped token).
        using var channel = GrpcChannel.ForAddress(fixture.NotificationGrpc, new GrpcChannelOptions { HttpHandler = GrpcClientExtensions.CreateHandler() });
        var client = new Notifications.NotificationsClient(channel);
        var caller = new Metadata { { "Authorization", "Bearer " + TestSettings.Token(Roles.County, "511702", "funds-service") } };
        var request = new SendNotificationRequest
        {
            IdempotencyKey = "report-2026-11", Recipient = $"cadre:{fixture.Cadres["戊"]}", RegionCode = Village702, Title = "月报提醒", Body = "请于本月25日前提交月报。",
        };
        var first = await client.SendNotificationAsync(request, caller);
        first.Created.ShouldBeTrue();
        var again = await client.SendNotificationAsync(request, caller);
        again.Created.ShouldBeFalse();
        again.NotificationId.ShouldBe(first.NotificationId);

        DeliveryStatus status = null!;
        await Eventually.HoldsAsync(async () =>
        {
            status = await client.GetDeliveryStatusAsync(new GetDeliveryStatusRequest { NotificationId = first.NotificationId }, caller);
            return status.Deliveries.Single().State == "sent";
        }, "the in-app delivery is sent");
        status.Deliveries.Single().Channel.ShouldBe("in_app");
        status.Title.ShouldBe("月报提醒");

        var outside = await Should.ThrowAsync<RpcException>(async () =>
            await client.SendNotificationAsync(new SendNotificationRequest(request) { IdempotencyKey = "x", RegionCode = Village703 }, caller));
        outside.StatusCode.ShouldBe(StatusCode.PermissionDenied);

        // Nor to recipients of another county or a wider office: 丙 works for U-B in 511703, org:5117 is the city's office.
        foreach (var recipient in new[] { $"cadre:{fixture.Cadres["丙"]}", "unit:U-B", "org:5117", $"cadre:{Guid.NewGuid()}" })
        {
            var refused = await Should.ThrowAsync<RpcException>(async () =>
                await client.SendNotificationAsync(new SendNotificationRequest(request) { IdempotencyKey = "y-" + recipient, Recipient = recipient }, caller));
            refused.StatusCode.ShouldBe(StatusCode.PermissionDenied, recipient);
        }

        (await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id LIKE 'grpc:%:y-%'")).ShouldBe(0);
        using var inbox = fixture.CadreClient("戊");
        (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
            .Count(i => i.GetProperty("title").GetString() == "月报提醒").ShouldBe(1);
    }

    [Fact]
    public async Task The_morning_reminder_goes_to_resident_cadres_without_a_check_in_once_per_day()
    {
        var cadre = fixture.Cadres["丙"];
        using var dispatch = new HttpClient { BaseAddress = fixture.DispatchRest };
        dispatch.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51"));
        using var started = await dispatch.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = "511702104203", force = "team_member", cadreId = cadre, startsOn = "2026-01-01" });
        started.StatusCode.ShouldBe(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());

        var today = DateTime.UtcNow.AddHours(8).Date;
        fixture.Clock.SetChinaTime(today.AddHours(9).AddMinutes(30).AddSeconds(5));
        try
        {
            // Jobs are off in this fixture (Notification:Jobs:Enabled=false): no scheduler runs, and today's 09:30 is run by hand.
            fixture.Notification.Services.GetService<Quartz.ISchedulerFactory>().ShouldBeNull();
            var jobs = fixture.Notification.Services.GetRequiredService<ScheduledJobRunner>();
            (await jobs.RunAsync(CheckInReminderJob.Name, ChinaToday(9, 30), CancellationToken.None)).ShouldBeTrue();
            (await jobs.RunAsync(CheckInReminderJob.Name, ChinaToday(9, 30), CancellationToken.None)).ShouldBeFalse(); // this occurrence ran
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM qrtz_scheduler_state")).ShouldBe(0);

            using var inbox = fixture.CadreClient("丙");
            await Eventually.HoldsAsync(async () => (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
                .Any(i => i.GetProperty("rule").GetString() == "check_in_missing"
                    && i.GetProperty("body").GetString() == $"丙同志：截至09:30，您{today:yyyy-MM-dd}尚未在511702104203驻村打卡，请及时打卡或请假。"),
                "the reminder is in the cadre's inbox");
        }
        finally
        {
            fixture.Clock.SetDaytime();
        }
    }

    [Fact]
    public async Task An_overdue_household_reminds_its_helper_and_from_the_second_miss_the_unit()
    {
        var household = Guid.NewGuid();
        var helper = fixture.Cadres["甲"];
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        await fixture.PublishAsync(new HouseholdContactOverdue(household, Village702, helper, "U-A", "2026-09", true, false), first);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = first.ToString() }) == 1,
            "the first miss is told to the helper");
        await fixture.PublishAsync(new HouseholdContactOverdue(household, Village702, helper, "U-A", "2026-10", true, true), second);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = second.ToString() }) == 2,
            "the second miss is told to the helper and the unit");
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id ORDER BY recipient", new { id = second.ToString() }))
            .ShouldBe([$"cadre:{helper}", "unit:U-A"]);
        (await fixture.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @id AND recipient LIKE 'cadre:%'", new { id = second.ToString() }))
            .ShouldBe($"您帮扶的农户（{household}，{Village702}）在2026-10未联系、未走访，请尽快联系走访。");
    }

    [Fact]
    public async Task A_household_under_monitoring_is_told_to_its_helper_and_the_township_and_an_overdue_one_to_the_county_too()
    {
        var helper = fixture.Cadres["乙"];
        var household = Guid.NewGuid();
        var flagged = Guid.NewGuid();
        var overdue = Guid.NewGuid();
        await fixture.PublishAsync(new HouseholdRiskFlagged(Guid.NewGuid(), household, Village702, "王大", "unstable_exited", ["income_below_line"], "rule",
            "人均纯收入6200.00元，低于监测线7500.00元", new DateOnly(2026, 12, 15), helper, "test", DateTimeOffset.UtcNow), flagged);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = flagged.ToString() }) == 2,
            "the flag is told to the helper and the township");
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id ORDER BY recipient", new { id = flagged.ToString() }))
            .ShouldBe([$"cadre:{helper}", "org:511702104"]);
        (await fixture.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @id AND recipient LIKE 'cadre:%'", new { id = flagged.ToString() }))
            .ShouldBe($"王大户（{Village702}）已纳入防返贫监测（脱贫不稳定户）：人均纯收入6200.00元，低于监测线7500.00元。请于2026-12-15前落实帮扶责任人和帮扶措施。");

        // Without a helper: the township and the county.
        await fixture.PublishAsync(new MonitoringResponseOverdue(Guid.NewGuid(), household, Village702, "王大", "marginal", new DateOnly(2026, 11, 20), null,
            DateTimeOffset.UtcNow), overdue);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = overdue.ToString() }) == 2,
            "the overdue case is told to the township and the county");
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id ORDER BY recipient", new { id = overdue.ToString() }))
            .ShouldBe(["org:511702", "org:511702104"]);
        (await fixture.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @id AND recipient = 'org:511702'", new { id = overdue.ToString() }))
            .ShouldBe($"防返贫监测户王大户（{Village702}，边缘易致贫户）应于2026-11-20前落实帮扶责任人和帮扶措施，现已逾期，请立即落实。");
    }

    [Fact]
    public async Task A_weak_village_is_told_to_its_first_secretary_and_township_and_a_removed_village_cadre_to_the_county()
    {
        // A cadre of this test's own, posted as the village's first secretary (the fixture's cadres hold posts of other tests).
        using var dispatch = new HttpClient { BaseAddress = fixture.DispatchRest };
        dispatch.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.County, "511703"));
        const string first17 = "51170319800707001";
        (await dispatch.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n"
            + $"{first17}{Platform.Security.PersonalData.CitizenId.CheckCharacter(first17)},庚书记,,U-B,科员,党建,是,,愿意\n"))).EnsureSuccessStatusCode();
        var secretary = (await dispatch.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "庚书记").GetProperty("id").GetGuid();
        (await dispatch.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = Village703, force = "first_secretary", cadreId = secretary, startsOn = "2026-01-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var flagged = Guid.NewGuid();
        await fixture.PublishAsync(new VillageRectificationFlagged(Guid.NewGuid(), Village703, "金山村", "组织生活不正常", new DateOnly(2027, 3, 31), 2, "test",
            DateTimeOffset.UtcNow), flagged);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = flagged.ToString() }) == 2,
            "the flag is told to the first secretary and the township");
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id ORDER BY recipient", new { id = flagged.ToString() }))
            .ShouldBe([$"cadre:{secretary}", "org:511703105"]);
        (await fixture.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @id AND recipient = 'org:511703105'", new { id = flagged.ToString() }))
            .ShouldBe($"金山村（{Village703}）党组织列为软弱涣散村，须于2027-03-31前完成整顿，整改问题2个。原因：组织生活不正常");

        // An appointment reaches subscribers only; a removal (撤换) the county's organisation department.
        var appointed = Guid.NewGuid();
        var removed = Guid.NewGuid();
        var person = Guid.NewGuid();
        await fixture.PublishAsync(new VillageCommitteeChanged(Guid.NewGuid(), Village703, "金山村", person, "李主任", "villagers_committee", "director", "appointed", null,
            null, new DateOnly(2024, 1, 1), "test", DateTimeOffset.UtcNow), appointed);
        await fixture.PublishAsync(new VillageCommitteeChanged(Guid.NewGuid(), Village703, "金山村", person, "李主任", "villagers_committee", "director", "ended", "removed",
            "履职不力", new DateOnly(2026, 11, 30), "test", DateTimeOffset.UtcNow), removed);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = removed.ToString() }) == 1,
            "the removal is told to the county");
        (await fixture.ScalarAsync<string>("SELECT recipient || ' ' || body FROM notifications WHERE source_id = @id", new { id = removed.ToString() }))
            .ShouldBe($"org:511703 金山村（{Village703}）村民委员会主任李主任已于2026-11-30被撤换。原因：履职不力");
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @id", new { id = appointed }) == 1,
            "the appointment was consumed");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = appointed.ToString() })).ShouldBe(0);
    }

    [Fact]
    public async Task A_leave_decision_in_dispatch_reaches_the_cadre()
    {
        var cadre = fixture.Cadres["戊"];
        using var dispatch = new HttpClient { BaseAddress = fixture.DispatchRest };
        dispatch.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.County, "511702"));
        (await dispatch.PostAsJsonAsync("/api/dispatch/assignments", new { villageCode = Village702, force = "team_member", cadreId = cadre, startsOn = "2026-01-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        using var requested = await dispatch.PostAsJsonAsync("/api/dispatch/leave", new { cadreId = cadre, startsOn = "2026-12-01", endsOn = "2026-12-02", reason = "家中有事" });
        requested.StatusCode.ShouldBe(HttpStatusCode.Created, await requested.Content.ReadAsStringAsync());
        var leave = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await dispatch.PostAsJsonAsync($"/api/dispatch/leave/{leave}/decision", new { approve = false, note = "工作繁忙" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var inbox = fixture.CadreClient("戊");
        await Eventually.HoldsAsync(async () => (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
            .Any(i => i.GetProperty("rule").GetString() == "leave_decided"
                && i.GetProperty("body").GetString() == "戊同志：您2026-12-01至2026-12-02共2天的请假申请未批准。审批意见：工作繁忙"),
            "LeaveDecided travels from dispatch's outbox to the cadre's inbox");
    }

    [Fact]
    public async Task A_gap_still_open_after_seven_days_is_reported_again_and_a_filled_one_is_closed()
    {
        var today = DateTime.UtcNow.AddHours(8).Date;
        await fixture.ExecuteAsync("INSERT INTO coverage_gaps (village_code, force, opened_on) VALUES ('511703105202', 'first_secretary', @old), ('511703105202', 'team_member', @old)",
            new { old = today.AddDays(-10) });
        fixture.Clock.SetChinaTime(today.AddHours(9).AddSeconds(5));
        try
        {
            (await fixture.Notification.Services.GetRequiredService<ScheduledJobRunner>().RunAsync(CoverageGapFollowUpJob.Name, ChinaToday(9, 0), CancellationToken.None))
                .ShouldBeTrue();
        }
        finally
        {
            fixture.Clock.SetDaytime();
        }

        (await fixture.QueryAsync<string>("SELECT body FROM notifications WHERE rule = 'coverage_gap_still_open' AND region_code = '511703105202'"))
            .ShouldBe([$"511703105202的第一书记自{today.AddDays(-10):yyyy-MM-dd}起空缺已10天，请尽快选派补位。"]);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM coverage_gaps WHERE village_code = '511703105202' AND closed_on IS NOT NULL")).ShouldBe(1); // not a missing force there
    }

    [Fact]
    public async Task A_grpc_js_client_sends_a_notification_once_per_key()
    {
        var address = $"{fixture.NotificationGrpc.Host}:{fixture.NotificationGrpc.Port}";
        string[] Args(string key) =>
        [
            "notify", "--address", address, "--token", TestSettings.Token(Roles.County, "511702", "node-service"), "--key", key,
            "--recipient", $"cadre:{fixture.Cadres["丁"]}", "--region", Village702, "--title", "来自 grpc-js 的消息",
        ];
        var first = await NodeInterop.RunClientAsync(Args("node-1"));
        first.GetProperty("ok").GetBoolean().ShouldBeTrue(first.ToString());
        first.GetProperty("created").GetBoolean().ShouldBeTrue();
        var again = await NodeInterop.RunClientAsync(Args("node-1"));
        again.GetProperty("created").GetBoolean().ShouldBeFalse();
        again.GetProperty("notificationId").GetString().ShouldBe(first.GetProperty("notificationId").GetString());
        (await fixture.ScalarAsync<string>("SELECT title FROM notifications WHERE id = @id", new { id = Guid.Parse(first.GetProperty("notificationId").GetString()!) }))
            .ShouldBe("来自 grpc-js 的消息");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_notification_api()
    {
        using var anonymous = fixture.Notification.CreateClient();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.ShouldContain("/api/notification/inbox");
        paths.ShouldContain("/api/notification/subscriptions");
        paths.ShouldContain("/api/notification/subscriptions/{id}/deliveries/{deliveryId}/replay");
        paths.ShouldContain("/api/notification/templates/{rule}");
    }

    [Fact]
    public async Task Assessment_s_red_flag_and_yellow_card_become_bulletins_once()
    {
        var flag = Guid.NewGuid();
        var awarded = new Platform.Contracts.IntegrationEvents.Assessment.V1.RedFlagAwarded(Guid.NewGuid(), "2026-10", "township", "511702", "511702104", "511702104",
            "511702104000", 96.5m, DateTimeOffset.UtcNow);
        await fixture.PublishAsync(awarded, flag);
        await fixture.PublishAsync(awarded, flag); // a redelivery
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = flag.ToString() }) == 1,
            "the red flag bulletin reached the county's organisation department");
        await Task.Delay(500);
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id", new { id = flag.ToString() })).ShouldBe(["org:511702"]);
        (await fixture.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @id", new { id = flag.ToString() }))
            .ShouldBe("2026-10月度考核，511702104在乡镇排名中位列第一（96.50分），获得流动红旗。");

        var card = Guid.NewGuid();
        await fixture.PublishAsync(new Platform.Contracts.IntegrationEvents.Assessment.V1.YellowCardIssued(Guid.NewGuid(), "2026-10", "work_team", Village702,
            $"{Village702}驻村工作队", Village702, "first_secretary_gap", "第一书记空缺已45天，超过30天", "assessment", DateTimeOffset.UtcNow), card);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = card.ToString() }) == 1,
            "the yellow card bulletin reached the county's organisation department");
        (await fixture.ScalarAsync<string>("SELECT title FROM notifications WHERE source_id = @id", new { id = card.ToString() })).ShouldBe("黄牌警示通报（2026-10）");
    }
    [Fact]
    public async Task An_annual_grade_tells_the_cadre_and_their_unit_and_a_veto_the_countys_organisation_department_once()
    {
        var cadre = Guid.NewGuid();
        var gradeEvent = Guid.NewGuid();
        var grade = new Platform.Contracts.IntegrationEvents.Assessment.V1.AnnualGradeConfirmed(Guid.NewGuid(), 2026, cadre, "甲", "U-A", Village702, "称职", false, null,
            "test-county-511702", DateTimeOffset.UtcNow);
        await fixture.PublishAsync(grade, gradeEvent);
        await fixture.PublishAsync(grade, gradeEvent); // a redelivery
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = gradeEvent.ToString() }) == 2,
            "the grade reached the cadre and their unit");
        await Task.Delay(500);
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id ORDER BY recipient", new { id = gradeEvent.ToString() }))
            .ShouldBe([$"cadre:{cadre}", "unit:U-A"]);
        (await fixture.ScalarAsync<string>("SELECT title FROM notifications WHERE source_id = @id LIMIT 1", new { id = gradeEvent.ToString() })).ShouldBe("2026年度考核等次通知");
        (await fixture.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @id LIMIT 1", new { id = gradeEvent.ToString() }))
            .ShouldBe("甲同志2026年度驻村第一书记考核等次确定为：称职。推荐提拔：否。");

        var vetoEvent = Guid.NewGuid();
        await fixture.PublishAsync(new Platform.Contracts.IntegrationEvents.Assessment.V1.CountyVetoed(Guid.NewGuid(), 2026, "511702", "通川区", "511702000000", "veto",
            "2026年度减贫目标未完成（脱贫退出90户，目标100户）", 0, "test-city-5117", DateTimeOffset.UtcNow), vetoEvent);
        await Eventually.HoldsAsync(async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE source_id = @id", new { id = vetoEvent.ToString() }) == 1,
            "the veto reached the county's organisation department");
        (await fixture.QueryAsync<string>("SELECT recipient FROM notifications WHERE source_id = @id", new { id = vetoEvent.ToString() })).ShouldBe(["org:511702"]);
        (await fixture.ScalarAsync<string>("SELECT body FROM notifications WHERE source_id = @id", new { id = vetoEvent.ToString() }))
            .ShouldBe("通川区2026年度减贫目标未完成（脱贫退出90户，目标100户），按规定实行一票否决：本年度该县驻村力量不得评为优秀、不得推荐提拔。");
    }
}
