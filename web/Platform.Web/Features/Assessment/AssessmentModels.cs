using Platform.ApiClients.Assessment.Models;

namespace Platform.Web.Features.Assessment;

/// <summary>
/// A scoring run as the rankings page shows and polls it (<c>/api/assessment/scoring-runs/{id}</c>), read from the contract's model:
/// the page decides on its status and stage (working, progress, the stage's Chinese name), so it holds values, not the model's nullable ones.
/// </summary>
public sealed record ScoringRun(Guid Id, string Status, string Stage, int Progress, int Total, bool Provisional, int? Subjects, int? NewVersions, string? Error)
{
    public static ScoringRun From(ScoringRunView run) =>
        new(run.Id ?? Guid.Empty, run.Status ?? "", run.Stage ?? "", run.Progress ?? 0, run.Total ?? 0, run.Provisional ?? false, run.Subjects, run.NewVersions,
            run.Error);

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

    public static string Points(double? value) => value is { } v ? v.ToString("0.##") : "—";

    /// <summary>A total score as the rankings show it (two decimals); "—" when the service sent none.</summary>
    public static string Total(double? value) => value is { } v ? v.ToString("0.00") : "—";
}
