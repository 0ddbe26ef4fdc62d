extern alias notification;
extern alias pairing;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;
using Platform.Scheduling;
using Platform.Security;
using ContactReminderJob = notification::Notification.Api.Scheduling.ContactReminderJob;
using OverdueNoticeJob = pairing::Pairing.Api.Features.Contacts.OverdueNoticeJob;

namespace Platform.IntegrationTests.Notification;

/// <summary>
/// The monthly reminder (每月联系提醒) across three real services: pairing knows who has not been contacted this month
/// (ListUncontactedHouseholds over gRPC, as notification's service token), notification tells each helper once.
/// </summary>
public sealed class ContactReminderTests(PairingFixture fixture) : IClassFixture<PairingFixture>, IAsyncLifetime
{
    private TestDatabase _database = null!;
    private NotificationHost _notification = null!;
    private readonly TestClock _clock = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("notify_contacts");
        var settings = NotificationFixture.Settings(_database, fixture.VirtualHost, fixture.DispatchGrpc);
        settings["Services:Pairing:Grpc"] = fixture.PairingGrpc.ToString();
        settings["Notification:Jobs:Enabled"] = "false";
        _notification = new NotificationHost(settings, _clock);
        await _notification.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await _notification.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Helpers_with_households_not_contacted_this_month_are_reminded_once_naming_those_households()
    {
        var helper = fixture.Cadres["丁"];
        using var county = fixture.Pairing.CreateClient(TestSettings.Token(Roles.County, "511702"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        foreach (var head in new[] { "李二", "张三" })
        {
            using var paired = await county.PostAsJsonAsync($"/api/pairing/households/{fixture.Households[head]}/helpers",
                new { cadreId = helper, role = "responsible", startsOn = "2026-01-01" });
            paired.StatusCode.ShouldBe(HttpStatusCode.Created, await paired.Content.ReadAsStringAsync());
        }

        // 张三 was called on the first of the month; 李二 was not.
        using var contact = await county.PostAsJsonAsync($"/api/pairing/households/{fixture.Households["张三"]}/contacts",
            new { cadreId = helper, kind = "call", contactedOn = monthStart, measures = "电话了解务工情况" });
        contact.StatusCode.ShouldBe(HttpStatusCode.Created, await contact.Content.ReadAsStringAsync());

        var nineToday = DateTime.UtcNow.AddHours(8).Date.AddHours(9);
        _clock.SetChinaTime(nineToday.AddSeconds(5));
        // Today's 09:00 occurrence, run by hand (jobs are off here) as Quartz would run it.
        var jobs = _notification.Services.GetRequiredService<ScheduledJobRunner>();
        var occurrence = new DateTimeOffset(DateTime.SpecifyKind(nineToday, DateTimeKind.Unspecified), TimeSpan.FromHours(8));
        (await jobs.RunAsync(ContactReminderJob.Name, occurrence, CancellationToken.None)).ShouldBeTrue();
        (await jobs.RunAsync(ContactReminderJob.Name, occurrence, CancellationToken.None)).ShouldBeFalse(); // this occurrence ran

        using var inbox = _notification.CreateClient(TestSettings.Token(Roles.Cadre, "511702", helper.ToString()));
        List<JsonElement> reminders = [];
        await Eventually.HoldsAsync(async () =>
        {
            reminders = (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("rule").GetString() == "contact_reminder").ToList();
            return reminders.Count > 0;
        }, "the reminder is in the helper's inbox");
        reminders.Count.ShouldBe(1);
        reminders[0].GetProperty("title").GetString().ShouldBe($"每月联系提醒（{today:yyyy-MM}）");
        reminders[0].GetProperty("body").GetString().ShouldBe("丁同志：您帮扶的1户（李二）本月尚未联系，请在月底前电话联系或入户走访并记录。");

        // Another helper's inbox has no reminder of 丁's households.
        using var other = _notification.CreateClient(TestSettings.Token(Roles.Cadre, "511702", fixture.Cadres["甲"].ToString()));
        (await other.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
            .ShouldNotContain(i => i.GetProperty("body").GetString()!.Contains("李二"));
    }

    [Fact]
    public async Task Once_a_month_is_over_pairing_publishes_its_overdue_households_once_and_notification_tells_the_helper()
    {
        // Daytime in China: in quiet hours (21:00-08:00) the notice would wait for the morning, so the test failed every
        // evening from 21:00 China time (13:00 UTC).
        _clock.SetChinaTime(DateTime.UtcNow.AddHours(8).Date.AddHours(10));
        var helper = fixture.Cadres["己"];
        var household = fixture.Households["孙六"];
        using var county = fixture.Pairing.CreateClient(TestSettings.Token(Roles.County, "511702"));
        using var paired = await county.PostAsJsonAsync($"/api/pairing/households/{household}/helpers", new { cadreId = helper, role = "responsible", startsOn = "2026-01-01" });
        paired.StatusCode.ShouldBe(HttpStatusCode.Created, await paired.Content.ReadAsStringAsync());

        // Nobody called or visited anyone last month: the worker publishes last month's notices, once.
        var lastMonth = DateTime.UtcNow.AddHours(8).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        // Every household with a helper was overdue last month (no contact recorded then); those are exactly what gets published.
        using var province = fixture.Pairing.CreateClient(TestSettings.Token(Roles.Province, "51"));
        var overdue = (await province.GetFromJsonAsync<JsonElement>($"/api/pairing/compliance?month={lastMonth}&prefix=51")).GetProperty("overdue").GetArrayLength();
        overdue.ShouldBeGreaterThanOrEqualTo(1); // at least 孙六, paired above
        // This month's occurrence of the monthly job (00:10 on the first, China time) publishes last month's notices.
        var jobs = fixture.Pairing.Services.GetRequiredService<ScheduledJobRunner>();
        var today = ChinaTime.Today();
        var occurrence = new DateTimeOffset(today.Year, today.Month, 1, 0, 10, 0, ChinaTime.Offset);
        (await jobs.RunAsync(OverdueNoticeJob.Name, occurrence, CancellationToken.None)).ShouldBeTrue();
        (await jobs.RunAsync(OverdueNoticeJob.Name, occurrence, CancellationToken.None)).ShouldBeFalse(); // the month is done
        var published = await fixture.PairingDb.ScalarAsync<long>("SELECT published FROM overdue_notice_runs WHERE period = @lastMonth", new { lastMonth });
        published.ShouldBe(overdue);
        (await fixture.PairingDb.ScalarAsync<long>("SELECT count(*) FROM overdue_notices WHERE household_id = @household AND period = @lastMonth",
            new { household, lastMonth })).ShouldBe(1);

        // HouseholdContactOverdue goes through pairing's outbox and RabbitMQ to notification, which tells the helper.
        using var inbox = _notification.CreateClient(TestSettings.Token(Roles.Cadre, "511702", helper.ToString()));
        await Eventually.HoldsAsync(async () => (await inbox.GetFromJsonAsync<JsonElement>("/api/notification/inbox")).GetProperty("items").EnumerateArray()
            .Any(i => i.GetProperty("rule").GetString() == "household_contact_overdue" && i.GetProperty("body").GetString()!.Contains(lastMonth)),
            "the helper was told of the overdue household");
    }
}
