using System.Diagnostics;
using System.Net;

namespace Platform.FaultTests.Infrastructure;

/// <summary>
/// Requests to one service from several clients while it is stopped with SIGTERM and started again (a rolling update
/// with one replica): each answer is counted as it came. A refused connection was never a request the service took
/// (the client tries again, as a second replica would take it); a connection broken after the request went out, or an
/// answer that never came, is "dropped"; any other status than the expected one is unexpected.
/// </summary>
public sealed class RequestDrain(ServiceProcess service, int workers, Action<string> log)
{
    private int answered;
    private int refused;
    private int dropped;
    private readonly List<string> unexpected = [];

    public sealed record Report(int Answered, int Refused, int Dropped, IReadOnlyList<string> Unexpected, TimeSpan StopTook, int ExitCode)
    {
        public override string ToString() =>
            $"{Answered} answered, {Refused} refused at connect (retried), {Dropped} dropped, {Unexpected.Count} unexpected "
            + $"({string.Join("; ", Unexpected.Take(5))}); stopped in {StopTook.TotalSeconds:0.0} s with exit code {ExitCode}";
    }

    /// <summary>
    /// Drives <paramref name="send"/> for <paramref name="before"/>, stops the service (SIGTERM, at most
    /// <paramref name="shutdownLimit"/>) with requests in flight, starts it, waits until it is ready and drives on for
    /// <paramref name="after"/>.
    /// </summary>
    public async Task<Report> RunAsync(Func<HttpClient, Task<HttpResponseMessage>> send, HttpStatusCode expected, TimeSpan before, TimeSpan after,
        TimeSpan shutdownLimit, bool degradedWillDo = false)
    {
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient { BaseAddress = service.RestUri, Timeout = TimeSpan.FromSeconds(15) };
        var clients = Enumerable.Range(0, workers).Select(_ => DriveAsync(http, send, expected, stop.Token)).ToList();
        await Task.Delay(before);
        var inFlight = Volatile.Read(ref answered);
        var (took, exitCode) = await service.StopAsync(shutdownLimit);
        log($"{service.Name} stopped in {took.TotalSeconds:0.0} s after SIGTERM (exit code {exitCode}), {inFlight} requests answered before");
        var down = Stopwatch.StartNew();
        service.Start();
        await service.WaitHealthyAsync(TimeSpan.FromSeconds(120), degradedWillDo);
        log($"{service.Name} ready again {down.Elapsed.TotalSeconds:0.0} s after it stopped");
        await Task.Delay(after);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        lock (unexpected)
        {
            return new Report(answered, refused, dropped, [.. unexpected], took, exitCode);
        }
    }

    private async Task DriveAsync(HttpClient http, Func<HttpClient, Task<HttpResponseMessage>> send, HttpStatusCode expected, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await send(http);
                if (response.StatusCode == expected)
                {
                    Interlocked.Increment(ref answered);
                    continue;
                }

                var answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
                lock (unexpected)
                {
                    unexpected.Add(answer.Length > 300 ? answer[..300] : answer);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                if (ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
                {
                    Interlocked.Increment(ref refused);
                }
                else
                {
                    Interlocked.Increment(ref dropped);
                    log($"dropped request: {ex.GetType().Name} {(ex as HttpRequestException)?.HttpRequestError} {ex.Message}");
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }
    }
}
