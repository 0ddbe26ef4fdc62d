namespace Assessment.Api.Domain;

/// <summary>
/// What is scored and ranked (单列考核: first secretaries and work teams apart from units and regions). A county is
/// ranked within its city, every other kind within its county.
/// </summary>
public static class SubjectKinds
{
    public const string County = "county";
    public const string Township = "township";
    public const string AssistingUnit = "assisting_unit";
    public const string FirstSecretary = "first_secretary";
    public const string WorkTeam = "work_team";

    public static readonly IReadOnlyList<string> All = [County, Township, AssistingUnit, FirstSecretary, WorkTeam];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);

    public static string Name(string kind) => kind switch
    {
        County => "县（市、区）",
        Township => "乡镇",
        AssistingUnit => "帮扶单位",
        FirstSecretary => "第一书记",
        WorkTeam => "驻村工作队",
        _ => kind,
    };

    /// <summary>12 digits: the scope rule compares padded codes (a county is 511702000000, inside 5117 but not inside 511702104).</summary>
    public static string Pad(string code) => code.PadRight(12, '0');
}

/// <summary>The "1+6" lists: the coordination office's and one for each of the six forces.</summary>
public static class TaskListKinds
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["coordination"] = "协调办",
        ["contact_leader"] = "联系县领导",
        ["assisting_unit"] = "帮扶单位",
        ["first_secretary"] = "第一书记",
        ["work_team"] = "驻村工作队",
        ["agricultural_technician"] = "农技员",
        ["helper"] = "帮扶责任人",
    };
}
