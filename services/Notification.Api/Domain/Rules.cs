using System.Text;
using System.Text.RegularExpressions;

namespace Notification.Api.Domain;

/// <summary>A variable a rule provides to its template; a required one must appear in the template's text.</summary>
public sealed record RuleVariable(string Name, bool Required, string Description);

/// <summary>
/// A notification rule: what happened, who is told (documented per rule in docs/integration/notifications.md),
/// whether it is urgent (not held for quiet hours), the channels used, and the variables its template may use.
/// </summary>
public sealed record Rule(string Key, string Name, string Description, bool Urgent, IReadOnlyList<string> Channels, IReadOnlyList<RuleVariable> Variables)
{
    public IEnumerable<string> Required => Variables.Where(v => v.Required).Select(v => v.Name);
}

public static class Rules
{
    public const string CoverageGapOpened = "coverage_gap_opened";
    public const string CoverageGapStillOpen = "coverage_gap_still_open";
    public const string CadreRecalled = "cadre_recalled";
    public const string LeaveDecided = "leave_decided";
    public const string HouseholdContactOverdue = "household_contact_overdue";
    public const string VillageCategoryChanged = "village_category_changed";
    public const string CheckInMissing = "check_in_missing";
    public const string WeeklyDigest = "weekly_digest";
    public const string ContactReminder = "contact_reminder";
    public const string RedFlagAwarded = "red_flag_awarded";
    public const string YellowCardIssued = "yellow_card_issued";
    public const string AccountabilityBulletin = "accountability_bulletin";
    public const string AccountabilityTalk = "accountability_talk";
    public const string AccountabilityAdmonishment = "accountability_admonishment";
    public const string AccountabilityRemoval = "accountability_removal";
    public const string AccountabilityCommendation = "accountability_commendation";
    public const string AccountabilityConductViolation = "accountability_conduct_violation";
    public const string AccountabilityWithdrawal = "accountability_withdrawal";
    public const string AccountabilityProposed = "accountability_proposed";
    public const string ComplaintRegistered = "complaint_registered";
    public const string ComplaintReplyDue = "complaint_reply_due";
    public const string AnnualGradeConfirmed = "annual_grade_confirmed";
    public const string CountyVetoed = "county_vetoed";
    public const string LoanOverdue = "loan_overdue";
    public const string HouseholdRiskFlagged = "household_risk_flagged";
    public const string MonitoringResponseOverdue = "monitoring_response_overdue";
    public const string VillageRectificationFlagged = "village_rectification_flagged";
    public const string VillageRectificationLifted = "village_rectification_lifted";
    public const string VillageCommitteeChanged = "village_committee_changed";

    /// <summary>Messages sent by other services over gRPC with their own text (no template).</summary>
    public const string Direct = "direct";

    private static RuleVariable Req(string name, string description) => new(name, true, description);

    private static RuleVariable Opt(string name, string description) => new(name, false, description);

    /// <summary>What every notice of an accountability register entry may say.</summary>
    private static readonly RuleVariable[] EntryVariables =
    [
        Req("subjectName", "问责对象"), Req("reason", "事由"), Req("decidedOn", "决定日期"), Opt("subjectKind", "问责对象类别"), Opt("kind", "问责类别"),
        Opt("evidence", "佐证材料"),
    ];

    public static readonly IReadOnlyDictionary<string, Rule> All = new Rule[]
    {
        new(CoverageGapOpened, "驻村力量空缺", "A village force ended and the village lacks it (驻村力量空缺)", true, ["in_app", "sms"],
            [Req("villageCode", "村级区划代码"), Req("forceName", "力量名称"), Opt("endsOn", "离岗日期"), Opt("reason", "原因")]),
        new(CoverageGapStillOpen, "空缺仍未补位", "A gap still open after N days", false, ["in_app"],
            [Req("villageCode", "村级区划代码"), Req("forceName", "力量名称"), Req("days", "空缺天数"), Opt("openedOn", "空缺开始日期")]),
        new(CadreRecalled, "干部召回", "A dispatched cadre was recalled (召回)", true, ["in_app", "sms"],
            [Req("cadreName", "干部姓名"), Req("villageCode", "村级区划代码"), Req("reason", "召回原因"), Opt("effectiveOn", "生效日期")]),
        new(LeaveDecided, "请假审批", "Leave approved or refused", false, ["in_app", "wechat"],
            [Req("decision", "审批结果（已批准/未批准）"), Req("startsOn", "开始日期"), Req("endsOn", "结束日期"), Opt("cadreName", "干部姓名"), Opt("days", "天数"), Opt("note", "审批意见")]),
        new(HouseholdContactOverdue, "帮扶联系逾期", "A household missed its monthly contact or two-monthly visit", false, ["in_app"],
            [Req("period", "期间"), Req("missing", "未完成事项"), Opt("householdId", "农户编号"), Opt("villageCode", "村级区划代码")]),
        new(VillageCategoryChanged, "村类别变更", "A village changed category", false, ["in_app"],
            [Req("villageName", "村名"), Req("category", "新类别"), Opt("villageCode", "村级区划代码"), Opt("previousCategory", "原类别"), Opt("reason", "原因")]),
        new(CheckInMissing, "驻村打卡提醒", "Morning reminder: no check-in yet today", false, ["in_app", "sms"],
            [Req("date", "日期"), Opt("cadreName", "干部姓名"), Opt("villageCode", "村级区划代码"), Opt("deadline", "截止时间")]),
        new(ContactReminder, "每月联系提醒", "Monthly reminder to a helper whose households have had no contact yet this month (每月联系)", false, ["in_app", "wechat"],
            [Req("count", "未联系户数"), Req("month", "月份"), Opt("helperName", "帮扶责任人姓名"), Opt("households", "农户（户主姓名）")]),
        new(WeeklyDigest, "每周摘要", "Weekly digest to the county organisation department", false, ["in_app", "email"],
            [Req("region", "区划"), Req("from", "开始日期"), Req("to", "结束日期"), Req("summary", "摘要")]),
        new(RedFlagAwarded, "流动红旗通报", "The first of a monthly ranking received the rotating red flag (assessment)", false, ["in_app"],
            [Req("month", "月份"), Req("subjectName", "考核对象"), Req("ranking", "排名类别"), Opt("total", "总分"), Opt("groupCode", "排名区划")]),
        new(YellowCardIssued, "黄牌警示通报", "A yellow card by a model rule or by hand (assessment)", false, ["in_app"],
            [Req("month", "月份"), Req("subjectName", "考核对象"), Req("reason", "原因"), Opt("subjectKind", "考核对象类别")]),
        new(AccountabilityBulletin, "通报批评", "A criticism bulletin entered in the accountability register (assessment)", false, ["in_app"], EntryVariables),
        new(AccountabilityTalk, "约谈通知", "A talk entered in the accountability register (assessment)", true, ["in_app", "sms"], EntryVariables),
        new(AccountabilityAdmonishment, "诫勉谈话通知", "An admonishment talk entered in the accountability register (assessment)", true, ["in_app", "sms"], EntryVariables),
        new(AccountabilityRemoval, "免职建议通知", "A proposal for removal entered in the accountability register (assessment)", true, ["in_app", "sms"], EntryVariables),
        new(AccountabilityCommendation, "表扬通报", "A commendation entered in the accountability register (assessment)", false, ["in_app"], EntryVariables),
        new(AccountabilityConductViolation, "违反禁令/纪律通报", "A violation of the ten prohibitions or the conduct rules entered in the register (assessment)", false,
            ["in_app"], [.. EntryVariables, Opt("conductRule", "违反条款编码")]),
        new(AccountabilityWithdrawal, "问责记录撤销", "An entry of the accountability register was withdrawn (assessment)", false, ["in_app"], EntryVariables),
        new(AccountabilityProposed, "问责建议待处理", "A rule proposed an accountability entry awaiting an organisation department's decision (assessment)", false, ["in_app"],
            [Req("subjectName", "问责对象"), Req("entryKind", "建议的问责类别"), Req("reason", "建议事由"), Opt("rule", "规则"), Opt("subjectKind", "问责对象类别")]),
        new(ComplaintRegistered, "诉求登记通知", "A complaint was registered against a unit, a cadre or a work team (assessment)", false, ["in_app"],
            [Req("subjectName", "诉求对象"), Req("replyBy", "答复期限"), Opt("subjectKind", "诉求对象类别"), Opt("receivedAt", "受理时间")]),
        new(ComplaintReplyDue, "诉求答复期限临近", "An unanswered complaint's reply deadline is near (assessment)", false, ["in_app", "sms"],
            [Req("subjectName", "诉求对象"), Req("replyBy", "答复期限"), Opt("subjectKind", "诉求对象类别"), Opt("receivedAt", "受理时间")]),
        new(AnnualGradeConfirmed, "年度考核等次", "A first secretary's annual grade was confirmed, or lowered by the county's veto (assessment)", false, ["in_app"],
            [Req("year", "年度"), Req("cadreName", "第一书记姓名"), Req("grade", "考核等次"), Opt("promotion", "是否推荐提拔"), Opt("note", "备注")]),
        new(CountyVetoed, "一票否决", "A county missed its annual poverty-reduction target and is vetoed for the year (assessment)", true, ["in_app"],
            [Req("year", "年度"), Req("countyName", "县（市、区）"), Req("reason", "原因"), Opt("gradesLowered", "调整的优秀等次数")]),
        new(LoanOverdue, "周转资金借款逾期", "A revolving-fund loan's installment is overdue (funds)", false, ["in_app"],
            [Req("borrowerName", "借款人"), Req("dueOn", "应还日期"), Req("overdue", "逾期未还金额（元）"), Opt("installmentNo", "期数"), Opt("purpose", "借款用途"),
             Opt("outstanding", "未还余额（元）"), Opt("villageCode", "村级区划代码")]),
        new(HouseholdRiskFlagged, "防返贫监测预警", "A household came under return-to-poverty monitoring (pairing)", false, ["in_app", "sms"],
            [Req("headName", "户主姓名"), Req("kind", "监测类别"), Req("reason", "纳入监测原因"), Req("respondBy", "落实帮扶期限"), Opt("villageCode", "村级区划代码"),
             Opt("source", "认定方式")]),
        new(MonitoringResponseOverdue, "监测户帮扶逾期", "A monitored household had no helper and measures by its deadline (pairing)", true, ["in_app", "sms"],
            [Req("headName", "户主姓名"), Req("kind", "监测类别"), Req("respondBy", "落实帮扶期限"), Opt("villageCode", "村级区划代码")]),
        new(VillageRectificationFlagged, "软弱涣散村整顿", "A village party organisation was flagged as weak or lax, for rectification (dispatch)", false, ["in_app"],
            [Req("villageName", "村名"), Req("deadline", "整顿期限"), Req("reason", "原因"), Opt("problems", "整改问题数"), Opt("villageCode", "村级区划代码")]),
        new(VillageRectificationLifted, "软弱涣散村整顿销号", "Every problem closed and confirmed: the village's rectification flag was lifted (dispatch)", false,
            ["in_app"], [Req("villageName", "村名"), Opt("problems", "整改问题数"), Opt("lateNote", "是否逾期"), Opt("villageCode", "村级区划代码"), Opt("deadline", "整顿期限")]),
        new(VillageCommitteeChanged, "村干部调整撤换", "A village committee member was adjusted or removed during the term (调整撤换, dispatch)", false, ["in_app"],
            [Req("villageName", "村名"), Req("seat", "职务"), Req("personName", "姓名"), Req("change", "调整方式"), Req("reason", "原因"), Opt("effectiveOn", "生效日期"),
             Opt("villageCode", "村级区划代码")]),
    }.ToDictionary(r => r.Key, StringComparer.Ordinal);

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

    /// <summary>The Chinese name of an assessment ranking (subject kind).</summary>
    public static string RankingName(string kind) => kind switch
    {
        "county" => "县（市、区）",
        "township" => "乡镇",
        "assisting_unit" => "帮扶单位",
        "first_secretary" => "第一书记",
        "work_team" => "驻村工作队",
        _ => kind,
    };

    /// <summary>The Chinese name of a monitored household's kind (防返贫监测对象).</summary>
    public static string MonitoringKindName(string kind) => kind switch
    {
        "unstable_exited" => "脱贫不稳定户",
        "marginal" => "边缘易致贫户",
        "sudden_difficulty" => "突发严重困难户",
        _ => kind,
    };

    /// <summary>The Chinese title of a village committee seat (村两委职务).</summary>
    public static string CommitteeSeatName(string body, string post) =>
        (body == "party_branch" ? "村党支部" : "村民委员会") + post switch
        {
            "secretary" => "书记",
            "deputy_secretary" => "副书记",
            "director" => "主任",
            "deputy_director" => "副主任",
            "member" => "委员",
            _ => post,
        };

    public static string CategoryName(string? category) => category switch
    {
        "poor" => "贫困村",
        "non_poor" => "非贫困村",
        "exited" => "已退出村",
        "planned_exit" => "当年计划退出村",
        null or "" => "（无）",
        _ => category,
    };
}

/// <summary>Placeholders are <c>{name}</c>; names are letters, digits, '_' or CJK characters. No other braces are allowed.</summary>
public static partial class TemplateText
{
    [GeneratedRegex(@"\{([A-Za-z0-9_\p{IsCJKUnifiedIdeographs}]+)\}")]
    private static partial Regex Placeholder();

    /// <summary>The placeholders used, or null when the text has a brace that is not part of a placeholder.</summary>
    public static IReadOnlyList<string>? Placeholders(string text)
    {
        var names = new List<string>();
        var rest = Placeholder().Replace(text, m =>
        {
            names.Add(m.Groups[1].Value);
            return string.Empty;
        });
        return rest.Contains('{', StringComparison.Ordinal) || rest.Contains('}', StringComparison.Ordinal) ? null : names;
    }

    public static string Render(string text, IReadOnlyDictionary<string, string> variables) =>
        Placeholder().Replace(text, m => variables.TryGetValue(m.Groups[1].Value, out var value) ? value : string.Empty);

    /// <summary>A title is one line in a phone's list (and the start of a text message).</summary>
    public const int MaxTitleLength = 100;

    /// <summary>A body is read on a phone; longer texts belong in the records they point to.</summary>
    public const int MaxBodyLength = 2000;

    /// <summary>Problems of a template for <paramref name="rule"/>: (code, field, message), empty when it is valid.</summary>
    public static IReadOnlyList<(string Code, string Field, string Message)> Validate(Rule rule, string? title, string? body)
    {
        var errors = new List<(string, string, string)>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (field, text, max) in new[] { ("title", title, MaxTitleLength), ("body", body, MaxBodyLength) })
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add(("required", field, $"须填写 {field}"));
                continue;
            }

            if (text.Length > max)
            {
                errors.Add(("too_long", field, $"{field} 不能超过{max}个字符"));
                continue;
            }

            var names = Placeholders(text);
            if (names is null)
            {
                errors.Add(("invalid_template_syntax", field, "花括号只能用于变量，如 {villageCode}"));
                continue;
            }

            foreach (var name in names)
            {
                used.Add(name);
                if (!rule.Variables.Any(v => v.Name == name))
                {
                    errors.Add(("unknown_template_variable", field, $"规则 {rule.Key} 不提供变量 {{{name}}}"));
                }
            }
        }

        if (errors.Count == 0)
        {
            foreach (var required in rule.Required.Where(r => !used.Contains(r)))
            {
                errors.Add(("missing_template_variable", "body", $"模板须使用变量 {{{required}}}"));
            }
        }

        return errors;
    }

    public static string Describe(IEnumerable<string> items)
    {
        var builder = new StringBuilder();
        foreach (var item in items)
        {
            builder.Append(builder.Length == 0 ? string.Empty : "；").Append(item);
        }

        return builder.ToString();
    }
}
