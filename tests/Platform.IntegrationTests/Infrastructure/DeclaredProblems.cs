using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Issue 22: every problem a service answers is declared in its OpenAPI document, its status on the operation and its
/// code in that response's description, so a generated client reads the problem. A host records each problem it answers
/// (route, status, code) while the tests run, and on its disposal compares them with the document it serves; an
/// undeclared one fails the test that disposed the host (a fixture's: "Cleanup Failure", and dotnet test exits 1). 500 is a
/// fault, not a contract, and is left out, as is 499 (the client left).
/// PLATFORM_UNDECLARED_PROBLEMS=file also appends each undeclared one to that file, to find them all in one run.
/// </summary>
public sealed partial class DeclaredProblems
{
    private const string CodeItem = "declared-problems.code";

    private readonly ConcurrentDictionary<(string Method, string Route, int Status, string? Code), byte> answered = new();

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<IStartupFilter>(new Recorder(this));
        services.PostConfigure<ProblemDetailsOptions>(o =>
        {
            var customize = o.CustomizeProblemDetails;
            o.CustomizeProblemDetails = context =>
            {
                customize?.Invoke(context);
                context.HttpContext.Items[CodeItem] = context.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() : null;
            };
        });
    }

    /// <summary>Disposes the host, having read the answered problems its document does not declare, then fails on them.</summary>
    public async Task CheckThenDisposeAsync<TEntryPoint>(WebApplicationFactory<TEntryPoint> host, Func<ValueTask> dispose)
        where TEntryPoint : class
    {
        IReadOnlyList<string> undeclared;
        try
        {
            undeclared = await UndeclaredAsync(host);
        }
        finally
        {
            answered.Clear(); // a second disposal has nothing left to check
            await dispose();
        }

        undeclared.ShouldBeEmpty("problems answered that the OpenAPI document does not declare: add [ProblemResponses] to the handler");
    }

    /// <summary>The answered problems the document does not declare; reads the document only when there were problems.</summary>
    private async Task<IReadOnlyList<string>> UndeclaredAsync<TEntryPoint>(WebApplicationFactory<TEntryPoint> host)
        where TEntryPoint : class
    {
        if (answered.IsEmpty)
        {
            return [];
        }

        using var client = host.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        if (!response.IsSuccessStatusCode)
        {
            return []; // not a service with a contract (the gateway, the console)
        }

        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var undeclared = answered.Keys
            .Where(a => document["paths"]?[a.Route]?[a.Method] is { } operation && !Declares(document, operation, a.Status, a.Code))
            .Select(a => $"{typeof(TEntryPoint).Assembly.GetName().Name} {a.Method.ToUpperInvariant()} {a.Route} {a.Status} {a.Code}")
            .Order(StringComparer.Ordinal)
            .ToList();
        if (undeclared.Count > 0 && Environment.GetEnvironmentVariable("PLATFORM_UNDECLARED_PROBLEMS") is { Length: > 0 } file)
        {
            await File.AppendAllLinesAsync(file, undeclared);
        }

        return undeclared;
    }

    private static bool Declares(JsonNode document, JsonNode operation, int status, string? code)
    {
        var declared = operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (declared?["$ref"]?.GetValue<string>() is { } reference)
        {
            declared = document["components"]?["responses"]?[reference[(reference.LastIndexOf('/') + 1)..]];
        }

        return declared is not null && (code is null || declared["description"]?.GetValue<string>().Contains($"`{code}`", StringComparison.Ordinal) == true);
    }

    /// <summary>"/api/dispatch/leave/{id:guid}/decision" → "/api/dispatch/leave/{id}/decision", as the document names it.</summary>
    private static string DocumentPath(string pattern) => "/" + Parameter().Replace(pattern.TrimStart('/'), "{$1}");

    [GeneratedRegex(@"\{\*?([^}:=?]+)[^}]*\}")]
    private static partial Regex Parameter();

    private sealed class Recorder(DeclaredProblems problems) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                await following(context);
                // A problem thrown (ProblemException) is answered by the exception handler, which clears the endpoint
                // and keeps it in its feature.
                var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
                // 499: the client went away before the answer (a page left while it loaded); nobody reads it.
                if (context.Response.StatusCode is >= 400 and not 499 and not 500 && endpoint is RouteEndpoint { RoutePattern.RawText: { } pattern })
                {
                    problems.answered.TryAdd((context.Request.Method.ToLowerInvariant(), DocumentPath(pattern), context.Response.StatusCode,
                        context.Items[CodeItem] as string), 0);
                }
            });
            next(app);
        };
    }
}
