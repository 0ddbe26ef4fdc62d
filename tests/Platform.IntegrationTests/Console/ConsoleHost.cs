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
/// The console (its own Program) in the tests' environment, with its static web assets: the host serves them from the
/// build's manifest by itself only in Development, and a page without AntDesign's styles and Blazor's script is no page.
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

        builder.UseStaticWebAssets();
        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(errors));
    }

    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        await Readiness.WaitUntilHealthyAsync(client, "console");
    }
}
