using Assessment.Api.Domain;
using Dapper;
using Npgsql;
using Platform.Security;

namespace Assessment.Api.Features.Facts;

/// <summary>
/// The month's facts kept from dispatch's, pairing's and funds' events (inspections, process records, household status
/// changes, the execution rate, rectifications of weak villages, monitoring cases found overdue)
/// and collected from pairing (households without a helper), and the conduct violations of assessment's own register (not
/// withdrawn), under a region, for a scoring run.
/// </summary>
public sealed record MonthFacts(
    IReadOnlyList<InspectionFact> Inspections,
    IReadOnlyList<ProcessRecordFact> ProcessRecords,
    IReadOnlyList<StatusChangeFact> StatusChanges,
    IReadOnlyList<HelperGapFact> HelperGaps,
    IReadOnlyList<ConductFact> Conduct,
    IReadOnlyList<ExecutionRateFact> ExecutionRates,
    IReadOnlyList<RectificationFact> Rectifications,
    IReadOnlyList<MonitoringOverdueFact> MonitoringOverdue)
{
    public static async Task<MonthFacts> LoadAsync(NpgsqlConnection connection, AssessmentMonth month, RegionScope region, CancellationToken cancellationToken)
    {
        var args = new
        {
            month = month.Text, first = month.First, last = month.Last, region.From, region.To,
            // A week ending in the month may start in the one before; status changes count by their China day.
            weekStart = month.First.AddDays(-6),
            changedFrom = ChinaTime.StartOfDay(month.First).UtcDateTime,
            changedTo = new DateTimeOffset(month.Last.AddDays(1).ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).UtcDateTime,
        };
        var inspections = (await connection.QueryAsync<(Guid Id, string VillageCode, Guid CadreId, string CadreName, string? Force, string UnitCode, DateOnly InspectedOn,
            bool Present)>(new CommandDefinition(
            """
            SELECT id, village_code, cadre_id, cadre_name, force, unit_code, inspected_on, present FROM inspection_facts
            WHERE inspected_on BETWEEN @first AND @last AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new InspectionFact(r.Id, r.VillageCode, r.CadreId, r.CadreName, r.Force, r.UnitCode, r.InspectedOn, r.Present)).ToList();
        var records = (await connection.QueryAsync<(Guid Id, string VillageCode, string Kind, Guid CadreId, DateOnly PeriodStart, DateTime WrittenAt)>(new CommandDefinition(
            """
            SELECT id, village_code, kind, cadre_id, period_start, written_at FROM process_record_facts
            WHERE period_start BETWEEN @weekStart AND @last AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new ProcessRecordFact(r.Id, r.VillageCode, r.Kind, r.CadreId, r.PeriodStart, new DateTimeOffset(DateTime.SpecifyKind(r.WrittenAt, DateTimeKind.Utc))))
            .ToList();
        var changes = (await connection.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, string? PreviousStatus, string Status, string? UnitCode, DateTime ChangedAt)>(
            new CommandDefinition(
            """
            SELECT id, household_id, village_code, previous_status, status, unit_code, changed_at FROM household_status_facts
            WHERE changed_at >= @changedFrom AND changed_at < @changedTo AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new StatusChangeFact(r.Id, r.HouseholdId, r.VillageCode, r.PreviousStatus, r.Status, r.UnitCode,
                ChinaTime.DayOf(new DateTimeOffset(DateTime.SpecifyKind(r.ChangedAt, DateTimeKind.Utc))))).ToList();
        var helperGaps = (await connection.QueryAsync<(Guid Id, string VillageCode, int Households, int WithHelper)>(new CommandDefinition(
            """
            SELECT id, village_code, households, with_helper FROM helper_gap_facts
            WHERE month = @month AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new HelperGapFact(r.Id, r.VillageCode, r.Households, r.WithHelper)).ToList();
        var conduct = (await connection.QueryAsync<(Guid Id, string SubjectId, string SubjectName, string RegionCode, string Rule, string RuleTitle, DateOnly DecidedOn)>(
            new CommandDefinition(
            """
            SELECT e.id, e.subject_id, e.subject_name, e.region_code, e.conduct_rule, c.title, e.decided_on
            FROM accountability_entries e JOIN conduct_rules c ON c.code = e.conduct_rule
            WHERE e.kind = 'conduct_violation' AND e.subject_kind = 'cadre' AND e.decided_on BETWEEN @first AND @last
              AND e.region_code >= @From AND e.region_code < @To
              AND NOT EXISTS (SELECT 1 FROM accountability_entries w WHERE w.withdraws_id = e.id)
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new ConductFact(r.Id, Guid.Parse(r.SubjectId), r.SubjectName, r.RegionCode, r.Rule, r.RuleTitle, r.DecidedOn)).ToList();
        var rates = (await connection.QueryAsync<ExecutionRateFact>(new CommandDefinition(
            """
            SELECT id, region_code, level, allocated_fen, spent_fen, version FROM funds_execution_facts
            WHERE month = @month AND region_code >= @From AND region_code < @To
            """, args, cancellationToken: cancellationToken))).ToList();
        // A rectification matters to a month when its deadline fell before the month ended and it was not lifted before the month began.
        var rectifications = (await connection.QueryAsync<(Guid Id, string VillageCode, string VillageName, DateOnly Deadline, DateOnly? LiftedOn)>(new CommandDefinition(
            """
            SELECT id, village_code, village_name, deadline, lifted_on FROM rectification_facts
            WHERE deadline <= @last AND (lifted_on IS NULL OR lifted_on >= @first) AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new RectificationFact(r.Id, r.VillageCode, r.VillageName, r.Deadline, r.LiftedOn)).ToList();
        var monitoring = (await connection.QueryAsync<(Guid Id, Guid HouseholdId, string VillageCode, string HeadName, string Kind, DateOnly RespondBy, DateOnly FoundOn)>(
            new CommandDefinition(
            """
            SELECT id, household_id, village_code, head_name, kind, respond_by, found_on FROM monitoring_overdue_facts
            WHERE found_on BETWEEN @first AND @last AND village_code >= @From AND village_code < @To
            """, args, cancellationToken: cancellationToken)))
            .Select(r => new MonitoringOverdueFact(r.Id, r.HouseholdId, r.VillageCode, r.HeadName, r.Kind, r.RespondBy, r.FoundOn)).ToList();
        return new MonthFacts(inspections, records, changes, helperGaps, conduct, rates, rectifications, monitoring);
    }
}
