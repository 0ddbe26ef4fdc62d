using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Playwright;

// Console benchmark (not a test): see Platform.ConsoleBenchmark.csproj and tests/benchmarks/console.sh.
// Usage: Platform.ConsoleBenchmark --gateway URL --identity URL --admin-token TOKEN [--role county|province] [--region CODE]
//        [--samples N] [--warmup N] [--screenshot PATH]
var options = Options.Parse(args);
using var admin = new HttpClient { BaseAddress = options.Gateway };
admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminToken);

// The benchmark's own official of the demo county (or province), beside the demo accounts: the demo accounts' printed
// passwords must keep working, and an account must change its initial password at the first sign-in. Each run gives it a
// fresh initial password (created, or reset through the admin API) and changes it once in the browser, as a person would.
var account = options.Role == "province"
    ? new BenchAccount("bench-province", "省级管理员（演示）", "province", options.Region ?? "51")
    : new BenchAccount("bench-county", "县级管理员（演示）", "county", options.Region ?? "511702");
var initial = NewPassword();
var password = NewPassword();
await PrepareAccountAsync(admin, account, initial);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
var desktop = new BrowserNewContextOptions { Locale = "zh-CN", TimezoneId = "Asia/Shanghai", ViewportSize = new() { Width = 1440, Height = 900 } };

await using (var first = await browser.NewContextAsync(desktop))
{
    var page = await first.NewPageAsync();
    await SignInAsync(page, initial, changeTo: password);
    await WaitForDashboardAsync(page);
}

// The numbers are visible when every card's content is in the page, whether the server rendered it or the circuit: the
// coverage, attendance and compliance figures, the region table's rows, the ranking (or 暂无). Polled on animation
// frames, which the browser runs only once it can paint (its stylesheets loaded).
const string NumbersShown = """
    (() => {
      const value = id => document.querySelector(`[data-testid="${id}"] .ant-statistic-content-value`);
      return !!(value('coverage-villages') && value('attendance-cadres') && value('compliance-households')
        && document.querySelector('[data-testid="region-coverage"] tbody tr.ant-table-row')
        && (document.querySelector('[data-testid="ranking"]') || document.querySelector('[data-testid="ranking-none"]')));
    })()
    """;

var baseline = new List<double>();
var load = new List<double>();
var numbers = new List<double>();
var interactive = new List<double>();
var signInToContent = new List<double>();
var firstByte = new List<double>();
var script = new List<double>();
var negotiated = new List<double>();
var framesSent = new List<double>();
var framesReceived = new List<double>();
var prerendered = 0;
for (var sample = -options.Warmup; sample < options.Samples; sample++)
{
    // A fresh context each time: no cookies, an empty cache, as a person opening the console in the morning.
    await using var context = await browser.NewContextAsync(desktop);
    var page = await context.NewPageAsync();
    var clock = Stopwatch.StartNew();
    await page.GotoAsync(new Uri(options.Identity, "/account/login").ToString());
    await page.GetByLabel("用户名", new() { Exact = true }).WaitForAsync();
    var baselineMs = clock.Elapsed.TotalMilliseconds;

    var signedIn = await SignInAsync(page, password);
    await WaitForDashboardAsync(page);
    var signInMs = signedIn.Elapsed.TotalMilliseconds;

    // The circuit's messages until the page is interactive (Blazor's WebSocket; AntDesign's first-render interop is most of them).
    var sent = 0;
    var received = 0;
    page.WebSocket += (_, socket) =>
    {
        socket.FrameSent += (_, _) => Interlocked.Increment(ref sent);
        socket.FrameReceived += (_, _) => Interlocked.Increment(ref received);
    };

    // Timed from the navigation's start, not its load event: the numbers may be shown before it.
    clock.Restart();
    var document = await page.GotoAsync(new Uri(options.Gateway, "/").ToString(), new() { WaitUntil = WaitUntilState.Commit });
    await WaitForNumbersAsync(page);
    var numbersMs = clock.Elapsed.TotalMilliseconds;
    await WaitForDashboardAsync(page);
    var interactiveMs = clock.Elapsed.TotalMilliseconds;
    var (sentToInteractive, receivedToInteractive) = (Volatile.Read(ref sent), Volatile.Read(ref received));
    await page.WaitForLoadStateAsync(LoadState.Load);
    // The browser's own clock (navigation timing), from the navigation's start.
    var loadMs = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].loadEventStart");
    var firstByteMs = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].responseStart");
    // Where the circuit's start goes: Blazor's script fetched, then its negotiation answered (the WebSocket follows).
    var scriptMs = await page.EvaluateAsync<double>("() => performance.getEntriesByType('resource').find(e => e.name.includes('/_framework/blazor.web'))?.responseEnd ?? 0");
    var negotiatedMs = await page.EvaluateAsync<double>("() => performance.getEntriesByType('resource').find(e => e.name.includes('/_blazor/negotiate'))?.responseEnd ?? 0");
    // The server's HTML itself: every card rendered with its data (none spinning), or some left to the circuit.
    var html = document is null ? string.Empty : await document.TextAsync();
    var complete = html.Contains("data-testid=\"coverage-villages\"", StringComparison.Ordinal) && !html.Contains("ant-spin-spinning", StringComparison.Ordinal);
    if (sample >= 0)
    {
        firstByte.Add(firstByteMs);
        script.Add(scriptMs);
        negotiated.Add(negotiatedMs);
        framesSent.Add(sentToInteractive);
        framesReceived.Add(receivedToInteractive);
        prerendered += complete ? 1 : 0;
        baseline.Add(baselineMs);
        load.Add(loadMs);
        numbers.Add(numbersMs);
        interactive.Add(interactiveMs);
        signInToContent.Add(signInMs);
    }
}

var goal = account.Role == "province" ? 2000 : 1000;
Console.WriteLine(Invariant($"Console first render as {account.UserName} ({account.Role} {account.Region}) at {options.Gateway}: {options.Samples} samples after {options.Warmup} warm-up,"));
Console.WriteLine(Invariant($"headless chromium at 1440x900, a fresh browser context each (no cookies, empty cache); {Environment.ProcessorCount} cores shared by the browser and the platform; load average {LoadAverage()}"));
Console.WriteLine();
Console.WriteLine($"{"what",-70} {"median ms",10} {"p95 ms",10} {"x baseline",10}");
Row("baseline: identity sign-in page, navigation to form shown", baseline);
Row("dashboard: navigation to numbers visible (circuit or not)", numbers);
Row("dashboard: navigation to interactive (circuit up, none loading)", interactive);
Row("dashboard: navigation to the server's first byte (browser's timing)", firstByte);
Row("dashboard: navigation to load event (browser's timing)", load);
Row("dashboard: navigation to Blazor's script fetched (browser's timing)", script);
Row("dashboard: navigation to the circuit's negotiation answered", negotiated);
Row("sign-in: 登录 clicked to interactive dashboard", signInToContent);
Console.WriteLine();
Console.WriteLine(Invariant($"server-rendered page with every card's data (none left to the circuit): {prerendered} of {options.Samples}"));
Console.WriteLine(Invariant($"circuit messages until interactive (median): {Median(framesSent):F0} sent by the browser, {Median(framesReceived):F0} received"));
foreach (var (what, values) in new[] { ("numbers visible", numbers), ("interactive", interactive) })
{
    Console.WriteLine(Invariant($"goal (issue 19): first page <= {goal} ms ({account.Role}), {what}: median {Median(values):F0} ms, p95 {Percentile(values, 0.95):F0} ms: {(Percentile(values, 0.95) <= goal ? "met" : "NOT met")} at p95"));
}

if (options.Screenshot is { } path)
{
    await using var context = await browser.NewContextAsync(desktop);
    var page = await context.NewPageAsync();
    await SignInAsync(page, password);
    await WaitForDashboardAsync(page);
    // ECharts draws its series with a short animation; the picture waits for the drawn chart.
    await page.WaitForTimeoutAsync(1500);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    await page.ScreenshotAsync(new() { Path = path });
    Console.WriteLine($"screenshot of the dashboard (1440x900): {path}");
}

return 0;

void Row(string what, List<double> values) =>
    Console.WriteLine(Invariant($"{what,-70} {Median(values),10:F0} {Percentile(values, 0.95),10:F0} {Median(values) / Median(baseline),10:F2}"));

async Task<Stopwatch> SignInAsync(IPage page, string secret, string? changeTo = null)
{
    await page.GotoAsync(new Uri(options.Gateway, "/").ToString());
    await page.GetByLabel("用户名", new() { Exact = true }).FillAsync(account.UserName);
    await page.GetByLabel("密码", new() { Exact = true }).FillAsync(secret);
    var clock = Stopwatch.StartNew();
    await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
    if (changeTo is not null)
    {
        await page.GetByLabel("当前密码", new() { Exact = true }).FillAsync(secret);
        await page.GetByLabel("新密码", new() { Exact = true }).FillAsync(changeTo);
        await page.GetByLabel("确认新密码", new() { Exact = true }).FillAsync(changeTo);
        await page.GetByRole(AriaRole.Button, new() { Name = "修改密码", Exact = true }).ClickAsync();
    }

    await page.WaitForURLAsync(url => url.StartsWith(options.Gateway.ToString(), StringComparison.Ordinal) && !url.Contains("/signin-oidc", StringComparison.Ordinal));
    return clock;
}

Task WaitForNumbersAsync(IPage page) => page.WaitForFunctionAsync($"() => {NumbersShown}", null, new() { Timeout = 60_000 });

// Interactive: the circuit is up, the numbers are shown and no card is still loading (a card spins while it loads).
Task WaitForDashboardAsync(IPage page) => page.WaitForFunctionAsync(
    $"() => document.querySelector('[data-console-interactive]') && {NumbersShown} && !document.querySelector('.ant-spin-spinning')",
    null, new() { Timeout = 60_000 });

static async Task PrepareAccountAsync(HttpClient admin, BenchAccount account, string initial)
{
    using var created = await admin.PostAsJsonAsync("/api/identity/accounts",
        new { userName = account.UserName, displayName = account.DisplayName, role = account.Role, region = account.Region, initialPassword = initial });
    if (created.StatusCode == HttpStatusCode.Conflict)
    {
        using var reset = await admin.PostAsJsonAsync($"/api/identity/accounts/{account.UserName}/reset-password", new { initialPassword = initial });
        await EnsureAsync(reset, $"resetting {account.UserName}'s password");
        return;
    }

    await EnsureAsync(created, $"creating {account.UserName}");
}

static async Task EnsureAsync(HttpResponseMessage response, string what)
{
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

// Upper, lower and digits, at least 10 characters: the identity service's password rules.
static string NewPassword() => "Bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant() + "-X9";

static double Median(List<double> values) => Percentile(values, 0.5);

// Nearest rank.
static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

internal sealed record BenchAccount(string UserName, string DisplayName, string Role, string Region);

internal sealed record Options(Uri Gateway, Uri Identity, string AdminToken, string Role, string? Region, int Samples, int Warmup, string? Screenshot)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required");
        return new Options(
            new Uri(Required("--gateway")),
            new Uri(Required("--identity")),
            Required("--admin-token"),
            values.GetValueOrDefault("--role", "county"),
            values.GetValueOrDefault("--region"),
            int.Parse(values.GetValueOrDefault("--samples", "20"), CultureInfo.InvariantCulture),
            int.Parse(values.GetValueOrDefault("--warmup", "2"), CultureInfo.InvariantCulture),
            values.GetValueOrDefault("--screenshot"));
    }
}
