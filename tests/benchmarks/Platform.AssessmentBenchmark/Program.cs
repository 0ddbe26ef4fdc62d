using System.Diagnostics;
using System.Globalization;
using Assessment.Api.Features.Scoring;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Platform.Data;
using Platform.Data.Migrations;
using Platform.Data.Outbox;
using Platform.Security;

// Usage: Platform.AssessmentBenchmark <admin connection string> [explanations=200]
// Creates a database of its own, generates a province's month of facts, scores it twice (the full recompute that
// writes every subject, then a repeat that finds nothing changed) beside the baseline of only reading the facts,
// times one county's explanation beside a primary-key read of the same row, reports peak memory, drops the database.
var admin = args.Length > 0 ? args[0] : "Host=127.0.0.1;Port=5433;Username=platform;Password=platform;Database=postgres";
var explanations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var database = $"assess_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
await using (var connection = new NpgsqlConnection(admin))
{
    await connection.OpenAsync();
    await connection.ExecuteAsync($"CREATE DATABASE {database}");
}

var builder = new NpgsqlConnectionStringBuilder(admin) { Database = database, MaxPoolSize = 16 };
var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
DefaultTypeMap.MatchNamesWithUnderscores = true;
try
{
    await new MigrationRunner(dataSource,
        [MigrationSource.FromAssembly("platform", typeof(DataExtensions).Assembly), MigrationSource.FromAssembly("service", typeof(RunScoring).Assembly)],
        NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);

    var generate = Stopwatch.StartNew();
    var facts = await Generator.GenerateAsync(dataSource, "2026-10");
    Console.WriteLine($"# Assessment benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    Console.WriteLine();
    Console.WriteLine($"Generated in {generate.Elapsed.TotalSeconds:0.0} s: {facts}");
    Console.WriteLine($"Load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
    Console.WriteLine();

    var options = Options.Create(new ScoringOptions { CollectAttendance = false, CollectHelperGaps = false });
    var scoring = new RunScoring(dataSource, new OutboxWriter(), new ServiceCollection().BuildServiceProvider(), options, TimeProvider.System,
        NullLogger<RunScoring>.Instance);

    // Baseline: only reading the month's facts and models (what any scoring must do), in the same process and run.
    var month = Assessment.Api.Domain.AssessmentMonth.Parse("2026-10");
    var baseline = Stopwatch.StartNew();
    var inputs = await scoring.LoadInputsAsync(month, string.Empty, ChinaTime.Today(), false, CancellationToken.None);
    baseline.Stop();
    inputs = null;
    GC.Collect();

    var allocatedBefore = GC.GetTotalAllocatedBytes(true);
    var full = await TimeRunAsync(dataSource, scoring, "2026-10");
    var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
    var repeat = await TimeRunAsync(dataSource, scoring, "2026-10");
    await using var connection = await dataSource.OpenConnectionAsync();
    var (subjects, versions) = await connection.QuerySingleAsync<(long, long)>("SELECT count(DISTINCT (subject_kind, subject_id)), count(*) FROM scores");
    var explanationBytes = await connection.ExecuteScalarAsync<long>("SELECT sum(pg_column_size(explanation)) FROM scores");
    Console.WriteLine("| measure | figure | baseline (reading the facts only) | ratio |");
    Console.WriteLine("|---|---|---|---|");
    Console.WriteLine($"| full recompute (score + write {subjects:N0} subjects, rankings, flags) | {full.TotalSeconds:0.00} s | {baseline.Elapsed.TotalSeconds:0.00} s | {full / baseline.Elapsed:0.0} |");
    Console.WriteLine($"| repeat (same facts, nothing written) | {repeat.TotalSeconds:0.00} s | {baseline.Elapsed.TotalSeconds:0.00} s | {repeat / baseline.Elapsed:0.0} |");
    Console.WriteLine();
    Console.WriteLine($"Score rows {versions:N0}; explanations {explanationBytes / 1024.0 / 1024.0:0.0} MiB in PostgreSQL (compressed jsonb).");
    Console.WriteLine($"Memory: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:0} MiB; allocated by the full recompute {allocated / 1024.0 / 1024.0:0} MiB.");

    // One subject's explanation: the largest, a county's (every resident cadre's attendance fact), through the same core as REST and gRPC.
    var county = await connection.ExecuteScalarAsync<string>("SELECT subject_id FROM scores WHERE subject_kind = 'county' ORDER BY pg_column_size(explanation) DESC LIMIT 1");
    var scoreId = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM scores WHERE subject_kind = 'county' AND subject_id = @county", new { county });
    var explain = new List<double>();
    var pk = new List<double>();
    for (var i = 0; i < explanations; i++)
    {
        var watch = Stopwatch.StartNew();
        await SubjectScores.GetCoreAsync(dataSource, RegionScope.Everything, "2026-10", "county", county!, null, CancellationToken.None);
        explain.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        await using var c = await dataSource.OpenConnectionAsync();
        await c.ExecuteScalarAsync<string>("SELECT subject_name FROM scores WHERE id = @scoreId", new { scoreId });
        pk.Add(watch.Elapsed.TotalMilliseconds);
    }

    var facts0 = (await SubjectScores.GetCoreAsync(dataSource, RegionScope.Everything, "2026-10", "county", county!, null, CancellationToken.None))
        .Indicators.Sum(x => x.Facts.Count);
    Console.WriteLine();
    Console.WriteLine($"| one county's explanation ({facts0:N0} facts), {explanations} calls | p50 {P(explain, 0.5):0.0} ms, p99 {P(explain, 0.99):0.0} ms | primary-key read p50 {P(pk, 0.5):0.00} ms, p99 {P(pk, 0.99):0.00} ms | p50 {P(explain, 0.5) / P(pk, 0.5):0} |");
    Console.WriteLine();
    Console.WriteLine($"Load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
}
finally
{
    await dataSource.DisposeAsync();
    NpgsqlConnection.ClearAllPools();
    await using var connection = new NpgsqlConnection(admin);
    await connection.OpenAsync();
    await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
}

static double P(List<double> values, double q) => values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Floor(q * values.Count)));

static async Task<TimeSpan> TimeRunAsync(NpgsqlDataSource dataSource, RunScoring scoring, string month)
{
    var id = Guid.CreateVersion7();
    await using (var connection = await dataSource.OpenConnectionAsync())
    {
        await connection.ExecuteAsync(
            "INSERT INTO scoring_runs (id, month, prefix, status, provisional, requested_by) VALUES (@id, @month, '', 'running', false, 'benchmark')", new { id, month });
    }

    var watch = Stopwatch.StartNew();
    await scoring.RunAsync(id, CancellationToken.None);
    return watch.Elapsed;
}

/// <summary>A province's month (domain.md §8), with a fixed seed so every run scores the same facts.</summary>
internal static class Generator
{
    public static async Task<string> GenerateAsync(NpgsqlDataSource dataSource, string month)
    {
        var random = new Random(20261029);
        var villages = new List<string>();
        var townships = 0;
        for (var city = 1; city <= 20; city++)
        {
            for (var county = 1; county <= 9; county++)
            {
                var townshipsHere = 22 + (county % 3 == 0 ? 1 : 0); // 180 counties, about 4,000 townships
                for (var township = 1; township <= townshipsHere; township++, townships++)
                {
                    for (var village = 1; village <= 3; village++) // about 12,000 poor villages with resident teams
                    {
                        villages.Add($"51{city:00}{county:00}{township:000}{village:000}");
                    }
                }
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        var cadres = 0;
        var gaps = 0;
        // Two COPY streams at once need two connections.
        await using var second = await dataSource.OpenConnectionAsync();
        await using (var assignments = await connection.BeginBinaryImportAsync("COPY assignments (id, village_code, force, cadre_id, unit_code, starts_on) FROM STDIN (FORMAT BINARY)"))
        await using (var attendance = await second.BeginBinaryImportAsync(
            "COPY attendance_facts (id, month, cadre_id, cadre_name, village_code, force, on_post_days, minimum_days, off_post_check_ins, approved_leave_days) FROM STDIN (FORMAT BINARY)"))
        {
            for (var v = 0; v < villages.Count; v++)
            {
                var village = villages[v];
                var unit = $"U{v % 10_000:00000}"; // 10,000 assisting units, some serving two villages
                await Row(assignments, Guid.NewGuid(), village, "assisting_unit", null, unit);
                for (var k = 0; k < 5; k++, cadres++) // 60,000 resident cadres: a first secretary and four team members
                {
                    var cadre = Guid.NewGuid();
                    var force = k == 0 ? "first_secretary" : k == 1 ? "team_leader" : "team_member";
                    await Row(assignments, Guid.NewGuid(), village, force, cadre, unit);
                    var onPost = random.Next(10) == 0 ? random.Next(5, 20) : random.Next(20, 27);
                    await attendance.StartRowAsync();
                    await attendance.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                    await attendance.WriteAsync(month, NpgsqlDbType.Text);
                    await attendance.WriteAsync(cadre, NpgsqlDbType.Uuid);
                    await attendance.WriteAsync($"干部{cadres:00000}", NpgsqlDbType.Text);
                    await attendance.WriteAsync(village, NpgsqlDbType.Text);
                    await attendance.WriteAsync(force, NpgsqlDbType.Text);
                    await attendance.WriteAsync(onPost, NpgsqlDbType.Integer);
                    await attendance.WriteAsync(20, NpgsqlDbType.Integer);
                    await attendance.WriteAsync(random.Next(20) == 0 ? random.Next(1, 4) : 0, NpgsqlDbType.Integer);
                    await attendance.WriteAsync(random.Next(8) == 0 ? random.Next(1, 4) : 0, NpgsqlDbType.Integer);
                }
            }

            await assignments.CompleteAsync();
            await attendance.CompleteAsync();
        }

        // About 2,000 open gaps, 100,000 households overdue (5% of 2 million), 25,000 tasks of which a tenth overdue.
        await using (var gapCopy = await connection.BeginBinaryImportAsync("COPY coverage_gaps (id, village_code, force, unit_code, opened_on, assignment_id) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < 2_000; i++, gaps++)
            {
                await gapCopy.StartRowAsync();
                await gapCopy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await gapCopy.WriteAsync(villages[random.Next(villages.Count)], NpgsqlDbType.Text);
                await gapCopy.WriteAsync(random.Next(2) == 0 ? "first_secretary" : "team_member", NpgsqlDbType.Text);
                await gapCopy.WriteNullAsync();
                await gapCopy.WriteAsync(new DateOnly(2026, 8, 1).AddDays(random.Next(90)), NpgsqlDbType.Date);
                await gapCopy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
            }

            await gapCopy.CompleteAsync();
        }

        await using (var contacts = await connection.BeginBinaryImportAsync(
            "COPY contact_overdue (id, household_id, village_code, helper_cadre_id, unit_code, period, missing_contact, missing_visit) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < 100_000; i++)
            {
                var v = random.Next(villages.Count);
                await contacts.StartRowAsync();
                await contacts.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await contacts.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await contacts.WriteAsync(villages[v], NpgsqlDbType.Text);
                await contacts.WriteNullAsync();
                await contacts.WriteAsync($"U{v % 10_000:00000}", NpgsqlDbType.Text);
                await contacts.WriteAsync(month, NpgsqlDbType.Text);
                await contacts.WriteAsync(true, NpgsqlDbType.Boolean);
                await contacts.WriteAsync(random.Next(2) == 0, NpgsqlDbType.Boolean);
            }

            await contacts.CompleteAsync();
        }

        var counties = villages.Select(v => v[..6]).Distinct().ToList();
        await connection.ExecuteAsync(
            """
            INSERT INTO task_lists (id, county_code, month, kind, title, issued_by)
            SELECT gen_random_uuid(), c, @month, k, c || k, 'benchmark' FROM unnest(@counties) c,
                   unnest(ARRAY['coordination','contact_leader','assisting_unit','first_secretary','work_team','agricultural_technician','helper']) k;
            INSERT INTO tasks (id, list_id, county_code, month, title, owner_kind, owner_id, due_on, evidence_expected, completed_on)
            SELECT gen_random_uuid(), l.id, l.county_code, l.month, '任务' || n, 'county', l.county_code, DATE '2026-10-01' + (n % 28),
                   '佐证', CASE WHEN n % 10 = 0 THEN NULL ELSE DATE '2026-10-01' + (n % 28) END
            FROM task_lists l, generate_series(1, 20) n;
            ANALYZE;
            """, new { month, counties = counties.ToArray() });
        return $"{counties.Count} counties, {townships:N0} townships, {villages.Count:N0} villages, 10,000 assisting units, {cadres:N0} resident cadres with their attendance facts, {gaps:N0} coverage gaps, 100,000 overdue households, {counties.Count * 7 * 20:N0} tasks";
    }

    private static async Task Row(NpgsqlBinaryImporter importer, Guid id, string village, string force, Guid? cadre, string unit)
    {
        await importer.StartRowAsync();
        await importer.WriteAsync(id, NpgsqlDbType.Uuid);
        await importer.WriteAsync(village, NpgsqlDbType.Text);
        await importer.WriteAsync(force, NpgsqlDbType.Text);
        if (cadre is { } c)
        {
            await importer.WriteAsync(c, NpgsqlDbType.Uuid);
        }
        else
        {
            await importer.WriteNullAsync();
        }

        await importer.WriteAsync(unit, NpgsqlDbType.Text);
        await importer.WriteAsync(new DateOnly(2026, 1, 1), NpgsqlDbType.Date);
    }
}
