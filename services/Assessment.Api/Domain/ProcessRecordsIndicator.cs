namespace Assessment.Api.Domain;

/// <summary>
/// The records-on-time indicator (<see cref="IndicatorSources.ProcessRecords"/>) of one subject: the records its villages
/// and first secretaries owed in the month by <see cref="ProcessRecordRules"/>, and how many were written on time. Cites
/// the late records, and the attendance fact of a first secretary whose daily logs fell short of their days on post.
/// </summary>
public sealed class ProcessRecordsIndicator
{
    private static readonly HashSet<string> ResidentForces = new(StringComparer.Ordinal) { "first_secretary", "team_leader", "team_member" };

    private readonly ScoringInputs inputs;
    private readonly ILookup<(string Village, string Kind, DateOnly PeriodStart), ProcessRecordFact> periodic;
    private readonly ILookup<(Guid Cadre, string Village), ProcessRecordFact> dailyLogs;
    private readonly ILookup<string, AssignmentFact> residentForces;
    private readonly IReadOnlyList<DateOnly> weeks;
    private readonly bool monthlyReportDue;

    public ProcessRecordsIndicator(ScoringInputs inputs)
    {
        this.inputs = inputs;
        var records = inputs.ProcessRecords ?? [];
        periodic = records.Where(r => r.Kind is ProcessRecordRules.WeeklySummary or ProcessRecordRules.MonthlyReport)
            .ToLookup(r => (r.VillageCode, r.Kind, r.PeriodStart));
        dailyLogs = records.Where(r => r.Kind == ProcessRecordRules.DailyLog && r.PeriodStart >= inputs.Month.First && r.PeriodStart <= inputs.AsOf)
            .ToLookup(r => (r.CadreId, r.VillageCode));
        residentForces = inputs.Assignments.Where(a => ResidentForces.Contains(a.Force)).ToLookup(a => a.VillageCode, StringComparer.Ordinal);
        weeks = ProcessRecordRules.WeeksDue(inputs.Month, inputs.Cutoff);
        monthlyReportDue = ProcessRecordRules.MonthlyReportDue(inputs.Month, inputs.Cutoff);
    }

    /// <summary>The villages whose weekly summaries and monthly report count for a subject: every village with a resident force.</summary>
    public IEnumerable<string> VillagesWithResidentForces => residentForces.Select(g => g.Key);

    /// <param name="firstSecretaries">The attendance facts of the first secretaries whose daily logs count (their on-post days are due).</param>
    /// <param name="villages">The villages whose weekly summaries and monthly report count.</param>
    public IndicatorScore Score(IndicatorDefinition indicator, decimal weight, IEnumerable<AttendanceFact> firstSecretaries, IEnumerable<string> villages)
    {
        var due = 0;
        var onTime = 0;
        var late = 0;
        var missing = 0;
        var facts = new List<FactRef>();
        foreach (var fact in firstSecretaries.Where(f => f.Force == "first_secretary"))
        {
            var logs = dailyLogs[(fact.CadreId, fact.VillageCode)].ToList();
            var onTimeDays = logs.Where(r => ProcessRecordRules.IsOnTime(r.Kind, r.PeriodStart, r.WrittenAt)).Select(r => r.PeriodStart).ToHashSet();
            // Logs written with a check-in come with the attendance fact, each on its day (the server's clock decides it).
            onTimeDays.UnionWith(ProcessRecordRules.CountedDailyLogDays(fact.DailyLogDays, inputs.Month, inputs.AsOf));
            var lateDays = logs.Select(r => r.PeriodStart).Where(d => !onTimeDays.Contains(d)).Distinct().Count();
            // Days on post are what is due: logs of other days (an off-post day) do not make up for missing ones.
            var met = Math.Min(onTimeDays.Count, fact.OnPostDays);
            var lateCounted = Math.Min(lateDays, fact.OnPostDays - met);
            due += fact.OnPostDays;
            onTime += met;
            late += lateCounted;
            missing += fact.OnPostDays - met - lateCounted;
            if (met < fact.OnPostDays)
            {
                facts.Add(new FactRef(fact.Id, "attendance", $"{fact.CadreName}：在岗{fact.OnPostDays}天，按时日纪实{met}篇", met));
            }

            facts.AddRange(logs.Where(r => !ProcessRecordRules.IsOnTime(r.Kind, r.PeriodStart, r.WrittenAt)).Select(Late));
        }

        foreach (var village in villages.Distinct(StringComparer.Ordinal))
        {
            var forces = residentForces[village].ToList();
            var periods = weeks.Select(w => (Kind: ProcessRecordRules.WeeklySummary, Start: w))
                .Concat(monthlyReportDue ? [(ProcessRecordRules.MonthlyReport, inputs.Month.First)] : []);
            foreach (var (kind, start) in periods)
            {
                var end = ProcessRecordRules.PeriodEnd(kind, start);
                if (!forces.Any(a => (a.StartsOn is null || a.StartsOn <= end) && (a.EndsOn is null || a.EndsOn >= start)))
                {
                    continue;
                }

                due++;
                var written = periodic[(village, kind, start)].OrderBy(r => r.WrittenAt).FirstOrDefault();
                if (written is null)
                {
                    missing++;
                }
                else if (ProcessRecordRules.IsOnTime(kind, start, written.WrittenAt))
                {
                    onTime++;
                }
                else
                {
                    late++;
                    facts.Add(Late(written));
                }
            }
        }

        if (due == 0)
        {
            return new IndicatorScore(indicator.Key, indicator.Name, indicator.Source, indicator.Kind, weight, indicator.Target, indicator.Floor, null, null, false,
                "暂无数据：本月无应交纪实", []);
        }

        var value = Math.Round((decimal)onTime / due, 4, MidpointRounding.AwayFromZero);
        return new IndicatorScore(indicator.Key, indicator.Name, indicator.Source, indicator.Kind, weight, indicator.Target, indicator.Floor, value,
            FormulaKinds.Points(indicator.Kind, weight, indicator.Target, indicator.Floor, value), true,
            $"应交纪实{due}份，按时{onTime}份，逾期{late}份，未交{missing}份（按服务器写入时间，周期结束当天及以前为按时）",
            facts.OrderBy(f => f.Id).ToList());
    }

    private static FactRef Late(ProcessRecordFact record) => new(record.Id, "process_record",
        $"{record.VillageCode} {KindName(record.Kind)}（{record.PeriodStart:yyyy-MM-dd}起）逾期，写于{Platform.Security.ChinaTime.DayOf(record.WrittenAt):yyyy-MM-dd}", 0);

    private static string KindName(string kind) => kind switch
    {
        ProcessRecordRules.DailyLog => "日纪实",
        ProcessRecordRules.WeeklySummary => "周小结",
        ProcessRecordRules.MonthlyReport => "月报表",
        _ => kind,
    };
}
