extern alias dispatch;

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.IntegrationTests.Infrastructure;
using Platform.Security;

namespace Platform.IntegrationTests;

/// <summary>
/// Data access is quiet by default (Npgsql logged every command at Information: 297 MB in an hour), and requests are
/// logged, one line each, only when an operator turns the category up by configuration.
/// </summary>
public sealed class LoggingTests(RegionRegistryFixture fixture) : IClassFixture<RegionRegistryFixture>
{
    private async Task<CapturedLogs> CallAsync(Dictionary<string, string?> settings)
    {
        var logs = new CapturedLogs();
        await using var host = new ServiceHost<dispatch::Program>(settings, services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = host.CreateClient(TestSettings.Token(Roles.Province, "51"));
        using var response = await client.GetAsync("/api/dispatch/villages/511702104201?probe=secret");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return logs;
    }

    [Fact]
    public async Task By_default_no_sql_command_and_no_request_line_is_logged()
    {
        var logs = await CallAsync(TestSettings.For(fixture.Database, fixture.VirtualHost, relayEnabled: false));
        logs.Entries.Where(e => e.Category.StartsWith("Npgsql", StringComparison.Ordinal) && e.Level < LogLevel.Warning).ShouldBeEmpty();
        logs.Entries.Where(e => e.Category.StartsWith("Microsoft.AspNetCore.HttpLogging", StringComparison.Ordinal)).ShouldBeEmpty();
        logs.Entries.Where(e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && e.Level < LogLevel.Warning).ShouldBeEmpty();
        logs.Entries.ShouldContain(e => e.Category == "Microsoft.Hosting.Lifetime", "the service's own Information lines still come");
    }

    [Fact]
    public async Task An_operator_turns_request_lines_and_sql_commands_up_by_configuration()
    {
        var settings = TestSettings.For(fixture.Database, fixture.VirtualHost, relayEnabled: false);
        settings["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging"] = "Information";
        settings["Logging:LogLevel:Npgsql"] = "Information";
        var logs = await CallAsync(settings);

        var request = logs.Entries.Where(e => e.Category.StartsWith("Microsoft.AspNetCore.HttpLogging", StringComparison.Ordinal)).ShouldHaveSingleItem();
        request.Message.ShouldContain("GET");
        request.Message.ShouldContain("/api/dispatch/villages/511702104201");
        request.Message.ShouldContain("StatusCode: 200");
        request.Message.ShouldContain("Duration");
        request.Message.ShouldNotContain("secret"); // no query string
        request.Message.ShouldNotContain("Bearer"); // no headers
        logs.Entries.ShouldContain(e => e.Category == "Npgsql.Command" && e.Level == LogLevel.Information);
    }
}
