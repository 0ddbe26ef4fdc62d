extern alias dispatch;

using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;
using Platform.Security.PersonalData;
using DispatchProgram = dispatch::Program;

namespace Platform.IntegrationTests.Notification;

/// <summary>
/// Dispatch (recipients over gRPC, events through its outbox) and notification on real Kestrel sockets, one RabbitMQ
/// virtual host, a webhook receiver on its own port, and a test clock set to daytime in China.
/// </summary>
public sealed class NotificationFixture : IAsyncLifetime
{
    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase NotificationDb { get; private set; } = null!;
    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public NotificationHost Notification { get; private set; } = null!;
    public WebhookReceiver Receiver { get; private set; } = null!;
    public TestClock Clock { get; } = new();
    public Dictionary<string, Guid> Cadres { get; } = [];
    public Uri DispatchRest { get; private set; } = null!;
    public Uri NotificationGrpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DispatchDb = await TestDatabase.CreateAsync("notify_dispatch");
        NotificationDb = await TestDatabase.CreateAsync("notify");
        VirtualHost = await TestVirtualHost.CreateAsync("notification");
        Receiver = await WebhookReceiver.StartAsync();
        var dispatchGrpc = $"http://127.0.0.1:{TestPorts.Free()}";
        var dispatchSettings = TestSettings.For(DispatchDb, VirtualHost);
        dispatchSettings["Services:Pairing:Grpc"] = "http://127.0.0.1:1";
        dispatchSettings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        dispatchSettings["Kestrel:Endpoints:Grpc:Url"] = dispatchGrpc;
        dispatchSettings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        Dispatch = new ServiceHost<DispatchProgram>(dispatchSettings);
        Dispatch.UseKestrel();
        Dispatch.StartServer();

        Clock.SetDaytime();
        NotificationGrpc = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        var settings = Settings(NotificationDb, VirtualHost, dispatchGrpc);
        settings["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{TestPorts.Free()}";
        settings["Kestrel:Endpoints:Grpc:Url"] = NotificationGrpc.ToString();
        settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        settings["Notification:Jobs:Enabled"] = "false";
        Notification = new NotificationHost(settings, Clock);
        Notification.UseKestrel();
        Notification.StartServer();
        await Notification.WaitUntilReadyAsync();

        DispatchRest = new Uri(dispatchSettings["Kestrel:Endpoints:Rest:Url"]!);
        using var province = new HttpClient { BaseAddress = DispatchRest };
        province.DefaultRequestHeaders.Authorization = new("Bearer", TestSettings.Token(Roles.Province, "51"));
        (await province.PostAsync("/api/dispatch/regions/import", RegionFiles.Csv(RegionFiles.TwoCounties()))).EnsureSuccessStatusCode();
        (await province.PostAsync("/api/dispatch/units/import", RegionFiles.Csv("单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-A,通川区农业农村局,县,511702000000,王局长,45\nU-B,达川区教育局,县,511703000000,李局长,30\n"))).EnsureSuccessStatusCode();
        var lines = new[] { ("甲", "U-A"), ("乙", "U-A"), ("丙", "U-B"), ("丁", "U-A"), ("戊", "U-A") }.Select((p, i) =>
        {
            var first17 = $"5117021981020{i + 1}00{i}";
            return $"{first17}{CitizenId.CheckCharacter(first17)},{p.Item1},,{p.Item2},科员,农业技术,是,,愿意";
        });
        (await province.PostAsync("/api/dispatch/cadres/import", RegionFiles.Csv("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n" + string.Join('\n', lines) + "\n"))).EnsureSuccessStatusCode();
        foreach (var cadre in (await province.GetFromJsonAsync<JsonElement>("/api/dispatch/cadres")).GetProperty("items").EnumerateArray())
        {
            Cadres[cadre.GetProperty("name").GetString()!] = cadre.GetProperty("id").GetGuid();
        }
    }

    /// <summary>Notification settings for tests: fast polling, short retries, a 4-second give-up.</summary>
    public static Dictionary<string, string?> Settings(TestDatabase database, TestVirtualHost virtualHost, string dispatchGrpc)
    {
        var settings = TestSettings.For(database, virtualHost);
        settings["Services:Dispatch:Grpc"] = dispatchGrpc;
        settings["Services:Pairing:Grpc"] = "http://127.0.0.1:1";
        settings["Notification:Delivery:PollInterval"] = "00:00:00.100";
        settings["Notification:Delivery:RetryBaseDelay"] = "00:00:00.200";
        settings["Notification:Delivery:RetryMaxDelay"] = "00:00:00.500";
        settings["Notification:Delivery:GiveUpAfter"] = "00:00:04";
        settings["Notification:Delivery:Lease"] = "00:00:10";
        settings["Notification:Webhooks:AllowPrivateNetworks"] = "true"; // the test receiver listens on 127.0.0.1
        return settings;
    }

    /// <summary>Publishes an event into the shared virtual host with a chosen MessageId (a broker redelivery is the same id twice).</summary>
    public async Task PublishAsync<T>(T message, Guid messageId)
        where T : class
    {
        var bus = Notification.Services.GetRequiredService<IBus>();
        await bus.Publish(message, context => context.MessageId = messageId);
    }

    public Task<T> ScalarAsync<T>(string sql, object? args = null) => NotificationDb.ScalarAsync<T>(sql, args);

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var dataSource = NotificationDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var dataSource = NotificationDb.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, args);
    }

    public HttpClient Client(string token) => Notification.CreateClient(token);

    public HttpClient CadreClient(string name) => Notification.CreateClient(TestSettings.Token(Roles.Cadre, "511702", Cadres[name].ToString()));

    public async Task DisposeAsync()
    {
        await Notification.DisposeAsync();
        await Dispatch.DisposeAsync();
        await Receiver.DisposeAsync();
        await VirtualHost.DisposeAsync();
        await NotificationDb.DisposeAsync();
        await DispatchDb.DisposeAsync();
    }
}
