using System.Text.Json.Nodes;
using Platform.Security.PersonalData;
using Platform.Security;

namespace Platform.IntegrationTests.ScopeProbe;

/// <summary>
/// The values the probe puts into a request, by parameter or field name, taken from the target county (the one outside
/// the caller's scope): its ids and codes wherever a record is named, and valid values elsewhere, so that a request
/// gets past validation to the lookup it probes. Several candidates for a field give several requests (one field
/// varied at a time). A name the probe does not know gets every id (uuid) or every code (string) of the target county.
/// </summary>
public sealed class ProbeValues(ProbeCounty target, ProbeCounty home)
{
    private const string Text = "探针：越权写入检查";
    private static int serial;

    public ProbeCounty Target { get; } = target;

    /// <summary>The caller's own county, for bodies that mix both (an import that names a record of the target from home).</summary>
    public ProbeCounty Home { get; } = home;

    /// <summary>
    /// Candidates for a parameter or body field; null when the probe has none (then the caller decides: an optional query
    /// parameter is left out, anything else cannot be built). <paramref name="segment"/> is the path segment before a
    /// path parameter (<c>assignments</c> in <c>/assignments/{id}/end</c>); <paramref name="operation"/> the operation's path (or
    /// gRPC method), which narrows a vocabulary to the words that operation takes (a kind of record, of contact, of end).
    /// </summary>
    public IReadOnlyList<JsonNode?>? For(string name, string? type, string? format, string? segment, bool inPath, bool inQuery, string operation)
    {
        var t = Target;
        var key = name.ToLowerInvariant();
        IReadOnlyList<JsonNode?>? Strings(params string[] values) => values.Select(v => (JsonNode?)JsonValue.Create(v)).ToList();
        IReadOnlyList<JsonNode?> Ids(params Guid[] ids) => ids.Select(v => (JsonNode?)JsonValue.Create(v.ToString())).ToList();

        if (inPath && key == "id")
        {
            return segment switch
            {
                "assignments" => Ids(t.Assignment, t.UnitAssignment),
                "leave" => Ids(t.Leave),
                "households" => Ids(t.Household),
                "pairings" => Ids(t.Pairing),
                "matching-runs" => Ids(t.MatchingRun),
                "inbox" or "notifications" => Ids(t.Notification),
                "subscriptions" => Ids(t.Subscription),
                "imports" or "region-imports" => Ids(t.RegionImport),
                "cadres" => Ids(t.ResidentCadre, t.HelperCadre),
                "models" => Ids(t.Model),
                "tasks" => Ids(t.AssessmentTask),
                "scoring-runs" => Ids(t.ScoringRun),
                "entries" when operation.Contains("/ledger/", StringComparison.Ordinal) => Ids(t.FundsEntry),
                "entries" => Ids(t.AccountabilityEntry),
                "proposals" => Ids(t.AccountabilityProposal),
                "complaints" => Ids(t.Complaint),
                "surveys" => Ids(t.Survey),
                "accounts" => Ids(t.FundsAccount, t.FundsLine),
                "allocations" => Ids(t.FundsAllocation),
                "disbursements" => Ids(t.FundsDisbursement),
                "loans" => Ids(t.FundsLoan),
                "rectifications" => Ids(t.Rectification),
                "cases" => Ids(t.MonitoringCase),
                "village-people" => Ids(t.VillagePerson),
                "committee-posts" => Ids(t.CommitteePost),
                "township-postings" => Ids(t.TownshipPosting),
                "joint-committees" => Ids(t.JointCommittee),
                "{kind}" => SubjectIds(), // /scores/{month}/{kind}/{id}
                _ => null,
            };
        }

        if (inPath && key == "code")
        {
            return segment switch
            {
                "regions" => Strings(t.CountyCode, t.Township, t.Village),
                "units" => Strings(t.UnitCode),
                "villages" => Strings(t.Village, t.OtherVillage),
                "townships" => Strings(t.Township),
                _ => null,
            };
        }

        var assessment = operation.Contains("assessment", StringComparison.Ordinal);
        // The accountability register (REST /accountability/..., gRPC assessment.v1.Accountability/...): its own subjects and words.
        if (operation.Contains("ccountability", StringComparison.Ordinal) && Accountability(key, operation) is { } register)
        {
            return register;
        }

        // The villagers' voice: complaints and surveys name a unit, a cadre or a work team (village) of the target.
        var voice = operation.Contains("/complaints", StringComparison.Ordinal) || operation.Contains("/surveys", StringComparison.Ordinal)
            || operation.Contains("assessment.v1.Voice", StringComparison.Ordinal);
        var funds = operation.Contains("/api/funds", StringComparison.Ordinal) || operation.StartsWith("funds.v1.", StringComparison.Ordinal);
        var monitoring = operation.Contains("/monitoring/", StringComparison.Ordinal) || operation.Contains("/risk-reports", StringComparison.Ordinal);
        return key switch
        {
            // Return-to-poverty monitoring: the target's province (shared with the caller's county) and year, the line, a report's facts.
            "provincecode" => Strings(t.Prefix[..2]),
            "year" when monitoring => [JsonValue.Create(ChinaTime.Today().Year)],
            "incomeline" => [JsonValue.Create(7500)],
            "responsedays" => [JsonValue.Create(15)],
            "incomepercapita" => [JsonValue.Create(5000)],
            "events" => [new JsonArray(JsonValue.Create("major_illness"))],
            "observedon" => Strings(ChinaTime.Today().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            "checknote" => Strings(Text),
            "household" => Ids(t.Household),
            "kind" when monitoring => Strings("unstable_exited", "marginal"),
            "status" when monitoring => Strings("open", "overdue"),
            // The village's own cadres (村两委) and the talent pipeline: the target's person, words of the committees.
            "personid" => Ids(t.VillagePerson),
            "body" when operation.Contains("/committee", StringComparison.Ordinal) => Strings("party_branch", "villagers_committee"),
            "post" => Strings("member", "secretary", "director"),
            "kind" when operation.Contains("/committee-posts/", StringComparison.Ordinal) => Strings("removed", "term_ended"),
            "endson" when operation.Contains("/committee-posts/", StringComparison.Ordinal) || operation.Contains("/township-postings/", StringComparison.Ordinal) => Strings(ChinaTime.Today().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            "gender" => Strings("male"),
            "birthyear" => [JsonValue.Create(1980)],
            "name" => Strings("探针人员"),
            "step" or "stage" => Strings("capable_farmer", "reserve_cadre"),
            "reachedon" => Strings("2020-01-01"),
            "monthlypay" => [JsonValue.Create(2000)],
            "effectivefrom" => Strings("2026-01-01"),
            // Party member points: the target county's rules and its member's records.
            "region" when operation.Contains("/member-points/", StringComparison.Ordinal) => Strings(t.Prefix),
            "activity" => Strings("party_meeting", "learning"),
            "occurredon" => Strings(ChinaTime.Today().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            "points" => [JsonValue.Create(2)],
            "monthlycap" => [JsonValue.Create(8)],
            // Township postings and joint party committees: the target's township, villages and records.
            "role" when operation.Contains("/townships/", StringComparison.Ordinal) => Strings("posted", "party_committee_member"),
            "villagecodes" => [new JsonArray(JsonValue.Create(t.Village), JsonValue.Create(t.OtherVillage)), new JsonArray(JsonValue.Create(Home.Village), JsonValue.Create(t.Village))],
            "industry" or "secretary" => Strings(Text),
            "status" when operation.Contains("/joint-committees", StringComparison.Ordinal) => Strings("active", "dissolved"),
            "subjectkind" when voice => Strings("assisting_unit", "cadre", "work_team"),
            "channel" when voice => Strings("hotline"),
            "status" when voice => Strings("open"),
            "after" when voice => Ids(t.Complaint),
            "complaintid" => Ids(t.Complaint),
            "surveyid" => Ids(t.Survey),
            "replyby" => Strings(DateTimeOffset.UtcNow.AddDays(1).ToString("O")),
            "complainantname" or "text" or "comment" => Strings(Text),
            "complainantphone" => Strings("13800001111"),
            "verdict" => Strings("satisfied", "unsatisfied"),
            "rating" => Strings("satisfied", "unsatisfied"),
            "collectedvia" => Strings("official"),
            "clientid" => Strings("probe-" + Guid.NewGuid().ToString("N")),
            // Revolving funds lend into a village of the target; a loan's list filters by status.
            "regioncode" when operation.Contains("/revolving-funds/loans", StringComparison.Ordinal) => Strings(t.Village),
            "status" when operation.Contains("/revolving-funds/", StringComparison.Ordinal) => Strings("active"),
            "borrowerkind" => Strings("village", "household"),
            "borrowername" or "borrowerid" => Strings(Text),
            "principalfen" => [JsonValue.Create(100)],
            "termmonths" or "installments" => [JsonValue.Create(12)],
            "paidon" => Strings("2026-11-20"),
            // Funds names a county by its 6 digits; its records by the target's ids; amounts in fen.
            "countycode" or "regioncode" or "region" when funds => Strings(t.Prefix),
            "kind" when funds => Strings("village", "budget_line"),
            "id" when funds => Ids(t.FundsDisbursement), // funds.v1's GetDisbursement
            "accountid" => Ids(t.FundsAccount, t.FundsLine),
            "amountfen" => [JsonValue.Create(100)],
            "payee" or "purpose" => Strings(Text),
            "programme" => Strings("industry_support", "first_secretary_funds"),
            "item" => Strings("party_organisation"),
            // Assessment's month is the one the fixture scored (final, with red flags and cards); counties by their 6 digits.
            "month" when assessment => Strings("2026-10"),
            "countycode" or "regioncode" or "county" when assessment => Strings(t.Prefix),
            "subjectkind" => Strings(SubjectKinds),
            "subjectid" => SubjectIds(),
            "kind" when operation.Contains("/rankings/", StringComparison.Ordinal) || operation.Contains("/scores/", StringComparison.Ordinal) => Strings(SubjectKinds),
            "kind" when operation.Contains("/task-lists", StringComparison.Ordinal) => Strings("coordination", "first_secretary", "assisting_unit"),
            "year" => [JsonValue.Create(2027)],
            // The year's end (annual targets, exit checks, reviews): a failed check proposes, 优秀 meets the veto and quota rules.
            "result" => Strings("failed", "passed"),
            "grade" => Strings("称职", "优秀"),
            "reviewer" => Strings("township", "unit", "villagers"),
            "score" => [JsonValue.Create(80)],
            "city" or "citycode" => Strings(t.Prefix[..4]),
            "definition" => [t.ModelDefinition?.DeepClone()],
            "tasks" => [new JsonArray(new JsonObject
            {
                ["title"] = Text, ["ownerKind"] = "county", ["ownerId"] = t.Prefix, ["dueOn"] = "2026-10-10", ["evidenceExpected"] = Text,
            })],
            "evidence" when type == "array" => [new JsonArray(JsonValue.Create(Text))], // an exit check's list of evidence
            "evidence" or "explanation" => Strings(Text),
            "villagecode" => Strings(t.Village),
            "countycode" => Strings(t.CountyCode),
            "prefix" => Strings(t.Prefix, t.Village),
            "regionprefix" => Strings(t.Prefix),
            "unit" or "unitcode" => Strings(t.UnitCode),
            "cadreid" => Ids(t.ResidentCadre, t.HelperCadre),
            "id" => Ids(t.CheckIn, Guid.NewGuid()), // a body's id is a client-made id (a check-in's): another county's, or a new one
            "deliveryid" => Ids(t.Delivery),
            "notificationid" => Ids(t.Notification),
            "channels" => Strings("in_app"),
            "householdid" => Ids(t.Household),
            "rejecthouseholds" => [new JsonArray(JsonValue.Create(t.Household.ToString()))],
            "recipient" => Strings("cadre:" + t.ResidentCadre, "org:" + t.Prefix, "unit:" + t.UnitCode),
            "after" => format == "uuid" ? Ids(t.HelperCadre) : Strings(t.Village),
            "month" => Strings("2026-11"),
            "on" or "inspectedon" or "contactedon" => Strings("2026-11-20"),
            "from" or "periodstart" => Strings("2026-06-01"), // a Monday and the 1st: a period of every record kind
            "to" => Strings("2026-12-31"),
            "startson" => Strings("2026-12-01"),
            "endson" => Strings("2026-12-02"),
            "at" => Strings(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O")),
            "before" => Strings(DateTimeOffset.UtcNow.AddHours(1).ToString("O")),
            "longitude" => [JsonValue.Create(t.Longitude)],
            "latitude" => [JsonValue.Create(t.Latitude)],
            "force" => Strings("team_member", "assisting_unit", "first_secretary", "agricultural_technician"),
            "kind" => operation switch
            {
                _ when operation.Contains("/records", StringComparison.Ordinal) => Strings("daily_log", "weekly_summary", "monthly_report", "service_record"),
                _ when operation.Contains("/contacts", StringComparison.Ordinal) => Strings("call", "visit"),
                _ when operation.EndsWith("/end", StringComparison.Ordinal) => Strings("recalled", "completed"),
                _ => Strings("recalled", "daily_log", "weekly_summary", "monthly_report", "service_record", "call", "visit"),
            },
            "role" => Strings("responsible", "co_helper"),
            "status" => inQuery ? Strings("in_poverty") : Strings("exited"),
            "category" => inQuery ? Strings("poor") : Strings("exited"),
            "state" => Strings("failed"),
            "channel" => Strings("in_app"),
            "reason" or "note" or "findings" or "measures" or "content" or "dailylog" or "title" or "body" => Strings(Text),
            // A rectification (软弱涣散村整顿): a deadline ahead, its problems, a problem of the target's ledger.
            "deadline" => Strings(ChinaTime.Today().AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            "problems" => [new JsonArray(new JsonObject { ["description"] = Text, ["owner"] = "探针", ["measures"] = Text })],
            "problemid" => Ids(t.RectificationProblem),
            "description" or "owner" or "reviewnote" => Strings(Text),
            "approve" or "checkinenabled" => [JsonValue.Create(true)],
            "present" or "unreadonly" or "urgent" => [JsonValue.Create(false)],
            "radiusmeters" => [JsonValue.Create(3000)],
            "minimumdays" => [JsonValue.Create(20)],
            "limit" => [JsonValue.Create(50)],
            "max" => [JsonValue.Create(1)],
            "url" => Strings("http://127.0.0.1:1/probe-hook"),
            "eventtypes" => [new JsonArray(JsonValue.Create("AssignmentStarted"), JsonValue.Create("HouseholdPaired"))],
            "filename" => Strings("probe.csv"),
            "rule" => Strings("leave_decided"),
            "queue" => Strings("probe-queue"),
            _ => Fallback(type, format, inQuery),
        };
    }

    private static readonly string[] SubjectKinds = ["county", "township", "assisting_unit", "first_secretary", "work_team"];

    /// <summary>Values of the accountability register's fields (the target's subjects of every kind, its entry and proposal); null for the common ones.</summary>
    private IReadOnlyList<JsonNode?>? Accountability(string key, string operation)
    {
        var t = Target;
        IReadOnlyList<JsonNode?> Strings(params string[] values) => values.Select(v => (JsonNode?)JsonValue.Create(v)).ToList();
        return key switch
        {
            "subjectkind" => Strings("cadre", "assisting_unit", "unit_head", "county", "township", "township_secretary", "work_team"),
            "subjectid" => Strings(t.ResidentCadre.ToString(), t.HelperCadre.ToString(), t.UnitCode, t.Prefix, t.Township[..9], t.Village),
            "kind" => Strings("criticism_bulletin", "talk", "commendation", "conduct_violation"),
            "conductrule" => Strings("ten_01"),
            "evidence" => [new JsonArray(JsonValue.Create("探针：越权写入检查"))],
            "status" => Strings("open", "confirmed"),
            "rule" => Strings("bulletins_twice"),
            // A gRPC request names the entry or proposal by its id field.
            "id" => Strings(operation.Contains("Proposal", StringComparison.Ordinal) ? t.AccountabilityProposal.ToString() : t.AccountabilityEntry.ToString()),
            _ => null,
        };
    }

    /// <summary>The target's assessment subjects: its county, township, unit, first secretary (a cadre) and work team (a village).</summary>
    private IReadOnlyList<JsonNode?> SubjectIds() =>
        new[] { Target.Prefix, Target.Township[..9], Target.UnitCode, Target.ResidentCadre.ToString(), Target.Village }.Select(v => (JsonNode?)JsonValue.Create(v)).ToList();

    /// <summary>A name the probe does not know: every id or code of the target (a new endpoint is probed all the same).</summary>
    private IReadOnlyList<JsonNode?>? Fallback(string? type, string? format, bool inQuery) => (type, format) switch
    {
        (_, "uuid") => Target.Ids.Select(id => (JsonNode?)JsonValue.Create(id.ToString())).ToList(),
        (_, "date") => [JsonValue.Create("2026-11-20")],
        (_, "date-time") => [JsonValue.Create(DateTimeOffset.UtcNow.ToString("O"))],
        ("boolean", _) => [JsonValue.Create(true)],
        ("integer", _) => [JsonValue.Create(1)],
        ("number", _) => [JsonValue.Create(Target.Longitude)],
        ("string", _) when !inQuery => Target.Codes.Select(c => (JsonNode?)JsonValue.Create(c)).ToList(),
        _ => null,
    };

    /// <summary>
    /// CSV bodies of the imports, by path: each names the target county's records from the caller's home (the takeover
    /// an upsert by natural key would do) and the target's region directly. An import missing here cannot be built.
    /// </summary>
    public IReadOnlyList<string>? Csv(string path)
    {
        var (t, h) = (Target, Home);
        var newId = NewCitizenId(t.Prefix);
        return path switch
        {
            "/api/dispatch/regions/import" =>
            [
                $"{RegionFilesHeader}\n{t.Village},{t.VillageName}（探针改名）,村,{t.Township},已退出村,1,1,1,1,1,{t.Longitude},{t.Latitude}\n",
            ],
            "/api/dispatch/units/import" =>
            [
                $"单位编码,单位名称,层级,所在区划,负责人,编制人数\n{t.UnitCode},探针单位,县,{h.CountyCode},探针,1\n",
                $"单位编码,单位名称,层级,所在区划,负责人,编制人数\nU-PROBE-{Interlocked.Increment(ref serial)},探针单位,县,{t.CountyCode},探针,1\n",
            ],
            "/api/dispatch/cadres/import" =>
            [
                $"身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n{t.ResidentCitizenId},探针干部,,{h.UnitCode},科员,党建,否,,愿意\n",
                $"身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n{newId},探针干部,,{t.UnitCode},科员,党建,否,,愿意\n",
            ],
            "/api/dispatch/assignments/import" =>
            [
                $"村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因\n{t.Village},帮扶单位,,{h.UnitCode},2026-01-01,探针\n",
                $"村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因\n{h.Village},联系县级领导,{t.ResidentCitizenId},,2026-01-01,探针\n",
                $"村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因\n{h.Village},帮扶单位,,{t.UnitCode},2026-01-01,探针\n",
            ],
            "/api/pairing/households/import" =>
            [
                $"户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n探针户主,{t.HeadCitizenId},2,{h.Village},因学,一般贫困,高,已脱贫\n",
                $"户主姓名,户主身份证号,家庭人口,所在村,致贫原因,贫困程度,发展后劲,状态\n探针户主,{newId},2,{t.Village},因学,一般贫困,高,未脱贫\n",
            ],
            "/api/pairing/helpers/import" => [$"干部ID\n{t.HelperCadre}\n"],
            "/api/pairing/pairings/import" =>
            [
                $"户主身份证号,干部ID,角色,开始日期\n{t.HeadCitizenId},{h.HelperCadre},协助帮扶人,2026-01-01\n",
                $"户主身份证号,干部ID,角色,开始日期\n{h.HeadCitizenId},{t.HelperCadre},协助帮扶人,2026-01-01\n",
            ],
            "/api/pairing/contacts/import" =>
            [
                $"编号,户主身份证号,干部ID,方式,联系日期,经度,纬度,帮扶措施\nprobe-{Interlocked.Increment(ref serial)},{t.HeadCitizenId},{h.HelperCadre},电话,2026-11-01,,,探针\n",
            ],
            _ => null,
        };
    }

    private const string RegionFilesHeader = Infrastructure.RegionFiles.Header;

    private static string NewCitizenId(string prefix)
    {
        var first17 = $"{prefix}19900101{Interlocked.Increment(ref serial) % 1000:D3}";
        return first17 + CitizenId.CheckCharacter(first17);
    }
}
