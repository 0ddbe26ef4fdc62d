using System.Globalization;
using System.Text.Json;
using Assessment.Api.Domain;
using Assessment.Api.Features.Facts;
using Assessment.Api.Features.Models;
using Assessment.Api.Features.Names;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.BackgroundRuns;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Scoring;

public sealed class ScoringOptions
{
    public const string Section = "Assessment:Scoring";

    /// <summary>Ask dispatch for the month's attendance and the names of regions and units before scoring (off only where the facts are loaded otherwise: the benchmark).</summary>
    public bool CollectAttendance { get; set; } = true;

    /// <summary>Ask pairing for the villages' households without a responsible helper before scoring (off only where the facts are loaded otherwise: the benchmark).</summary>
    public bool CollectHelperGaps { get; set; } = true;

    /// <summary>How long a replica owns a run before another may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the worker looks for runs queued on other replicas (it is woken at once for its own).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public bool WorkerEnabled { get; set; } = true;
}

/// <summary>
/// Scores one month for a region prefix: collects the month's attendance from dispatch and the villages' households
/// without a helper from pairing, loads the facts, computes every
/// subject (<see cref="ScoringEngine"/>), and writes in one transaction the changed results as new versions, the
/// rankings of the groups it touched, and, for a month that has ended, the red flags, the yellow cards of the model's
/// rules (each once, with its event in the outbox) and the model version the month keeps. A run that fails writes
/// nothing and may be repeated; a repeat with the same facts writes no new version.
/// </summary>
public sealed class RunScoring(NpgsqlDataSource dataSource, OutboxWriter outbox, IServiceProvider services, IOptions<ScoringOptions> options, TimeProvider clock,
    ILogger<RunScoring> logger) : IBackgroundRun
{
    public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await LoadRunAsync(runId, cancellationToken);
        var today = ChinaTime.Today(clock);
        var month = AssessmentMonth.Parse(run.Month);
        var provisional = month.IsProvisional(today);

        if (options.Value.CollectAttendance)
        {
            await ProgressAsync(runId, "collecting", 0, 0, cancellationToken);
            await services.GetRequiredService<CollectAttendance>().CollectAsync(month.Text, run.Prefix,
                (done, total) => ProgressAsync(runId, "collecting", done, total, cancellationToken), cancellationToken);
            await services.GetRequiredService<CollectNames>().CollectAsync(run.Prefix, cancellationToken);
        }

        if (options.Value.CollectHelperGaps)
        {
            await ProgressAsync(runId, "collecting", 0, 0, cancellationToken);
            await services.GetRequiredService<CollectHelperGaps>().CollectAsync(month.Text, run.Prefix, cancellationToken);
        }

        await ProgressAsync(runId, "loading", 0, 0, cancellationToken);
        var inputs = await LoadInputsAsync(month, run.Prefix, today, provisional, cancellationToken);
        var lastReported = 0;
        var result = ScoringEngine.Score(inputs, (done, total) =>
        {
            // Progress every 5% of the subjects: a console polls it, a write per subject would cost more than the scoring.
            if (done == total || done - lastReported >= Math.Max(1, total / 20))
            {
                lastReported = done;
                ProgressAsync(runId, "scoring", done, total, cancellationToken).GetAwaiter().GetResult();
            }
        });
        result = await SubjectNames.NameAsync(dataSource, RunCoverage.Within(result, run.Prefix), cancellationToken);
        await ProgressAsync(runId, "writing", result.Scores.Count, result.Scores.Count, cancellationToken);
        var written = await WriteAsync(run, month, provisional, result, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE scoring_runs SET status = 'succeeded', stage = 'done', subjects = @subjects, new_versions = @written, provisional = @provisional, finished_at = now(),
                lease_until = NULL
            WHERE id = @runId
            """, new { runId, subjects = result.Scores.Count, written, provisional }, cancellationToken: cancellationToken));
        logger.LogInformation("Scoring run {RunId} of {Month} under {Prefix}: {Subjects} subjects, {Written} new versions", runId, month.Text, run.Prefix,
            result.Scores.Count, written);
    }

    public async Task<ScoringInputs> LoadInputsAsync(AssessmentMonth month, string prefix, DateOnly today, bool provisional, CancellationToken cancellationToken)
    {
        var region = RegionScope.Parse(prefix);
        var args = new
        {
            month = month.Text, first = month.First.ToDateTime(TimeOnly.MinValue), last = month.Last.ToDateTime(TimeOnly.MinValue), region.From, region.To, region.Prefix,
            cutoff = (month.Last < today ? month.Last.AddDays(1) : today).ToDateTime(TimeOnly.MinValue),
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var attendance = (await connection.QueryAsync<(Guid Id, Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int MinimumDays,
            int OffPostCheckIns, int ApprovedLeaveDays, string DailyLogDays)>(new CommandDefinition(
            """
            SELECT id, cadre_id, cadre_name, village_code, force, on_post_days, minimum_days, off_post_check_ins, approved_leave_days,
                   array_to_string(daily_log_days, ',') AS daily_log_days
            FROM attendance_facts
            WHERE month = @month AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new AttendanceFact(r.Id, r.CadreId, r.CadreName, r.VillageCode, r.Force, r.OnPostDays, r.MinimumDays, r.OffPostCheckIns, r.ApprovedLeaveDays,
                r.DailyLogDays.Length == 0 ? [] : [.. r.DailyLogDays.Split(',').Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture))]))
            .ToList();
        var assignments = (await connection.QueryAsync<(string VillageCode, string Force, Guid? CadreId, string UnitCode, DateOnly StartsOn, DateOnly? EndsOn)>(new CommandDefinition(
            """
            SELECT village_code, force, cadre_id, unit_code, starts_on, ends_on FROM assignments
            WHERE village_code >= @From AND village_code < @To AND starts_on <= @last AND (ends_on IS NULL OR ends_on >= @first)
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new AssignmentFact(r.VillageCode, r.Force, r.CadreId, r.UnitCode, r.StartsOn, r.EndsOn))
            .ToList();
        var gaps = (await connection.QueryAsync<(Guid Id, string VillageCode, string Force, string? UnitCode, DateOnly OpenedOn, DateOnly? ClosedOn)>(new CommandDefinition(
            """
            SELECT id, village_code, force, unit_code, opened_on, closed_on FROM coverage_gaps
            WHERE village_code >= @From AND village_code < @To AND opened_on <= @last AND (closed_on IS NULL OR closed_on >= @first)
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new GapFact(r.Id, r.VillageCode, r.Force, r.UnitCode, r.OpenedOn, r.ClosedOn)).ToList();
        var contacts = (await connection.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, string? UnitCode, bool MissingContact, bool MissingVisit)>(new CommandDefinition(
            """
            SELECT id, household_id, village_code, unit_code, missing_contact, missing_visit FROM contact_overdue
            WHERE period = @month AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new ContactOverdueFact(r.Id, r.HouseholdId, r.VillageCode, r.UnitCode, r.MissingContact, r.MissingVisit)).ToList();
        // Overdue as of the month's end (or today for a running month): a task completed after its due date stays overdue,
        // one due after the month's end is the next month's business, so a repeat gives the same answer.
        var tasks = (await connection.QueryAsync<(Guid Id, string Title, string OwnerKind, string OwnerId, DateOnly DueOn, bool Completed)>(new CommandDefinition(
            """
            SELECT id, title, owner_kind, owner_id, due_on, completed_on IS NOT NULL AS completed FROM tasks
            WHERE month = @month AND starts_with(county_code, left(@Prefix, 6)) AND (length(@Prefix) <= 6 OR starts_with(owner_id, @Prefix))
              AND due_on < @cutoff AND (completed_on IS NULL OR completed_on > due_on)
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new OverdueTaskFact(r.Id, r.Title, r.OwnerKind, r.OwnerId, r.DueOn, r.Completed)).ToList();

        var facts = await MonthFacts.LoadAsync(connection, month, region, cancellationToken);

        // The model of each county: the version the month keeps once scored final, else the one in force now.
        var counties = assignments.Select(a => a.VillageCode[..6]).Concat(attendance.Select(a => a.VillageCode[..6])).Distinct(StringComparer.Ordinal).ToList();
        var pinned = (await connection.QueryAsync<(string CountyCode, Guid Id, string Definition)>(new CommandDefinition(
            """
            SELECT m.county_code, v.id, v.definition::text FROM month_models m JOIN model_versions v ON v.id = m.model_version_id
            WHERE m.month = @month AND m.county_code = ANY(@counties)
            """, new { month = month.Text, counties = counties.ToArray() }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.CountyCode, r => new ModelChoice(r.Id, ModelDefinition.Parse(r.Definition)), StringComparer.Ordinal);
        var models = new Dictionary<string, ModelChoice>(StringComparer.Ordinal);
        var resolved = new Dictionary<string, ModelChoice?>(StringComparer.Ordinal);
        foreach (var county in counties)
        {
            if (pinned.TryGetValue(county, out var kept))
            {
                models[county] = kept;
                continue;
            }

            if (await ScoringModels.ResolveAsync(connection, month.First.Year, county, cancellationToken) is { } current)
            {
                models[county] = new ModelChoice(current.Id, current.Definition);
            }
            else
            {
                throw ApiProblems.NotFound("model_not_found", "未找到考核模型", $"No scoring model for {month.First.Year} applies to {county}.")
                    .ToException($"{month.First.Year}年没有适用于{county}的考核模型");
            }
        }

        return new ScoringInputs(month, month.AsOf(today), provisional, attendance, assignments, gaps, contacts, tasks, models, facts.Inspections, facts.ProcessRecords,
            facts.StatusChanges, facts.HelperGaps, facts.Conduct, facts.ExecutionRates,
            facts.Rectifications, facts.MonitoringOverdue);
    }

    private async Task<int> WriteAsync(RunRow run, AssessmentMonth month, bool provisional, ScoringResult result, CancellationToken cancellationToken)
    {
        var region = RegionScope.Parse(run.Prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One writer per month at a time: versions are numbered one after the other and rankings read what is committed.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('assessment-scores:' || @month))", new { month = month.Text },
            transaction, cancellationToken: cancellationToken));
        var latest = (await connection.QueryAsync<(string SubjectKind, string SubjectId, int Version, string ContentHash, bool Provisional, string SubjectName)>(new CommandDefinition(
            """
            SELECT DISTINCT ON (subject_kind, subject_id) subject_kind, subject_id, version, content_hash, provisional, subject_name FROM scores
            WHERE month = @month AND region_code >= @From AND region_code < @To
            ORDER BY subject_kind, subject_id, version DESC
            """, new { month = month.Text, region.From, region.To }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => (r.SubjectKind, r.SubjectId));

        var rows = new List<(SubjectScore Score, int Version, string Hash)>();
        var corrections = new List<string>();
        var renamed = new List<(SubjectScore Score, int Version)>();
        foreach (var score in result.Scores)
        {
            var hash = score.Hash();
            if (latest.TryGetValue((score.Kind, score.Id), out var previous))
            {
                if (previous.ContentHash == hash)
                {
                    if (previous.SubjectName != score.Name)
                    {
                        renamed.Add((score, previous.Version));
                    }

                    continue;
                }

                if (!previous.Provisional)
                {
                    corrections.Add($"{score.Kind}:{score.Id}");
                }
            }

            rows.Add((score, (previous.Version) + 1, hash));
        }

        // A published (final) score is corrected only with a reason; without one the run changes nothing.
        if (corrections.Count > 0 && string.IsNullOrWhiteSpace(run.Reason))
        {
            throw ApiProblems.Conflict("correction_reason_required", "更正已发布的考核结果须说明原因",
                $"{corrections.Count} published scores would change (first: {corrections[0]}); score the month again with a reason.")
                .ToException($"有{corrections.Count}个已发布的考核结果将被更正，须说明更正原因");
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY scores (id, month, subject_kind, subject_id, subject_name, region_code, group_code, version, total, provisional, model_version_id, content_hash, explanation, reason, run_id) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var (score, version, hash) in rows)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(month.Text, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(score.Kind, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(score.Id, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(score.Name, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(score.RegionCode, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(score.GroupCode, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(version, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(score.Total, NpgsqlDbType.Numeric, cancellationToken);
                await importer.WriteAsync(score.Provisional, NpgsqlDbType.Boolean, cancellationToken);
                await importer.WriteAsync(score.ModelVersionId, NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(hash, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(JsonSerializer.Serialize(score.Indicators, ModelDefinition.Json), NpgsqlDbType.Jsonb, cancellationToken);
                if (version > 1 && !string.IsNullOrWhiteSpace(run.Reason))
                {
                    await importer.WriteAsync(run.Reason, NpgsqlDbType.Text, cancellationToken);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken);
                }

                await importer.WriteAsync(run.Id, NpgsqlDbType.Uuid, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        // A name is a label, not a result: a subject renamed in dispatch's registry keeps its version under the new name.
        if (renamed.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE scores s SET subject_name = r.name FROM unnest(@kinds, @ids, @versions, @names) AS r (kind, id, version, name)
                WHERE s.month = @month AND s.subject_kind = r.kind AND s.subject_id = r.id AND s.version = r.version
                """, new
                {
                    month = month.Text, kinds = renamed.Select(r => r.Score.Kind).ToArray(), ids = renamed.Select(r => r.Score.Id).ToArray(),
                    versions = renamed.Select(r => r.Version).ToArray(), names = renamed.Select(r => r.Score.Name).ToArray(),
                }, transaction, cancellationToken: cancellationToken));
        }

        // Rankings of every group the run touched, from the latest version of each subject (also those scored by other runs).
        var groups = result.Scores.Select(s => (s.Kind, s.GroupCode)).Distinct().ToList();
        var groupArgs = new { month = month.Text, kinds = groups.Select(g => g.Kind).ToArray(), groupCodes = groups.Select(g => g.GroupCode).ToArray() };
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TEMP TABLE touched_groups ON COMMIT DROP AS SELECT * FROM unnest(@kinds, @groupCodes) AS g (subject_kind, group_code);
            DELETE FROM rankings r USING touched_groups g WHERE r.month = @month AND r.subject_kind = g.subject_kind AND r.group_code = g.group_code;
            INSERT INTO rankings (month, subject_kind, group_code, subject_id, region_code, rank, total, score_id)
            SELECT @month, s.subject_kind, s.group_code, s.subject_id, s.region_code,
                   rank() OVER (PARTITION BY s.subject_kind, s.group_code ORDER BY s.total DESC), s.total, s.id
            FROM (SELECT DISTINCT ON (subject_kind, subject_id) * FROM scores WHERE month = @month ORDER BY subject_kind, subject_id, version DESC) s
            JOIN touched_groups g ON g.subject_kind = s.subject_kind AND g.group_code = s.group_code;
            """, groupArgs, transaction, cancellationToken: cancellationToken));

        if (!provisional)
        {
            await AwardAsync(connection, transaction, run, month, region, result, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>What a final scoring decides once: the red flag of each ranking the run covers, the rules' yellow cards, the month's models.</summary>
    private async Task AwardAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RunRow run, AssessmentMonth month, RegionScope region, ScoringResult result,
        CancellationToken cancellationToken)
    {
        // A ranking is flagged only by a run that covers the whole group (a county's run does not flag its city's ranking).
        var flags = (await connection.QueryAsync<(Guid Id, string SubjectKind, string GroupCode, string SubjectId, string SubjectName, string RegionCode, decimal Total,
            DateTime AwardedAt)>(new CommandDefinition(
            """
            INSERT INTO red_flags (id, month, subject_kind, group_code, subject_id, subject_name, region_code, total)
            SELECT DISTINCT ON (r.subject_kind, r.group_code) gen_random_uuid(), @month, r.subject_kind, r.group_code, r.subject_id, s.subject_name, r.region_code, r.total
            FROM rankings r JOIN scores s ON s.id = r.score_id JOIN touched_groups g ON g.subject_kind = r.subject_kind AND g.group_code = r.group_code
            WHERE r.month = @month AND r.rank = 1 AND starts_with(r.group_code, @Prefix) AND r.subject_kind = ANY(@kinds)
            ORDER BY r.subject_kind, r.group_code, r.subject_id
            ON CONFLICT (month, subject_kind, group_code) DO NOTHING
            RETURNING id, subject_kind, group_code, subject_id, subject_name, region_code, total, awarded_at
            """, new { month = month.Text, region.Prefix, kinds = result.RedFlagRankings.ToArray() }, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var flag in flags)
        {
            await outbox.EnqueueAsync(transaction, new RedFlagAwarded(flag.Id, month.Text, flag.SubjectKind, flag.GroupCode, flag.SubjectId, flag.SubjectName,
                flag.RegionCode, flag.Total, new DateTimeOffset(DateTime.SpecifyKind(flag.AwardedAt, DateTimeKind.Utc))), cancellationToken);
        }

        foreach (var card in result.YellowCards)
        {
            var issued = await connection.QuerySingleOrDefaultAsync<(Guid Id, DateTime IssuedAt)?>(new CommandDefinition(
                """
                INSERT INTO yellow_cards (id, month, subject_kind, subject_id, subject_name, region_code, rule, reason, issued_by)
                VALUES (@id, @month, @SubjectKind, @SubjectId, @SubjectName, @RegionCode, @Rule, @Reason, 'assessment')
                ON CONFLICT (month, subject_kind, subject_id, rule) WHERE rule <> 'manual' DO NOTHING
                RETURNING id, issued_at
                """, new { id = Guid.CreateVersion7(), month = month.Text, card.SubjectKind, card.SubjectId, card.SubjectName, card.RegionCode, card.Rule, card.Reason },
                transaction, cancellationToken: cancellationToken));
            if (issued is { } i)
            {
                await outbox.EnqueueAsync(transaction, new YellowCardIssued(i.Id, month.Text, card.SubjectKind, card.SubjectId, card.SubjectName, card.RegionCode, card.Rule,
                    card.Reason, "assessment", new DateTimeOffset(DateTime.SpecifyKind(i.IssuedAt, DateTimeKind.Utc))), cancellationToken);
            }
        }

        var counties = result.Scores.Select(s => (s.CountyCode, s.ModelVersionId)).Distinct().ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO month_models (month, county_code, model_version_id)
            SELECT @month, c, m FROM unnest(@counties, @models) AS x (c, m)
            ON CONFLICT (month, county_code) DO NOTHING
            """, new { month = month.Text, counties = counties.Select(c => c.CountyCode).ToArray(), models = counties.Select(c => c.ModelVersionId).ToArray() },
            transaction, cancellationToken: cancellationToken));
    }

    private async Task ProgressAsync(Guid runId, string stage, int progress, int total, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE scoring_runs SET stage = @stage, progress = @progress, total = @total, lease_until = now() + @lease WHERE id = @runId",
            new { runId, stage, progress, total, lease = options.Value.Lease }, cancellationToken: cancellationToken));
    }

    private async Task<RunRow> LoadRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<RunRow>(new CommandDefinition("SELECT id, month, prefix, reason FROM scoring_runs WHERE id = @runId", new { runId },
            cancellationToken: cancellationToken));
    }

    private sealed record RunRow(Guid Id, string Month, string Prefix, string? Reason);
}
