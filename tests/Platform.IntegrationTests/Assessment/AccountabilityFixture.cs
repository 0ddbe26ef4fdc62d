using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;
using Platform.Security;

namespace Platform.IntegrationTests.Assessment;

/// <summary>
/// The stack (<see cref="AssessmentStack"/>) with notification beside it, for the accountability register: 青杠村
/// (511702104201) served by its first secretary 甲 (通川区农业农村局, whose head is 王局长), its team leader 丁 and its contact
/// leader 丙; 金山村 of 达川区 (511703105201) by 乙 (达川区教育局). Register events reach notification through RabbitMQ.
/// </summary>
public sealed class AccountabilityFixture() : AssessmentStack("account")
{
    public const string VillageA = "511702104201";
    public const string VillageB = "511703105201";

    public TestDatabase NotificationDb { get; private set; } = null!;
    public NotificationHost Notification { get; private set; } = null!;
    public TestClock NotificationClock { get; } = new();

    protected override async Task SeedAsync()
    {
        using var province = DispatchClient(Roles.Province, "51");
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        await ImportPeopleAsync(province, "U-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n",
            [("甲", "U-A"), ("乙", "U-B"), ("丙", "U-A"), ("丁", "U-A")], "1986060");

        Assignments["甲"] = await AssignAsync(province, new { villageCode = VillageA, force = "first_secretary", cadreId = Cadres["甲"], startsOn = "2026-01-01" });
        Assignments["丁"] = await AssignAsync(province, new { villageCode = VillageA, force = "team_leader", cadreId = Cadres["丁"], startsOn = "2026-01-01" });
        Assignments["丙"] = await AssignAsync(province, new { villageCode = VillageA, force = "contact_leader", cadreId = Cadres["丙"], startsOn = "2026-01-01" });
        await AssignAsync(province, new { villageCode = VillageA, force = "assisting_unit", unitCode = "U-A", startsOn = "2026-01-01" });
        Assignments["乙"] = await AssignAsync(province, new { villageCode = VillageB, force = "first_secretary", cadreId = Cadres["乙"], startsOn = "2026-01-01" });
        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") == 5,
            "assessment learned the 5 assignments from dispatch's events");

        NotificationDb = await TestDatabase.CreateAsync("account_notify");
        NotificationClock.SetDaytime();
        var settings = NotificationFixture.Settings(NotificationDb, VirtualHost, DispatchGrpc);
        settings["Notification:Jobs:Enabled"] = "false";
        Notification = new NotificationHost(settings, NotificationClock);
        await Notification.WaitUntilReadyAsync();
    }

    public HttpClient Client(string role, string scope) => Assessment.CreateClient(TestSettings.Token(role, scope));

    /// <summary>Publishes an event into the stack's virtual host again under a new MessageId (a repeat from elsewhere, not the broker's redelivery).</summary>
    public async Task<Guid> PublishAgainAsync<T>(T message)
        where T : class
    {
        var bus = Notification.Services.GetRequiredService<IBus>();
        var id = Guid.NewGuid();
        await bus.Publish(message, context => context.MessageId = id);
        return id;
    }

    /// <summary>Records an entry by hand through REST and returns the answer (status checked by the caller).</summary>
    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> RecordAsync(HttpClient client, object entry)
    {
        using var response = await client.PostAsJsonAsync("/api/assessment/accountability/entries", entry);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public override async Task DisposeAsync()
    {
        await Notification.DisposeAsync();
        await base.DisposeAsync();
        await NotificationDb.DisposeAsync();
    }
}
