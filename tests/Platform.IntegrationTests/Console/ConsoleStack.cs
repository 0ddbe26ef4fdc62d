extern alias assessment;
extern alias dispatch;
extern alias funds;
extern alias gateway;
extern alias pairing;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Platform.IntegrationTests.Identity;
using Platform.IntegrationTests.Infrastructure;
using Platform.IntegrationTests.Notification;
using Platform.Security;
using AssessmentProgram = assessment::Program;
using DispatchProgram = dispatch::Program;
using FundsProgram = funds::Program;
using GatewayProgram = gateway::Program;
using PairingProgram = pairing::Program;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The whole platform as a person meets it, for the console's browser tests: the identity service, dispatch, pairing,
/// assessment, notification and funds, the gateway and the console, each on Kestrel at a free port, on real PostgreSQL and
/// RabbitMQ; the services and the gateway validate the identity service's tokens from its discovery document. People
/// browse <see cref="Address"/> (the gateway, which serves the console at <c>/</c>) and sign in on the identity service's
/// own page; one headless Chromium (Debian's) for the whole collection, a fresh context per <see cref="SignInAsync"/>.
/// Seeded through the APIs: dispatch with <see cref="TwoCountyForces"/> (通川区's 青杠村 first secretary 甲 and technician 丙,
/// 白鹤村 first secretary 乙; 达川区's 金山村 first secretary 丁; 戊 serves nowhere); pairing with 通川区's households
/// (<see cref="Households"/>: six in 青杠村, two in 白鹤村, none paired) and helpers 甲 乙 丙 戊 of U-A in the pool, ready for a
/// county matching run; assessment with the city's scored month <see cref="ScoredMonth"/> (its counties ranked); the
/// accounts <see cref="CountyOfficial"/>, <see cref="ProvinceOfficial"/> and <see cref="FirstSecretary"/> with the
/// password <see cref="Password"/> and no forced change.
/// </summary>
public sealed class ConsoleStack : IdentityFixture
{
    public const string Collection = "console";

    /// <summary>Every test account's password (already changed from the initial one: no forced change at sign-in).</summary>
    public const string Password = "Console-Pass-2026";

    /// <summary>The month the city's scoring run ranked (the latest ranking the dashboard shows).</summary>
    public const string ScoredMonth = "2026-10";

    public const string ConsoleClientId = "console";

    /// <summary>An official of 通川区 (county 511702).</summary>
    public static readonly ConsoleAccount CountyOfficial = new("county-511702", "王丽", Roles.County, "511702");

    /// <summary>An official of the province (51).</summary>
    public static readonly ConsoleAccount ProvinceOfficial = new("province-51", "赵刚", Roles.Province, "51");

    /// <summary>Cadre 甲, first secretary of 青杠村 (511702104201); the user name is 甲's cadre id in dispatch.</summary>
    public static readonly ConsoleAccount FirstSecretary = new(string.Empty, "甲", Roles.Cadre, TwoCountyForces.Village1, Cadre: "甲");

    /// <summary>Where the phone of <see cref="SignInAsync"/> is: 青杠村 (the village's point in the region file).</summary>
    public static readonly Geolocation AtVillage1 = new() { Latitude = 31.212345f, Longitude = 107.501234f, Accuracy = 20 };

    private static readonly string[] HouseholdHeads = ["张秀英", "李建国", "王桂兰", "刘德明", "陈玉华", "杨志强", "赵淑芬", "黄永福"];

    private readonly Uri gatewayAddress = new($"http://127.0.0.1:{TestPorts.Free()}");
    private readonly Dictionary<string, Uri> rest = [];
    private readonly Dictionary<string, Uri> grpc = [];
    private IPlaywright playwright = null!;

    /// <summary>The address people browse: the gateway, which serves the console at <c>/</c> and the APIs at <c>/api/...</c>.</summary>
    public Uri Address => gatewayAddress;

    public TwoCountyForces Forces { get; private set; } = null!;

    /// <summary>Pairing's households of 通川区 by the head's name.</summary>
    public Dictionary<string, Guid> Households { get; } = [];

    public IBrowser Browser { get; private set; } = null!;

    public TestVirtualHost VirtualHost { get; private set; } = null!;
    public TestDatabase DispatchDb { get; private set; } = null!;
    public TestDatabase PairingDb { get; private set; } = null!;
    public TestDatabase AssessmentDb { get; private set; } = null!;
    public TestDatabase NotificationDb { get; private set; } = null!;
    public TestDatabase FundsDb { get; private set; } = null!;
    public ServiceHost<DispatchProgram> Dispatch { get; private set; } = null!;
    public ServiceHost<PairingProgram> Pairing { get; private set; } = null!;
    public ServiceHost<AssessmentProgram> Assessment { get; private set; } = null!;
    public NotificationHost Notification { get; private set; } = null!;
    public ServiceHost<FundsProgram> Funds { get; private set; } = null!;
    public ServiceHost<GatewayProgram> Gateway { get; private set; } = null!;
    public ConsoleHost Web { get; private set; } = null!;

    /// <summary>What the console's server logged as errors (a failed step prints those logged during it).</summary>
    public ConsoleServerErrors ServerErrors { get; } = new();

    /// <summary>The gateway's request log (one entry per request, its path without the query): what reached the APIs.</summary>
    public CapturedLogs GatewayLog { get; } = new();

    /// <summary>Notification's clock: daytime in China, so in-app notifications are delivered at once.</summary>
    public TestClock Clock { get; } = new();

    protected override bool OnKestrel => true;

    public override async Task InitializeAsync()
    {
        foreach (var service in new[] { "dispatch", "pairing", "assessment", "notification", "funds", "console" })
        {
            rest[service] = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
            grpc[service] = new Uri($"http://127.0.0.1:{TestPorts.Free()}");
        }

        // The services first (StartDependenciesAsync), then the identity service they validate tokens with.
        await base.InitializeAsync();
        rest["identity"] = Issuer;
        StartConsoleAndGateway();
        await Web.WaitUntilReadyAsync();
        await SeedAsync();
        foreach (var account in new[] { CountyOfficial, ProvinceOfficial, FirstSecretary })
        {
            await CreateAccountAsync(account);
        }

        playwright = await Playwright.CreateAsync();
        // The browser's own interface in Chinese (chromium-l10n, installed by deploy/local/browser.sh): the date and month
        // inputs it draws (2026年12月) follow LANGUAGE, as on an official's own browser. LANG stays as it is: a zh_CN
        // LANG that the machine has no locale for turns the file system's charset to ASCII, and a download named in
        // Chinese (村列表.xlsx) comes out as "download".
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty);
        environment["LANGUAGE"] = "zh_CN";
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--lang=zh-CN"],
            Env = environment,
        });
    }

    protected override async Task StartDependenciesAsync()
    {
        VirtualHost = await TestVirtualHost.CreateAsync("console");
        DispatchDb = await TestDatabase.CreateAsync("console_dispatch");
        PairingDb = await TestDatabase.CreateAsync("console_pairing");
        AssessmentDb = await TestDatabase.CreateAsync("console_assess");
        NotificationDb = await TestDatabase.CreateAsync("console_notify");
        FundsDb = await TestDatabase.CreateAsync("console_funds");

        Dispatch = new ServiceHost<DispatchProgram>(Service("dispatch", TestSettings.For(DispatchDb, VirtualHost)));
        Dispatch.UseKestrel();
        Dispatch.StartServer();
        Pairing = new ServiceHost<PairingProgram>(Service("pairing", TestSettings.For(PairingDb, VirtualHost)));
        Pairing.UseKestrel();
        Pairing.StartServer();
        Assessment = new ServiceHost<AssessmentProgram>(Service("assessment", TestSettings.For(AssessmentDb, VirtualHost)));
        Assessment.UseKestrel();
        Assessment.StartServer();
        Clock.SetDaytime();
        var notification = Service("notification", NotificationFixture.Settings(NotificationDb, VirtualHost, grpc["dispatch"].ToString()));
        notification["Notification:Jobs:Enabled"] = "false";
        Notification = new NotificationHost(notification, Clock);
        Notification.UseKestrel();
        Notification.StartServer();
        Funds = new ServiceHost<FundsProgram>(Service("funds", TestSettings.For(FundsDb, VirtualHost)));
        Funds.UseKestrel();
        Funds.StartServer();
    }

    /// <summary>A service's settings in this stack: its ports, the others' gRPC addresses, the identity service as the authority.</summary>
    private Dictionary<string, string?> Service(string name, Dictionary<string, string?> settings)
    {
        settings["Auth:Authority"] = Issuer.ToString();
        settings["Auth:Issuer"] = Issuer.ToString();
        settings["Services:Dispatch:Grpc"] = grpc["dispatch"].ToString();
        settings["Services:Pairing:Grpc"] = grpc["pairing"].ToString();
        settings["Kestrel:Endpoints:Rest:Url"] = rest[name].ToString();
        settings["Kestrel:Endpoints:Grpc:Url"] = grpc[name].ToString();
        settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        return settings;
    }

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Services:Dispatch:Grpc"] = grpc["dispatch"].ToString();
        // The console: a public client (code + PKCE) whose callbacks are at the address people browse, the gateway.
        settings["Identity:Clients:1:ClientId"] = ConsoleClientId;
        settings["Identity:Clients:1:DisplayName"] = "工作台";
        settings["Identity:Clients:1:RedirectUris"] = new Uri(Address, "/signin-oidc").ToString();
        settings["Identity:Clients:1:PostLogoutRedirectUris"] = new Uri(Address, "/signout-callback-oidc").ToString();
        return settings;
    }

    private void StartConsoleAndGateway()
    {
        Web = new ConsoleHost(new Dictionary<string, string?>
        {
            ["Auth:Authority"] = Issuer.ToString(),
            ["Console:PublicOrigin"] = Address.ToString().TrimEnd('/'),
            ["Console:GatewayAddress"] = Address.ToString().TrimEnd('/'),
            ["Console:ClientId"] = ConsoleClientId,
            // The most the setting allows (its default is 300 ms): these tests check what the first HTML holds, not how
            // fast it comes, and a whole stack in one process on two cores answers its first calls slowly.
            ["Console:PrerenderBudget"] = "00:00:05",
            ["Kestrel:Endpoints:Rest:Url"] = rest["console"].ToString(),
        }, ServerErrors);
        Web.UseKestrel();
        Web.StartServer();

        var settings = new Dictionary<string, string?>
        {
            ["Auth:Authority"] = Issuer.ToString(),
            ["Auth:Issuer"] = Issuer.ToString(),
            ["Auth:Audience"] = TestSettings.Auth.Audience,
            ["Kestrel:Endpoints:Rest:Url"] = Address.ToString().TrimEnd('/'),
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{TestPorts.Free()}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["ReverseProxy:Clusters:identity_rest:Destinations:primary:Address"] = Issuer.ToString(),
            ["ReverseProxy:Clusters:console:Destinations:primary:Address"] = rest["console"].ToString(),
            // One line per request (GatewayLog): which API calls the console made, e.g. none again once its circuit is up.
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging"] = "Information",
        };
        foreach (var service in new[] { "dispatch", "pairing", "assessment", "notification", "funds" })
        {
            settings[$"ReverseProxy:Clusters:{service}_rest:Destinations:primary:Address"] = rest[service].ToString();
            settings[$"ReverseProxy:Clusters:{service}_grpc:Destinations:primary:Address"] = grpc[service].ToString();
        }

        Gateway = new ServiceHost<GatewayProgram>(settings, services => services.AddSingleton<ILoggerProvider>(GatewayLog));
        Gateway.UseKestrel();
        Gateway.StartServer();
    }

    private async Task SeedAsync()
    {
        using (var province = Dispatch.CreateClient(await TokenAsync(Roles.Province, "51")))
        {
            Forces = await TwoCountyForces.SeedAsync(province);
        }

        // Villages and assignments reach pairing and assessment as events (outbox, RabbitMQ, inbox).
        await Eventually.HoldsAsync(async () => await PairingDb.ScalarAsync<long>("SELECT count(*) FROM villages") == 5, "pairing learned the 5 villages");
        using var county = Pairing.CreateClient(await TokenAsync(Roles.County, "511702"));
        var heads = HouseholdHeads.Select((name, i) =>
            $"{name},{PairingImportFiles.Head(i + 1)},{3 + (i % 3)},{(i < 6 ? TwoCountyForces.Village1 : TwoCountyForces.Village2)},{(i % 2 == 0 ? "因病" : "缺技术")},一般贫困,中,未脱贫\n");
        await OkAsync(county.PostAsync("/api/pairing/households/import",
            RegionFiles.Csv("户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n" + string.Concat(heads))));
        foreach (var household in (await county.GetFromJsonAsync<JsonElement>("/api/pairing/households")).GetProperty("items").EnumerateArray())
        {
            Households[household.GetProperty("headName").GetString()!] = household.GetProperty("id").GetGuid();
        }

        await OkAsync(county.PostAsync("/api/pairing/helpers/import",
            RegionFiles.Csv("干部ID\n" + string.Concat(new[] { "甲", "乙", "丙", "戊" }.Select(n => $"{Forces.Cadres[n]}\n")))));

        await Eventually.HoldsAsync(async () => await AssessmentDb.ScalarAsync<long>("SELECT count(*) FROM assignments") >= 4,
            "assessment learned the 4 assignments from dispatch's events");
        using var city = Assessment.CreateClient(await TokenAsync(Roles.City, "5117"));
        var run = (await OkAsync(city.PostAsJsonAsync("/api/assessment/scoring-runs", new { month = ScoredMonth, prefix = "5117" })))
            .GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await city.GetFromJsonAsync<JsonElement>($"/api/assessment/scoring-runs/{run}")).GetProperty("status").GetString() == "succeeded",
            "the city's scoring run succeeded", TimeSpan.FromSeconds(60));
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The account's user name: a cadre's is their id in dispatch.</summary>
    public string UserNameOf(ConsoleAccount account) => account.Cadre is { } cadre ? Forces.Cadres[cadre].ToString("D") : account.UserName;

    /// <summary>
    /// Creates <paramref name="account"/> through the admin API (as the province) and changes its initial password to
    /// <see cref="Password"/> on the identity service's own page, as the person would at the first sign-in, so that a
    /// browser signs in without the forced change.
    /// </summary>
    public async Task CreateAccountAsync(ConsoleAccount account)
    {
        const string Initial = "Initial-Pass-2026";
        var userName = UserNameOf(account);
        await CreateAccountAsync(new
        {
            userName,
            displayName = account.DisplayName,
            role = account.Role,
            region = account.Region,
            cadreId = account.Cadre is { } cadre ? Forces.Cadres[cadre] : (Guid?)null,
            initialPassword = Initial,
        });
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = Issuer };
        var flow = new CodeFlow(browser);
        using var signIn = await flow.SignInAsync(userName, Initial, "/account/signed-in");
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signIn.Content.ReadAsStringAsync());
        signIn.Headers.Location!.OriginalString.ShouldStartWith("/account/change-password");
        using var changed = await flow.ChangePasswordAsync(Initial, Password, "/account/signed-in");
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect, await changed.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// A fresh browser (its own cookies) that opens the console at <paramref name="path"/> (default <c>/</c>, a phone
    /// <c>/m</c>), is sent to the identity service's sign-in page, signs in as <paramref name="account"/> and returns once
    /// back on the console with the page interactive (with <paramref name="circuit"/> false, Blazor's script is blocked and it
    /// returns once the server's page is there: no circuit ever starts). A phone is 360×740 with touch, its position at 青杠村
    /// (<see cref="AtVillage1"/>) with the geolocation permission granted; a desktop is 1440×900.
    /// </summary>
    public async Task<ConsoleSession> SignInAsync(ConsoleAccount account, bool phone = false, string? path = null, bool circuit = true,
        [CallerMemberName] string test = "")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            ViewportSize = phone ? new ViewportSize { Width = 360, Height = 740 } : new ViewportSize { Width = 1440, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
            DeviceScaleFactor = phone ? 2 : 1,
            Geolocation = phone ? AtVillage1 : null,
            Permissions = phone ? ["geolocation"] : [],
        });
        context.SetDefaultTimeout(15_000);
        if (!circuit)
        {
            // Without Blazor's script no circuit starts: the page is only what the server rendered. Its name carries a
            // fingerprint (blazor.web.<hash>.js, MapStaticAssets).
            await context.RouteAsync("**/_framework/blazor.web*.js*", route => route.AbortAsync());
        }

        var page = await context.NewPageAsync();
        var session = new ConsoleSession(context, page, Address, ServerErrors, test);
        await session.StepAsync("sign-in", async () =>
        {
            await page.GotoAsync(new Uri(Address, path ?? (phone ? "/m" : "/")).ToString());
            await page.GetByLabel("用户名", new() { Exact = true }).FillAsync(UserNameOf(account));
            await page.GetByLabel("密码", new() { Exact = true }).FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => url.StartsWith(Address.ToString(), StringComparison.Ordinal) && !url.Contains("/signin-oidc", StringComparison.Ordinal));
            if (circuit)
            {
                await session.WaitUntilInteractiveAsync();
            }
        });
        return session;
    }

    /// <summary>The paths of the requests the gateway answered (its request log, in the order they ended; no query strings).</summary>
    public IReadOnlyList<string> GatewayPaths() => GatewayLog.Entries
        .Where(e => e.Category.StartsWith("Microsoft.AspNetCore.HttpLogging", StringComparison.Ordinal))
        .Select(e => Regex.Match(e.Message, @"^Path: (\S+)", RegexOptions.Multiline))
        .Where(m => m.Success)
        .Select(m => m.Groups[1].Value)
        .ToList();

    /// <summary>A real access token of the identity service for test setup (<see cref="IdentityFixture.TokenAsync"/>).</summary>
    public HttpClient Api(string token)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await Gateway.DisposeAsync();
        await Web.DisposeAsync();
        await base.DisposeAsync();
        await Funds.DisposeAsync();
        await Notification.DisposeAsync();
        await Assessment.DisposeAsync();
        await Pairing.DisposeAsync();
        await Dispatch.DisposeAsync();
        await VirtualHost.DisposeAsync();
        foreach (var database in new[] { DispatchDb, PairingDb, AssessmentDb, NotificationDb, FundsDb })
        {
            await database.DisposeAsync();
        }
    }
}

/// <summary>The console's browser tests share one stack and one browser, one test at a time.</summary>
[CollectionDefinition(ConsoleStack.Collection)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleStack>;
