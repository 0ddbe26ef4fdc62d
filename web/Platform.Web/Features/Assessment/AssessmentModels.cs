namespace Platform.Web.Features.Assessment;

// The assessment service's answers (/api/assessment/...), as the console reads them.

public sealed record AssessmentTask(Guid Id, Guid ListId, string CountyCode, string Month, string Title, string OwnerKind, string OwnerId, DateOnly DueOn,
    string EvidenceExpected, DateOnly? CompletedOn, string? Evidence, bool Overdue, string? Explanation, string? ExplainedBy);

public sealed record TaskList(Guid Id, string CountyCode, string Month, string Kind, string KindName, string Title, string IssuedBy, IReadOnlyList<AssessmentTask> Tasks);

public sealed record RankingEntry(int Rank, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, decimal Total,
    bool Provisional, int Version, bool RedFlag);

public sealed record Ranking(string Month, string SubjectKind, string Prefix, IReadOnlyList<RankingEntry> Entries);

public sealed record FactRef(Guid Id, string Kind, string Label, decimal Value);

public sealed record IndicatorScore(string Key, string Name, string Source, string Kind, decimal Weight, decimal Target, decimal Floor, decimal? Value,
    decimal? Points, bool Available, string Note, IReadOnlyList<FactRef> Facts);

public sealed record ScoreVersion(int Version, decimal Total, bool Provisional, string? Reason, Guid ModelVersionId, DateTimeOffset CreatedAt);

public sealed record SubjectScore(string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string GroupCode, int Version,
    decimal Total, int? Rank, bool Provisional, Guid ModelVersionId, string? Reason, IReadOnlyList<IndicatorScore> Indicators, IReadOnlyList<ScoreVersion> Versions);

public sealed record RedFlag(Guid Id, string Month, string SubjectKind, string GroupCode, string SubjectId, string SubjectName, string RegionCode, decimal Total,
    DateTimeOffset AwardedAt);

public sealed record YellowCard(Guid Id, string Month, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Rule, string Reason,
    string IssuedBy, DateTimeOffset IssuedAt);

public sealed record ScoringRun(Guid Id, string Month, string Prefix, string Status, string Stage, int Progress, int Total, bool Provisional, int? Subjects,
    int? NewVersions, string? ProblemCode, string? Error, string? Reason, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt)
{
    public bool IsWorking => Status is "queued" or "running";

    public double Percent => Status == "succeeded" ? 100 : Total == 0 ? 0 : Math.Round(100.0 * Progress / Total, 1);

    public string StageName => Stage switch
    {
        "queued" => "排队中",
        "collecting" => "收集数据",
        "scoring" => "计分",
        "writing" => "写入结果",
        "done" => "完成",
        _ => Stage,
    };
}

public sealed record AccountabilityEntry(Guid Id, string Kind, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Reason,
    IReadOnlyList<string> Evidence, string DecidedBy, DateOnly DecidedOn, DateTimeOffset RecordedAt, string Source, string? CauseKey, Guid? ProposalId,
    Guid? WithdrawsId, string? ConductRule, Guid? WithdrawnBy = null);

public sealed record EntryPage(IReadOnlyList<AccountabilityEntry> Items, string? Next);

public sealed record AccountabilityProposal(Guid Id, string Rule, string CauseKey, string EntryKind, string SubjectKind, string SubjectId, string SubjectName,
    string RegionCode, string Reason, IReadOnlyDictionary<string, string> Facts, string Status, DateTimeOffset ProposedAt, string? DecidedBy,
    DateTimeOffset? DecidedAt, string? DecisionReason, Guid? EntryId);

public sealed record ProposalPage(IReadOnlyList<AccountabilityProposal> Items, string? Next);

/// <summary>The Chinese words of assessment's codes.</summary>
public static class AssessmentWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> SubjectKinds =
        [("county", "县（市、区）"), ("township", "乡镇"), ("assisting_unit", "帮扶单位"), ("first_secretary", "第一书记"), ("work_team", "驻村工作队")];

    public static readonly IReadOnlyList<(string Code, string Name)> EntryKinds =
    [
        ("criticism_bulletin", "通报批评"), ("talk", "约谈"), ("admonishment", "诫勉谈话"), ("removal_proposal", "免职建议"), ("commendation", "表扬"),
        ("conduct_violation", "违反禁令/纪律"), ("withdrawal", "撤销"),
    ];

    private static readonly Dictionary<string, string> Words = new()
    {
        ["county"] = "县（市、区）", ["township"] = "乡镇", ["assisting_unit"] = "帮扶单位", ["first_secretary"] = "第一书记", ["work_team"] = "驻村工作队",
        ["cadre"] = "干部", ["unit_head"] = "单位负责人", ["township_secretary"] = "乡镇党委书记", ["coordination"] = "协调办", ["contact_leader"] = "联系县领导",
        ["criticism_bulletin"] = "通报批评", ["talk"] = "约谈", ["admonishment"] = "诫勉谈话", ["removal_proposal"] = "免职建议", ["commendation"] = "表扬",
        ["conduct_violation"] = "违反禁令/纪律", ["withdrawal"] = "撤销",
        ["open"] = "待决定", ["confirmed"] = "已确认", ["rejected"] = "已驳回", ["manual"] = "人工记录",
        ["bulletins_twice"] = "一年两次通报批评", ["bundled"] = "捆绑评价问责", ["satisfaction_below_threshold"] = "群众满意度低于标准",
        ["complaint_late_reply"] = "诉求逾期答复", ["complaint_unsatisfactory"] = "诉求答复不满意", ["annual_bottom_decile"] = "年度排名末位",
        ["exit_check_failed"] = "退出验收未通过", ["veto"] = "一票否决",
        ["first_secretary_gap"] = "第一书记空缺超期", ["on_post_far_below_minimum"] = "在岗天数远低于要求",
        ["ratio"] = "比率", ["threshold"] = "达标", ["count"] = "计数", ["penalty"] = "扣分",
    };

    public static string Name(string? code) => code is null ? "" : Words.GetValueOrDefault(code, code);

    public static string Points(decimal? value) => value is { } v ? v.ToString("0.##") : "—";
}
