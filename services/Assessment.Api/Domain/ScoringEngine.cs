using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Assessment.Api.Domain;

/// <summary>A fact behind an indicator, with its id in assessment's copy (attendance, gap, overdue contact, task).</summary>
public sealed record FactRef(Guid Id, string Kind, string Label, decimal Value);

/// <summary>One indicator of one subject: the value, the target, the points, and the facts behind them.</summary>
public sealed record IndicatorScore(string Key, string Name, string Source, string Kind, decimal Weight, decimal Target, decimal Floor, decimal? Value,
    decimal? Points, bool Available, string Note, IReadOnlyList<FactRef> Facts);

public sealed record SubjectScore(string Kind, string Id, string Name, string RegionCode, string GroupCode, string CountyCode, Guid ModelVersionId, decimal Total,
    bool Provisional, IReadOnlyList<IndicatorScore> Indicators)
{
    /// <summary>The fingerprint of the result: a new version is written only when it changes.</summary>
    public string Hash()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new { Total, Provisional, ModelVersionId, Indicators }, ModelDefinition.Json);
        return Convert.ToHexString(SHA256.HashData(json));
    }
}

public sealed record YellowCardCandidate(string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason);

public sealed record ScoringResult(IReadOnlyList<SubjectScore> Scores, IReadOnlyList<YellowCardCandidate> YellowCards, IReadOnlySet<string> RedFlagRankings);

/// <summary>
/// Scores one month from its inputs alone (the same inputs give the same result, byte for byte): every subject
/// the facts name, each indicator its model applies to that subject's kind, the total as the points of the available
/// indicators over their weights, times 100. An indicator without its source (funds' execution rate of a month funds has
/// not published) is "unavailable", shown as such and left out of the total, never a silent zero.
/// </summary>
public static class ScoringEngine
{
    private static readonly HashSet<string> ResidentForces = new(StringComparer.Ordinal) { "first_secretary", "team_leader", "team_member" };

    public static ScoringResult Score(ScoringInputs inputs, Action<int, int>? progress = null)
    {
        var subjects = Subjects(inputs);
        var cadreUnit = inputs.Assignments.Where(a => a.CadreId is not null).GroupBy(a => a.CadreId!.Value)
            .ToDictionary(g => g.Key, g => g.Select(a => a.UnitCode).Min(StringComparer.Ordinal)!);
        var unitVillages = inputs.Assignments.Where(a => a.Force == "assisting_unit").GroupBy(a => a.UnitCode)
            .ToDictionary(g => g.Key, g => g.Select(a => a.VillageCode).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        var attendanceByArea = Index(inputs.Attendance, f => f.VillageCode);
        var attendanceByUnit = inputs.Attendance.Where(f => cadreUnit.ContainsKey(f.CadreId)).ToLookup(f => cadreUnit[f.CadreId], StringComparer.Ordinal);
        var attendanceByCadre = inputs.Attendance.ToLookup(f => f.CadreId.ToString());
        var gapsOpen = inputs.Gaps.Where(g => g.OpenedOn <= inputs.Month.Last && (g.ClosedOn is null || g.ClosedOn >= inputs.Month.First)).ToList();
        var gapsByArea = Index(gapsOpen, g => g.VillageCode);
        var contactByArea = Index(inputs.ContactOverdue, c => c.VillageCode);
        var contactByUnit = inputs.ContactOverdue.Where(c => c.UnitCode is not null).ToLookup(c => c.UnitCode!, StringComparer.Ordinal);
        var tasksByOwner = inputs.OverdueTasks.ToLookup(t => (t.OwnerKind, t.OwnerId));
        var inspectionsInMonth = (inputs.Inspections ?? []).Where(i => i.InspectedOn >= inputs.Month.First && i.InspectedOn <= inputs.AsOf).ToList();
        var inspectionsByArea = Index(inspectionsInMonth, i => i.VillageCode);
        var inspectionsByUnit = inspectionsInMonth.ToLookup(i => i.UnitCode, StringComparer.Ordinal);
        var inspectionsByCadre = inspectionsInMonth.ToLookup(i => i.CadreId.ToString());
        var changesInMonth = (inputs.StatusChanges ?? []).Where(c => c.ChangedOn >= inputs.Month.First && c.ChangedOn <= inputs.AsOf).ToList();
        var changesByArea = Index(changesInMonth, c => c.VillageCode);
        var changesByUnit = changesInMonth.Where(c => c.UnitCode is not null).ToLookup(c => c.UnitCode!, StringComparer.Ordinal);
        var helperGapsByArea = Index((inputs.HelperGaps ?? []).Where(g => g.Gaps > 0), g => g.VillageCode);
        var conductInMonth = (inputs.Conduct ?? []).Where(c => c.DecidedOn >= inputs.Month.First && c.DecidedOn <= inputs.AsOf).ToList();
        var conductByArea = Index(conductInMonth, c => c.RegionCode);
        var conductByCadre = conductInMonth.ToLookup(c => c.CadreId.ToString());
        var countyRates = (inputs.ExecutionRates ?? []).Where(r => r.Level == "county").ToLookup(r => r.RegionCode[..6], StringComparer.Ordinal);
        var villageRatesByArea = Index((inputs.ExecutionRates ?? []).Where(r => r.Level == "village"), r => r.RegionCode);
        var rectificationsByArea = Index((inputs.Rectifications ?? []).Where(r => r.OverdueIn(inputs.Month, inputs.Cutoff)), r => r.VillageCode);
        var monitoringByArea = Index((inputs.MonitoringOverdue ?? []).Where(m => m.FoundOn >= inputs.Month.First && m.FoundOn <= inputs.AsOf), m => m.VillageCode);
        var records = new ProcessRecordsIndicator(inputs);
        var recordVillagesByArea = Index(records.VillagesWithResidentForces, v => v);
        var names = inputs.Attendance.GroupBy(f => f.CadreId.ToString()).ToDictionary(g => g.Key, g => g.First().CadreName, StringComparer.Ordinal);

        var scores = new List<SubjectScore>(subjects.Count);
        var cards = new List<YellowCardCandidate>();
        var flagRankings = new HashSet<string>(StringComparer.Ordinal);
        var done = 0;
        foreach (var subject in subjects)
        {
            if (!inputs.ModelsByCounty.TryGetValue(subject.County, out var model))
            {
                continue;
            }

            foreach (var ranking in model.Definition.RedFlag?.Rankings ?? [])
            {
                flagRankings.Add(ranking);
            }

            IReadOnlyList<AttendanceFact> attendance = subject.Kind switch
            {
                SubjectKinds.AssistingUnit => [.. attendanceByUnit[subject.Id]],
                SubjectKinds.FirstSecretary => [.. attendanceByCadre[subject.Id]],
                _ => attendanceByArea.GetValueOrDefault(subject.Area) ?? [],
            };
            IReadOnlyList<GapFact> gaps = subject.Kind switch
            {
                SubjectKinds.AssistingUnit => unitVillages.TryGetValue(subject.Id, out var villages)
                    ? villages.SelectMany(v => gapsByArea.GetValueOrDefault(v) ?? []).Distinct().ToList()
                    : [],
                SubjectKinds.FirstSecretary => [],
                _ => gapsByArea.GetValueOrDefault(subject.Area) ?? [],
            };
            IReadOnlyList<ContactOverdueFact> contacts = subject.Kind switch
            {
                SubjectKinds.AssistingUnit => [.. contactByUnit[subject.Id]],
                SubjectKinds.FirstSecretary or SubjectKinds.WorkTeam => [],
                _ => contactByArea.GetValueOrDefault(subject.Area) ?? [],
            };
            var tasks = tasksByOwner[(subject.Kind, subject.Id)].ToList();
            IReadOnlyList<string> servedVillages = subject.Kind switch
            {
                SubjectKinds.AssistingUnit => unitVillages.TryGetValue(subject.Id, out var served) ? [.. served.Order(StringComparer.Ordinal)] : [],
                SubjectKinds.FirstSecretary => [],
                _ => [subject.Area],
            };
            IReadOnlyList<InspectionFact> inspections = subject.Kind switch
            {
                SubjectKinds.AssistingUnit => [.. inspectionsByUnit[subject.Id]],
                SubjectKinds.FirstSecretary => [.. inspectionsByCadre[subject.Id]],
                _ => inspectionsByArea.GetValueOrDefault(subject.Area) ?? [],
            };
            IReadOnlyList<StatusChangeFact> changes = subject.Kind switch
            {
                SubjectKinds.AssistingUnit => [.. changesByUnit[subject.Id]],
                SubjectKinds.FirstSecretary => [],
                _ => changesByArea.GetValueOrDefault(subject.Area) ?? [],
            };
            // A violation weighs on the cadre as a first secretary and on the work team (and regions) of the village the cadre served.
            IReadOnlyList<ConductFact> conduct = subject.Kind switch
            {
                SubjectKinds.FirstSecretary => [.. conductByCadre[subject.Id]],
                SubjectKinds.AssistingUnit => [],
                _ => conductByArea.GetValueOrDefault(subject.Area) ?? [],
            };
            // The village's own organisation and its monitored households weigh on the regions and the work team there, not on a unit or a cadre.
            // A rectification is told as it stood when the month ended, so a lifting after it changes no final month.
            IReadOnlyList<RectificationFact> rectifications = subject.Kind is SubjectKinds.AssistingUnit or SubjectKinds.FirstSecretary
                ? [] : rectificationsByArea.GetValueOrDefault(subject.Area) ?? [];
            IReadOnlyList<MonitoringOverdueFact> monitoring = subject.Kind is SubjectKinds.AssistingUnit or SubjectKinds.FirstSecretary
                ? [] : monitoringByArea.GetValueOrDefault(subject.Area) ?? [];
            var helperGaps = servedVillages.SelectMany(v => helperGapsByArea.GetValueOrDefault(v) ?? []).Distinct().ToList();
            var recordVillages = subject.Kind == SubjectKinds.AssistingUnit ? servedVillages : servedVillages.SelectMany(v => recordVillagesByArea.GetValueOrDefault(v) ?? []).ToList();

            var indicators = new List<IndicatorScore>();
            foreach (var indicator in model.Definition.Indicators)
            {
                if (!indicator.Weights.TryGetValue(subject.Kind, out var weight))
                {
                    continue;
                }

                indicators.Add(indicator.Source switch
                {
                    IndicatorSources.Attendance => AttendanceIndicator(indicator, weight, attendance),
                    IndicatorSources.OffPostCheckIns => Measured(indicator, weight, attendance.Sum(f => f.OffPostCheckIns),
                        $"异地打卡{attendance.Sum(f => f.OffPostCheckIns)}次",
                        attendance.Where(f => f.OffPostCheckIns > 0).Select(f => new FactRef(f.Id, "attendance", $"{f.CadreName}异地打卡{f.OffPostCheckIns}次", f.OffPostCheckIns))),
                    IndicatorSources.CoverageGaps => Measured(indicator, weight, gaps.Count, $"本月存在力量空缺{gaps.Count}处",
                        gaps.Select(g => new FactRef(g.Id, "coverage_gap",
                            $"{g.VillageCode} {ForceName(g.Force)}空缺，自{g.OpenedOn:yyyy-MM-dd}起{(g.ClosedOn is { } c ? $"至{c:yyyy-MM-dd}" : "未补位")}", GapDays(g, inputs.AsOf)))),
                    IndicatorSources.ContactOverdue => Measured(indicator, weight, contacts.Count, $"联系走访逾期{contacts.Count}户",
                        contacts.Select(c => new FactRef(c.Id, "contact_overdue", $"农户{c.HouseholdId}（{c.VillageCode}）{(c.MissingContact ? "未按月联系" : string.Empty)}{(c.MissingVisit ? "未按期走访" : string.Empty)}", 1))),
                    IndicatorSources.Tasks => Measured(indicator, weight, tasks.Count, $"逾期任务{tasks.Count}项",
                        tasks.Select(t => new FactRef(t.Id, "task", $"{t.Title}（截止{t.DueOn:yyyy-MM-dd}，{(t.Completed ? "逾期完成" : "未完成")}）", 1))),
                    IndicatorSources.Inspections => Measured(indicator, weight, inspections.Count(i => !i.Present),
                        $"不打招呼抽查{inspections.Count}次，{inspections.Count(i => !i.Present)}次不在岗",
                        inspections.Where(i => !i.Present).Select(i => new FactRef(i.Id, "inspection", $"{i.InspectedOn:yyyy-MM-dd} 抽查{i.VillageCode}，{i.CadreName}不在岗", 1))),
                    IndicatorSources.ProcessRecords => records.Score(indicator, weight, attendance, recordVillages),
                    IndicatorSources.ReturnedToPoverty => ReturnedIndicator(indicator, weight, changes),
                    IndicatorSources.HelperGaps => Measured(indicator, weight, helperGaps.Sum(g => g.Gaps), $"{helperGaps.Sum(g => g.Gaps)}户无帮扶责任人",
                        helperGaps.Select(g => new FactRef(g.Id, "helper_gap", $"{g.VillageCode}：{g.Households}户中{g.Gaps}户无帮扶责任人", g.Gaps))),
                    IndicatorSources.Conduct => Measured(indicator, weight, conduct.Count, $"违反禁令和纪律{conduct.Count}次",
                        conduct.Select(c => new FactRef(c.Id, "conduct_violation", $"{c.CadreName}{c.DecidedOn:yyyy-MM-dd}违反“{c.RuleTitle}”（{c.Rule}）", 1))),
                    IndicatorSources.FundsExecution => FundsExecutionIndicator(indicator, weight, subject.Kind switch
                    {
                        SubjectKinds.County => [.. countyRates[subject.Id]],
                        SubjectKinds.Township or SubjectKinds.WorkTeam => villageRatesByArea.GetValueOrDefault(subject.Area) ?? [],
                        _ => [],
                    }),
                    IndicatorSources.Rectification => Measured(indicator, weight, rectifications.Count, $"软弱涣散村超期未完成整改{rectifications.Count}个",
                        rectifications.Select(r => new FactRef(r.Id, "rectification",
                            $"{r.VillageName}（{r.VillageCode}）整改期限{r.Deadline:yyyy-MM-dd}，{(r.LiftedOn is { } l && l < inputs.Cutoff ? $"{l:yyyy-MM-dd}摘帽" : "尚未摘帽")}", 1))),
                    IndicatorSources.MonitoringResponse => Measured(indicator, weight, monitoring.Count, $"监测户超期未落实帮扶措施{monitoring.Count}户",
                        monitoring.Select(m => new FactRef(m.Id, "monitoring_overdue",
                            $"{m.HeadName}户（{m.VillageCode}）应于{m.RespondBy:yyyy-MM-dd}前落实帮扶措施，{m.FoundOn:yyyy-MM-dd}发现逾期", 1))),
                    _ => Unavailable(indicator, weight, "暂无数据：未知来源"),
                });
            }

            var available = indicators.Where(i => i.Available).ToList();
            var weights = available.Sum(i => i.Weight);
            var total = weights == 0 ? 0m : Math.Round(available.Sum(i => i.Points!.Value) / weights * 100m, 2, MidpointRounding.AwayFromZero);
            var name = subject.Kind == SubjectKinds.FirstSecretary && names.TryGetValue(subject.Id, out var cadreName) ? cadreName : subject.Name;
            scores.Add(new SubjectScore(subject.Kind, subject.Id, name, subject.Region, subject.Group, subject.County, model.Id, total, inputs.Provisional, indicators));
            cards.AddRange(YellowCards(model.Definition, subject, name, attendance, gaps, inputs.AsOf));
            progress?.Invoke(++done, subjects.Count);
        }

        return new ScoringResult(scores, cards, flagRankings);
    }

    private static IndicatorScore AttendanceIndicator(IndicatorDefinition indicator, decimal weight, IReadOnlyList<AttendanceFact> facts)
    {
        var required = facts.Sum(f => f.MinimumDays);
        if (required == 0)
        {
            return Unavailable(indicator, weight, "暂无数据：本月无驻村干部在岗记录");
        }

        // Approved leave counts towards the minimum; days beyond it do not make up for another cadre's missing days.
        var met = facts.Sum(f => Math.Min(f.OnPostDays + f.ApprovedLeaveDays, f.MinimumDays));
        var value = Math.Round((decimal)met / required, 4, MidpointRounding.AwayFromZero);
        var below = facts.Count(f => f.OnPostDays + f.ApprovedLeaveDays < f.MinimumDays);
        return new IndicatorScore(indicator.Key, indicator.Name, indicator.Source, indicator.Kind, weight, indicator.Target, indicator.Floor, value,
            FormulaKinds.Points(indicator.Kind, weight, indicator.Target, indicator.Floor, value), true,
            $"{facts.Count}名驻村干部在岗（含批准请假）{met}天，应在岗{required}天，{below}人未达最低天数",
            facts.OrderBy(f => f.Id).Select(f => new FactRef(f.Id, "attendance",
                $"{f.CadreName}：在岗{f.OnPostDays}天、请假{f.ApprovedLeaveDays}天，最低{f.MinimumDays}天", f.OnPostDays)).ToList());
    }

    /// <summary>
    /// Funds' execution rate (spent / allocated, as funds published it for the month) of a county, or of a township's or
    /// village's villages together, each publication row cited; unavailable until funds publishes the month.
    /// </summary>
    private static IndicatorScore FundsExecutionIndicator(IndicatorDefinition indicator, decimal weight, IReadOnlyList<ExecutionRateFact> rates)
    {
        if (rates.Count == 0)
        {
            return Unavailable(indicator, weight, "暂无数据：经费服务尚未发布本月资金执行率");
        }

        var allocated = rates.Sum(r => r.AllocatedFen);
        var spent = rates.Sum(r => r.SpentFen);
        if (allocated <= 0)
        {
            return Unavailable(indicator, weight, "暂无数据：本年尚未分配经费");
        }

        var value = Math.Round((decimal)spent / allocated, 4, MidpointRounding.AwayFromZero);
        return Measured(indicator, weight, value, $"资金执行率{(value * 100).ToString("0.00", CultureInfo.InvariantCulture)}%（已支付{Yuan(spent)}元，已分配{Yuan(allocated)}元）",
            rates.Select(r => new FactRef(r.Id, "funds_execution", $"{r.RegionCode}：已分配{Yuan(r.AllocatedFen)}元，已支付{Yuan(r.SpentFen)}元（经费服务第{r.Version}版发布）",
                r.SpentFen)));
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("#,0.00", CultureInfo.InvariantCulture);

    /// <summary>Households returned to poverty (返贫) in the month, each cited; exits are told beside them.</summary>
    private static IndicatorScore ReturnedIndicator(IndicatorDefinition indicator, decimal weight, IReadOnlyList<StatusChangeFact> changes)
    {
        var returned = changes.Where(c => c.Status == "returned").ToList();
        var households = returned.Select(c => c.HouseholdId).Distinct().Count();
        var exited = changes.Where(c => c.Status == "exited").Select(c => c.HouseholdId).Distinct().Count();
        return Measured(indicator, weight, households, $"本月返贫{households}户（脱贫{exited}户）",
            returned.Select(c => new FactRef(c.Id, "household_status", $"农户{c.HouseholdId}（{c.VillageCode}）{c.ChangedOn:yyyy-MM-dd}返贫", 1)));
    }

    private static IndicatorScore Measured(IndicatorDefinition indicator, decimal weight, decimal value, string note, IEnumerable<FactRef> facts) =>
        new(indicator.Key, indicator.Name, indicator.Source, indicator.Kind, weight, indicator.Target, indicator.Floor, value,
            FormulaKinds.Points(indicator.Kind, weight, indicator.Target, indicator.Floor, value), true, note, facts.OrderBy(f => f.Id).ToList());

    private static IndicatorScore Unavailable(IndicatorDefinition indicator, decimal weight, string note) =>
        new(indicator.Key, indicator.Name, indicator.Source, indicator.Kind, weight, indicator.Target, indicator.Floor, null, null, false, note, []);

    private static IEnumerable<YellowCardCandidate> YellowCards(ModelDefinition model, Subject subject, string name, IReadOnlyList<AttendanceFact> attendance,
        IReadOnlyList<GapFact> gaps, DateOnly asOf)
    {
        foreach (var rule in model.YellowCards ?? [])
        {
            if (rule.Rule == "on_post_far_below_minimum" && subject.Kind == SubjectKinds.FirstSecretary && rule.Ratio is { } ratio)
            {
                foreach (var f in attendance.Where(f => f.MinimumDays > 0 && f.OnPostDays + f.ApprovedLeaveDays < ratio * f.MinimumDays))
                {
                    yield return new YellowCardCandidate(subject.Kind, subject.Id, name, subject.Region, rule.Rule,
                        $"{name}本月在岗{f.OnPostDays}天，远低于最低{f.MinimumDays}天（不足{(ratio * 100).ToString("0", CultureInfo.InvariantCulture)}%）");
                }
            }
            else if (rule.Rule == "first_secretary_gap" && subject.Kind == SubjectKinds.WorkTeam && rule.Days is { } days)
            {
                var open = gaps.Where(g => g.Force == "first_secretary" && (g.ClosedOn is null || g.ClosedOn > asOf) && asOf.DayNumber - g.OpenedOn.DayNumber > days)
                    .OrderBy(g => g.OpenedOn).FirstOrDefault();
                if (open is not null)
                {
                    yield return new YellowCardCandidate(subject.Kind, subject.Id, name, subject.Region, rule.Rule,
                        $"{subject.Id}第一书记自{open.OpenedOn:yyyy-MM-dd}空缺已{asOf.DayNumber - open.OpenedOn.DayNumber}天，超过{days}天");
                }
            }
        }
    }

    private static decimal GapDays(GapFact gap, DateOnly asOf) => Math.Max(0, ((gap.ClosedOn is { } c && c < asOf ? c : asOf).DayNumber - gap.OpenedOn.DayNumber));

    /// <summary>Facts indexed by village, township (9 digits) and county (6 digits), for the regional subjects.</summary>
    private static Dictionary<string, List<T>> Index<T>(IEnumerable<T> facts, Func<T, string> village)
    {
        var index = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            var code = village(fact);
            foreach (var key in new[] { code, code[..Math.Min(9, code.Length)], code[..Math.Min(6, code.Length)] }.Distinct())
            {
                if (!index.TryGetValue(key, out var list))
                {
                    index[key] = list = [];
                }

                list.Add(fact);
            }
        }

        return index;
    }

    private sealed record Subject(string Kind, string Id, string Name, string Region, string Group, string County, string Area);

    /// <summary>The subjects of the month: the regions, units, first secretaries and work teams the forces and facts name.</summary>
    private static List<Subject> Subjects(ScoringInputs inputs)
    {
        var subjects = new Dictionary<(string, string), Subject>();
        void Add(Subject s) => subjects.TryAdd((s.Kind, s.Id), s);

        var villages = inputs.Assignments.Select(a => a.VillageCode).Concat(inputs.Attendance.Select(f => f.VillageCode)).Where(v => v.Length == 12).Distinct();
        foreach (var village in villages)
        {
            var county = village[..6];
            var township = village[..9];
            Add(new Subject(SubjectKinds.County, county, county, SubjectKinds.Pad(county), county[..4], county, county));
            Add(new Subject(SubjectKinds.Township, township, township, SubjectKinds.Pad(township), county, county, township));
        }

        foreach (var a in inputs.Assignments.Where(a => ResidentForces.Contains(a.Force)).Concat(inputs.Attendance.Select(f => new AssignmentFact(f.VillageCode, f.Force, f.CadreId, string.Empty))))
        {
            var county = a.VillageCode[..6];
            Add(new Subject(SubjectKinds.WorkTeam, a.VillageCode, $"{a.VillageCode}驻村工作队", a.VillageCode, county, county, a.VillageCode));
            if (a.Force == "first_secretary" && a.CadreId is { } cadre)
            {
                Add(new Subject(SubjectKinds.FirstSecretary, cadre.ToString(), $"第一书记（{a.VillageCode}）", a.VillageCode, county, county, a.VillageCode));
            }
        }

        foreach (var unit in inputs.Assignments.Where(a => a.Force == "assisting_unit").GroupBy(a => a.UnitCode, StringComparer.Ordinal))
        {
            var county = unit.Select(a => a.VillageCode[..6]).Min(StringComparer.Ordinal)!;
            Add(new Subject(SubjectKinds.AssistingUnit, unit.Key, unit.Key, SubjectKinds.Pad(county), county, county, unit.Key));
        }

        return subjects.Values.OrderBy(s => s.Kind, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
    }

    public static string ForceName(string force) => force switch
    {
        "contact_leader" => "联系县领导",
        "assisting_unit" => "帮扶单位",
        "first_secretary" => "第一书记",
        "team_leader" => "驻村工作队队长",
        "team_member" => "驻村工作队队员",
        "agricultural_technician" => "农技员",
        _ => force,
    };
}
