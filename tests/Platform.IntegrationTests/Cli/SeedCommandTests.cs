using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.IntegrationTests.Cli;

/// <summary>
/// Issue 22, part 2: the seeder against the real dispatch, pairing and assessment (<see cref="SeedStack"/>), from empty
/// databases. Its requests are built by the clients generated from docs/api/openapi, so this is where a contract and
/// its callers are seen to agree.
/// </summary>
public sealed partial class SeedCommandTests(SeedStack stack) : IClassFixture<SeedStack>
{
    [Fact]
    public async Task Seeds_a_county_through_the_services_and_a_second_seed_adds_nothing()
    {
        var handler = new FaultInjectingHandler();
        var first = await stack.SeedAsync(handler);
        first.ExitCode.ShouldBe(0, first.Error + first.Output);

        // What the services hold, counted in their own databases (the seeder's own summary aside).
        var counts = await stack.CountAsync();
        counts["regions"].ShouldBe(263, first.Output);
        counts["units"].ShouldBe(104, first.Output);
        counts["cadres"].ShouldBe(868, first.Output);
        counts["assignments"].ShouldBe(984, first.Output);
        var checkIns = int.Parse(CheckInsNew().Match(first.Output).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        checkIns.ShouldBeGreaterThan(0, first.Output);
        counts["check-ins"].ShouldBe(checkIns, first.Output);
        counts["households"].ShouldBe(2000, first.Output);
        counts["pairings"].ShouldBe(1900, first.Output);
        counts["contacts"].ShouldBeGreaterThan(0, first.Output);
        counts["task lists"].ShouldBe(7, first.Output);
        counts["rankings"].ShouldBeGreaterThan(0, first.Output);
        first.Output.ShouldContain("summary: units 104 (104 created, 0 updated), cadres 868 (868 created, 0 updated), assignments 984 (984 created, 0 unchanged)");

        // Dispatch first (its check-ins last), then pairing, then assessment, each step one import per county.
        var requests = handler.Requests;
        var firstPairing = requests.ToList().FindIndex(r => r.Path.StartsWith("/api/pairing/", StringComparison.Ordinal));
        var firstAssessment = requests.ToList().FindIndex(r => r.Path.StartsWith("/api/assessment/", StringComparison.Ordinal));
        requests.Take(firstPairing).ShouldAllBe(r => r.Path.StartsWith("/api/dispatch/"));
        requests[firstPairing - 1].Path.ShouldBe("/api/dispatch/check-ins");
        requests.Skip(firstPairing).Take(firstAssessment - firstPairing).ShouldAllBe(r => r.Path.StartsWith("/api/pairing/"));
        requests.Skip(firstAssessment).ShouldAllBe(r => r.Path.StartsWith("/api/assessment/"));
        foreach (var import in new[] { "helpers/import", "pairings/import", "contacts/import" })
        {
            handler.To(HttpMethod.Post, "/api/pairing/" + import).Count.ShouldBe(1, import);
        }

        requests.ShouldNotContain(r => r.Path == "/api/pairing/contacts" || r.Path == "/api/pairing/helpers");

        // The "1+6": seven lists of the month with a task each; three done with evidence, the first secretary's overdue and explained.
        var lists = handler.To(HttpMethod.Post, "/api/assessment/task-lists").Select(r => r.Json).ToList();
        lists.Count.ShouldBe(7);
        lists.ShouldAllBe(l => l.GetProperty("month").GetString() == "2026-11" && l.GetProperty("countyCode").GetString() == "511702");
        lists.Select(l => l.GetProperty("kind").GetString()).ShouldBe(
            ["coordination", "contact_leader", "assisting_unit", "first_secretary", "work_team", "agricultural_technician", "helper"], ignoreOrder: true);
        first.Output.ShouldContain("task lists of 511702 for 2026-11: 7 lists (1+6), 7 tasks (7 issued, 0 already there), 3 completed, 1 explained");
        first.Output.ShouldMatch(@"summary: assessment of 2026-10 under 5117: 1 counties ranked, first \S+ \(\d+\.\d\d\), \d+ red flags");
        (await stack.Database("assessment").ScalarAsync<long>("SELECT count(*) FROM task_lists WHERE month = '2026-11'")).ShouldBe(7);

        var again = new FaultInjectingHandler();
        var second = await stack.SeedAsync(again);
        second.ExitCode.ShouldBe(0, second.Error + second.Output);
        (await stack.CountAsync()).ShouldBe(counts, second.Output);
        second.Output.ShouldContain("summary: units 104 (0 created, 0 updated), cadres 868 (0 created, 0 updated), assignments 984 (0 created, 984 unchanged)");
        // Already recorded: those still in the window, which has moved on by the seconds the first run took.
        second.Output.ShouldMatch(@"check-ins for 2026-10: 0 new, [\d,]+ already recorded, 0 without a resident post");
        second.Output.ShouldContain("pairings 1,900 (0 new, 0 events)");
        second.Output.ShouldContain("7 tasks (0 issued, 7 already there), 0 completed, 0 explained");
        second.Output.ShouldContain("already scored (1 counties ranked), not scored again");
        again.To(HttpMethod.Post, "/api/assessment/task-lists").ShouldBeEmpty();
        again.To(HttpMethod.Post, "/completion").ShouldBeEmpty();
        again.To(HttpMethod.Post, "/api/assessment/scoring-runs").ShouldBeEmpty();
    }

    [GeneratedRegex(@"check-ins for 2026-10: ([\d,]+) new")]
    private static partial Regex CheckInsNew();
}
