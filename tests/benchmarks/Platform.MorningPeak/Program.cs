using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Security;

// The morning peak (domain.md §8: about 60,000 check-ins a day, most between 08:00 and 09:30) compressed into a few
// minutes through the gateway, with province dashboards read at the same time. Not a test; run it by hand with
// tests/benchmarks/morning-peak.sh. Check-ins arrive on an open-loop schedule (each starts at its planned moment whatever the
// answers do, so a slow server shows as latency, not as a slower test) shaped like the morning: sin² over the window,
// peak at twice the mean. Dashboards are read by a few closed-loop readers with a province token. The resident memory of
// every service is sampled each second from /proc.
// Usage: dotnet Platform.MorningPeak.dll --gateway URL --key-file FILE --run-dir .local/run [--check-ins 60000] [--seconds 300]
//        [--readers 4] [--scope 51] [--month yyyy-MM]
var options = Options.Parse(args);
var auth = new AuthOptions { Issuer = "platform-dev", Audience = "platform", SigningKey = File.ReadAllText(options.KeyFile).Trim() };
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    BaseAddress = new Uri(options.Gateway), Timeout = TimeSpan.FromSeconds(60),
};
var reader = DevelopmentTokens.Create(auth, "morning-peak-reader", [Roles.Province], options.Scope);
var month = options.Month ?? DateTime.UtcNow.AddHours(8).ToString("yyyy-MM", CultureInfo.InvariantCulture);

// Resident cadres (those with a post this month) and their villages' positions, read once through the API.
var posts = new List<(Guid Cadre, double Longitude, double Latitude)>();
var villages = new Dictionary<string, (double Longitude, double Latitude)>(StringComparer.Ordinal);
string? after = null;
var setupCallers = 0;
do
{
    var page = await Get<JsonElement>($"/api/dispatch/attendance/monthly?month={month}&limit=1000{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}",
        reader);
    foreach (var item in page.GetProperty("items").EnumerateArray())
    {
        var code = item.GetProperty("villageCode").GetString()!;
        if (!villages.TryGetValue(code, out var position))
        {
            // Each village read under its own subject: the gateway limits each caller's rate, and set-up is not the test.
            var token = DevelopmentTokens.Create(auth, $"morning-peak-setup-{setupCallers++ / 50}", [Roles.Province], options.Scope);
            var location = (await Get<JsonElement>($"/api/dispatch/villages/{code}", token)).GetProperty("location");
            villages[code] = position = (location.GetProperty("longitude").GetDouble(), location.GetProperty("latitude").GetDouble());
        }

        posts.Add((item.GetProperty("cadreId").GetGuid(), position.Longitude, position.Latitude));
    }

    after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
}
while (after is not null && posts.Count < options.CheckIns);

if (posts.Count == 0)
{
    Console.Error.WriteLine("No resident cadre this month: seed the platform first (./platform seed county|city|province).");
    return 1;
}

// Dashboards: what a province office has open in the morning, as the console's dashboard reads them (coverage, its
// regions, attendance, compliance by region). Add the ranking or the full compliance report with --dashboard.
var dashboards = new List<(string Name, string Path)>
{
    ("coverage", $"/api/dispatch/coverage?prefix={options.Scope}"),
    ("coverage regions", $"/api/dispatch/coverage/regions?prefix={options.Scope}"),
    ("attendance", $"/api/dispatch/attendance/monthly?month={month}&limit=50"),
    ("compliance regions", $"/api/pairing/compliance/regions?month={month}&prefix={options.Scope}"),
};
foreach (var (name, path) in options.Extra)
{
    dashboards.Add((name, path));
}

foreach (var (name, path) in dashboards.ToList())
{
    using var probe = new HttpRequestMessage(HttpMethod.Get, path);
    probe.Headers.Authorization = new("Bearer", reader);
    using var answer = await http.SendAsync(probe);
    if (!answer.IsSuccessStatusCode)
    {
        Console.WriteLine($"dashboard {name} answers {(int)answer.StatusCode}; left out");
        dashboards.Remove((name, path));
    }
}

var services = Directory.Exists(options.RunDir)
    ? Directory.GetFiles(options.RunDir, "*.pid").Select(f => (Name: Path.GetFileNameWithoutExtension(f), Pid: int.TryParse(File.ReadAllText(f).Trim(), out var pid) ? pid : 0))
        .Where(s => s.Pid > 0 && File.Exists($"/proc/{s.Pid}/status")).OrderBy(s => s.Name, StringComparer.Ordinal).ToList()
    : [];
var idle = services.ToDictionary(s => s.Name, s => Rss(s.Pid));
var peak = new ConcurrentDictionary<string, long>(idle);

Console.WriteLine($"# Morning peak, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores shared by this generator, the services and PostgreSQL");
Console.WriteLine();
Console.WriteLine($"{options.CheckIns:N0} check-ins in {options.Seconds} s (mean {options.CheckIns / (double)options.Seconds:F0}/s, peak {2.0 * options.CheckIns / options.Seconds:F0}/s) " +
    $"by {posts.Count:N0} resident cadres of {options.Scope}, {options.Readers} dashboard readers ({string.Join(", ", dashboards.Select(d => d.Name))}); load average before: {LoadAverage()}");

// One subject per caller, as phones are: the gateway's per-caller limit applies as in production.
var callers = Enumerable.Range(0, 256).Select(i => DevelopmentTokens.Create(auth, $"morning-peak-{i}", [Roles.Province], options.Scope)).ToArray();
var checkInLatencies = new ConcurrentBag<double>();
var failures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var readLatencies = dashboards.ToDictionary(d => d.Name, _ => new ConcurrentBag<double>(), StringComparer.Ordinal);
using var stop = new CancellationTokenSource();

var sampler = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        foreach (var (name, pid) in services)
        {
            var rss = Rss(pid);
            peak.AddOrUpdate(name, rss, (_, old) => Math.Max(old, rss));
        }

        try
        {
            await Task.Delay(1000, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
});

var readers = Enumerable.Range(0, options.Readers).Select(r => Task.Run(async () =>
{
    var k = r;
    while (!stop.IsCancellationRequested)
    {
        var (name, path) = dashboards[k++ % dashboards.Count];
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", reader);
            using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            if (answer.IsSuccessStatusCode)
            {
                readLatencies[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                failures.AddOrUpdate($"{name} {(int)answer.StatusCode}", 1, (_, n) => n + 1);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // A timeout (HttpClient's 60 s, or the gateway's) is an answer too: counted, not fatal.
            failures.AddOrUpdate($"{name} {e.GetType().Name}", 1, (_, n) => n + 1);
        }

        // An official rereads a dashboard every few seconds, not in a tight loop.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
    }
})).ToArray();

// The schedule: the i-th check-in is due when the integral of the sin² profile reaches i (inverted numerically).
var total = options.CheckIns;
var duration = options.Seconds;
double Cumulative(double t) => total * (t / duration - Math.Sin(2 * Math.PI * t / duration) / (2 * Math.PI));
var schedule = new double[total];
for (int i = 0, step = 0; i < total; i++)
{
    while (Cumulative((step + 1) * duration / 100000.0) < i)
    {
        step++;
    }

    schedule[i] = step * duration / 100000.0;
}

var random = new Random(20261129);
var running = new List<Task>(total);
var start = Stopwatch.GetTimestamp();
var lastReport = 0;
for (var i = 0; i < total; i++)
{
    var due = start + (long)(schedule[i] * Stopwatch.Frequency);
    while (Stopwatch.GetTimestamp() < due)
    {
        await Task.Delay(1);
    }

    var elapsed = (int)Stopwatch.GetElapsedTime(start).TotalSeconds;
    if (elapsed / 30 > lastReport)
    {
        lastReport = elapsed / 30;
        Console.WriteLine($"  {elapsed,4} s: {i:N0} sent, {checkInLatencies.Count:N0} answered, load {LoadAverage()}");
    }

    var (cadre, longitude, latitude) = posts[random.Next(posts.Count)];
    var caller = callers[i % callers.Length];
    running.Add(Task.Run(async () =>
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/dispatch/check-ins")
            {
                Content = JsonContent.Create(new { id = Guid.NewGuid(), cadreId = cadre, at = DateTimeOffset.UtcNow, longitude, latitude, dailyLog = "入户走访，了解春耕准备情况" }),
            };
            request.Headers.Authorization = new("Bearer", caller);
            using var answer = await http.SendAsync(request);
            if ((int)answer.StatusCode is 201 or 200)
            {
                checkInLatencies.Add(Stopwatch.GetElapsedTime(due).TotalMilliseconds);
            }
            else
            {
                failures.AddOrUpdate($"check-in {(int)answer.StatusCode}", 1, (_, n) => n + 1);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            failures.AddOrUpdate($"check-in {e.GetType().Name}", 1, (_, n) => n + 1);
        }
    }));
}

await Task.WhenAll(running);
var wall = Stopwatch.GetElapsedTime(start);
await stop.CancelAsync();
await Task.WhenAll(readers);
await sampler;

Console.WriteLine();
Console.WriteLine("| what | answered | per s | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
Row("check-ins", checkInLatencies, wall);
foreach (var (name, latencies) in readLatencies)
{
    Row($"dashboard {name}", latencies, wall);
}

Console.WriteLine();
Console.WriteLine(failures.IsEmpty ? "No failures." : "Failures: " + string.Join(", ", failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {f.Value:N0}")));
Console.WriteLine();
Console.WriteLine("| service | resident memory before (MiB) | peak during (MiB) |");
Console.WriteLine("|---|---:|---:|");
foreach (var (name, _) in services)
{
    Console.WriteLine($"| {name} | {idle[name] / 1048576.0:F0} | {peak[name] / 1048576.0:F0} |");
}

Console.WriteLine();
Console.WriteLine($"Wall time {wall.TotalSeconds:F0} s; load average after: {LoadAverage()}");
return failures.Keys.Any(k => k.StartsWith("check-in", StringComparison.Ordinal)) ? 2 : 0;

async Task<T> Get<T>(string path, string token)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, path);
    request.Headers.Authorization = new("Bearer", token);
    using var answer = await http.SendAsync(request);
    answer.EnsureSuccessStatusCode();
    return (await answer.Content.ReadFromJsonAsync<T>())!;
}

static void Row(string name, IEnumerable<double> latencies, TimeSpan wall)
{
    var sorted = latencies.Order().ToArray();
    double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    Console.WriteLine($"| {name} | {sorted.Length:N0} | {sorted.Length / wall.TotalSeconds:F0} | {At(0.5):F1} | {At(0.99):F1} | {(sorted.Length == 0 ? double.NaN : sorted[^1]):F0} |");
}

static long Rss(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
    catch (IOException)
    {
        return 0;
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

internal sealed record Options(string Gateway, string KeyFile, string RunDir, int CheckIns, int Seconds, int Readers, string Scope, string? Month,
    IReadOnlyList<(string Name, string Path)> Extra)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        // --dashboard name=/api/... adds a dashboard (e.g. the assessment ranking once it exists).
        var extra = args.Select((a, i) => (a, i)).Where(x => x.a == "--dashboard" && x.i + 1 < args.Length)
            .Select(x => args[x.i + 1].Split('=', 2)).Select(p => (p[0], p[1])).ToList();
        return new Options(
            Get("--gateway") ?? throw new ArgumentException("--gateway URL is required"),
            Get("--key-file") ?? throw new ArgumentException("--key-file FILE is required"),
            Get("--run-dir") ?? ".local/run",
            int.Parse(Get("--check-ins") ?? "60000", CultureInfo.InvariantCulture),
            int.Parse(Get("--seconds") ?? "300", CultureInfo.InvariantCulture),
            int.Parse(Get("--readers") ?? "4", CultureInfo.InvariantCulture),
            Get("--scope") ?? "51",
            Get("--month"),
            extra);
    }
}
