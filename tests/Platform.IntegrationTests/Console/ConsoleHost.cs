extern alias web;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.IntegrationTests.Infrastructure;
using WebProgram = web::Program;

namespace Platform.IntegrationTests.Console;

/// <summary>
/// The console (its own Program) in the tests' environment. Outside Development the host reads the build's static-assets
/// manifest only because Program.cs asks for it (as when <c>./platform up</c> runs the build's output in Production), so
/// this host adds nothing of its own: were that call lost, AntDesign's styles and Blazor's script would answer 404, no page
/// would become interactive and every browser test would fail.
/// </summary>
public sealed class ConsoleHost(IReadOnlyDictionary<string, string?> settings, ConsoleServerErrors errors) : WebApplicationFactory<WebProgram>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(errors));
    }

    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        await Readiness.WaitUntilHealthyAsync(client, "console");
    }
}
