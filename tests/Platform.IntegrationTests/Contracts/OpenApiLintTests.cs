using System.Diagnostics;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.Contracts;

/// <summary>
/// Issue 22: every service's OpenAPI document lints with no error under Redocly's recommended rules (@redocly/cli, a
/// validator nobody here wrote; tests/openapi), so other government systems can generate a client from it. Warnings are
/// printed, not failed on.
/// </summary>
[Collection(OpenApiDocumentsCollection.Name)]
public sealed class OpenApiLintTests(OpenApiDocumentsFixture fixture, ITestOutputHelper output)
{
    private static readonly string LintDirectory = Path.Combine(Repository.Root, "tests", "openapi");

    [Fact]
    public async Task Every_document_lints_with_no_error_under_redocly_s_recommended_rules()
    {
        fixture.Documents.Keys.ShouldBe(["assessment", "dispatch", "funds", "identity", "notification", "pairing"]);
        var folder = Directory.CreateTempSubdirectory("platform-openapi-");
        try
        {
            var problems = new List<JsonElement>();
            foreach (var (service, document) in fixture.Documents)
            {
                var file = Path.Combine(folder.FullName, service + ".json");
                await File.WriteAllTextAsync(file, document);
                // One document a run: with several, --format=json prints one report after another.
                problems.AddRange((await LintAsync(file)).GetProperty("problems").EnumerateArray());
            }

            foreach (var group in problems.GroupBy(p => (Severity: p.GetProperty("severity").GetString(), Rule: p.GetProperty("ruleId").GetString())).OrderBy(g => g.Key.Severity))
            {
                output.WriteLine($"{group.Key.Severity} {group.Key.Rule}: {group.Count()}");
            }

            var errors = problems.Where(p => p.GetProperty("severity").GetString() == "error")
                .Select(p => $"{p.GetProperty("ruleId").GetString()} {Where(p)}: {p.GetProperty("message").GetString()}")
                .ToList();
            errors.ShouldBeEmpty(string.Join('\n', errors.Take(40)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Where(JsonElement problem) =>
        problem.TryGetProperty("location", out var locations) && locations.GetArrayLength() > 0
            ? $"{Path.GetFileName(locations[0].GetProperty("source").GetProperty("ref").GetString())} {locations[0].GetProperty("pointer").GetString()}"
            : "";

    /// <summary>redocly lint --format=json of one document; its exit code is 1 when there are errors, which the report then lists.</summary>
    private static async Task<JsonElement> LintAsync(string file)
    {
        var redocly = Path.Combine(LintDirectory, "node_modules", ".bin", "redocly");
        File.Exists(redocly).ShouldBeTrue($"Run `npm ci` in {LintDirectory} first (./platform test does it).");
        var start = new ProcessStartInfo(redocly) { WorkingDirectory = LintDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["lint", "--format=json", "--config", "redocly.yaml", "--max-problems", "10000", file])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        text.ShouldStartWith("{", customMessage: $"redocly printed no report (exit {process.ExitCode}): {await stderr}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
