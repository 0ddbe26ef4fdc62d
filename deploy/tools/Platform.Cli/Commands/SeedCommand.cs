using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Platform.Cli.CommandLine;
using Platform.Cli.DemoData;
using Platform.Security;

namespace Platform.Cli.Commands;

/// <summary>
/// Generates the demo province in memory and uploads it to dispatch's region import with a province token it signs itself.
/// </summary>
internal sealed class SeedCommand(TextWriter output, TextWriter error, HttpMessageHandler? handler, TimeSpan retryDelay) : ICommand
{
    public const string ImportPath = "api/dispatch/regions/import";
    public const string Subject = "demo-seeder";

    /// <summary>Connection refusals retried while the service starts: about ten seconds with the default delay.</summary>
    public const int MaxRetries = 10;

    /// <summary>A province file is imported in one transaction; allow for a slow machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private static readonly OptionSpec Url = new("url", "BASE", "the gateway's (or dispatch's) base address, e.g. http://127.0.0.1:5000", Required: true);

    public CommandSpec Spec { get; } = new(
        "seed",
        $"Generates the demo province and POSTs it to BASE/{ImportPath} as text/csv with a province token (scope 51).",
        [DemoDataOptions.Scale, Url, SigningOptions.KeyFile, DemoDataOptions.Seed, SigningOptions.Issuer, SigningOptions.Audience]);

    public async Task<int> RunAsync(ParsedOptions options, CancellationToken cancellationToken)
    {
        var scale = DemoDataOptions.ParseScale(options);
        var seed = DemoDataOptions.ParseSeed(options);
        var endpoint = ImportEndpoint(options, $"demo-{scale.ToString().ToLowerInvariant()}-{seed}.csv");
        var auth = SigningOptions.CreateAuthOptions(options);
        var token = DevelopmentTokens.Create(
            auth, Subject, [Roles.Province], ProvinceGenerator.ProvinceCode[..2], TimeSpan.FromHours(1));

        // Even the province is only a few megabytes: keeping it in memory lets a refused connection be retried with the same bytes.
        var stopwatch = Stopwatch.StartNew();
        GenerationSummary summary;
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, RegionCsvWriter.Encoding, leaveOpen: true))
        {
            summary = new ProvinceGenerator(seed).WriteCsv(writer, scale);
        }

        await SayAsync($"generated {summary} ({buffer.Length:N0} bytes) in {stopwatch.Elapsed.TotalSeconds:F1} s");
        await SayAsync($"POST {endpoint}");

        using var client = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = Timeout };
        HttpResponseMessage response;
        try
        {
            // The whole answer is buffered by SendAsync, so reading the body below does not touch the network again.
            response = await SendAsync(client, endpoint, token, buffer, stopwatch, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"error: cannot reach {endpoint.GetLeftPart(UriPartial.Authority)}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"error: no answer from {endpoint.GetLeftPart(UriPartial.Authority)} within {Timeout.TotalMinutes:F0} minutes");
            return ExitCodes.Failure;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var elapsed = stopwatch.Elapsed.TotalSeconds;
            var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}";
            if (!response.IsSuccessStatusCode)
            {
                // The body is the problem details (RFC 9457) with every rejected row: print it whole for the operator.
                await error.WriteLineAsync(status);
                await error.WriteLineAsync(body);
                return ExitCodes.Failure;
            }

            await SayAsync(status);
            await SayAsync(body);
            await SayAsync($"{summary.Rows:N0} rows in {elapsed:F1} s ({summary.Rows / elapsed:N0} rows/s)");
            return ExitCodes.Success;
        }

        async Task SayAsync(string line)
        {
            await output.WriteLineAsync(line);
            await output.FlushAsync(cancellationToken);
        }
    }

    private static Uri ImportEndpoint(ParsedOptions options, string fileName)
    {
        var text = options.GetRequired(Url.Name);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw options.Fail($"option '--{Url.Name}' must be an absolute http or https address, got '{text}'");
        }

        // fileName is recorded with the import (region_imports.file_name), so an auditor sees which demo file was loaded.
        return new Uri($"{baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{ImportPath}?fileName={Uri.EscapeDataString(fileName)}");
    }

    /// <summary>Sends the file; while the service is still starting (connection refused) waits and tries again.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpClient client, Uri endpoint, string token, MemoryStream file, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        for (var retry = 1; ; retry++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new ByteArrayContent(file.GetBuffer(), 0, (int)file.Length),
            };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv; charset=utf-8");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                stopwatch.Restart();
                return await client.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && retry <= MaxRetries)
            {
                await error.WriteLineAsync($"connection refused by {endpoint.GetLeftPart(UriPartial.Authority)}; retry {retry}/{MaxRetries} in {retryDelay.TotalSeconds:0.###} s");
                await Task.Delay(retryDelay, cancellationToken);
            }
        }
    }
}
