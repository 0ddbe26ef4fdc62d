using System.Net;
using System.Net.Sockets;

namespace Platform.Cli.Tests.Commands;

/// <summary>
/// The seeder's options and a service that is not there; its requests and failure paths against the real services are
/// in Platform.IntegrationTests (Cli/SeedFaultTests).
/// </summary>
public sealed class SeedCommandTests : IDisposable
{
    private readonly KeyFile keyFile = new();

    public void Dispose() => keyFile.Dispose();

    [Fact]
    public async Task Gives_up_after_ten_retries_against_a_closed_port()
    {
        // A port that was just free: connecting to it on the loopback is refused at once.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await CliRun.RunAsync(
            (output, error) => new CliApplication(output, error) { RetryDelay = TimeSpan.FromMilliseconds(1) },
            "seed", "--scale", "county", "--url", $"http://127.0.0.1:{port}", "--key-file", keyFile.Path);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("retry 10/10");
        run.Error.ShouldNotContain("retry 11/");
        run.Error.ShouldContain($"error: cannot reach http://127.0.0.1:{port}: ");
    }

    [Theory]
    [InlineData("127.0.0.1:5102")]
    [InlineData("ftp://127.0.0.1/")]
    public async Task Rejects_a_url_that_is_not_http(string url)
    {
        var run = await CliRun.RunAsync("seed", "--scale", "county", "--key-file", keyFile.Path, "--url", url);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith($"error: option '--url' must be an absolute http or https address, got '{url}'\n");
    }

    [Theory]
    [InlineData("23.11.2026", "must be a date as yyyy-MM-dd")]
    [InlineData("2999-01-01", "must not be later than today")]
    public async Task Rejects_a_bad_reference_date(string asOf, string message)
    {
        var run = await CliRun.RunAsync("seed", "--scale", "county", "--url", "http://127.0.0.1:5102", "--key-file", keyFile.Path, "--as-of", asOf);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain(message);
    }
}
