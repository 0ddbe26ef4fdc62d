namespace Platform.Web.Features.Attendance;

// The dispatch service's attendance answers as the console reads them (JSON, camelCase; names as the service spells them).

public sealed record CadreMonth(Guid CadreId, string CadreName, string VillageCode, string Force, int OnPostDays, int OffPostCheckIns, int ApprovedLeaveDays,
    int MinimumDays, bool BelowMinimum, int LateCheckIns);

public sealed record MonthlyAttendanceReport(string Scope, string Month, int Cadres, int Below, IReadOnlyList<CadreMonth> Items, string? Next);

public sealed record LeaveListItem(Guid Id, Guid CadreId, string CadreName, string VillageCode, string VillageName, DateOnly StartsOn, DateOnly EndsOn, int Days,
    string Reason, string ApproverLevel, string Status, string? DecisionNote, DateTimeOffset RequestedAt);

public sealed record LeaveDto(Guid Id, Guid CadreId, string VillageCode, DateOnly StartsOn, DateOnly EndsOn, int Days, string Reason, string ApproverLevel,
    string Status, string? DecisionNote);

public sealed record InspectionListItem(Guid Id, string VillageCode, string VillageName, Guid? CadreId, string? CadreName, DateOnly InspectedOn, bool Present,
    string Findings, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record CountyAttendanceSettings(string CountyCode, string CountyName, bool CheckInEnabled, int RadiusMeters, int MinimumDays, bool Customised);

public sealed record CheckInDto(Guid Id, Guid CadreId, string VillageCode, DateOnly Day, DateTimeOffset CheckedAt, int DistanceMeters, bool OnPost, string? DailyLog,
    DateTimeOffset ClientAt, bool Late);

/// <summary>Chinese words for the codes the attendance answers carry.</summary>
public static class AttendanceWords
{
    public static string Force(string code) => code switch
    {
        "first_secretary" => "第一书记",
        "team_leader" => "工作队长",
        "team_member" => "工作队员",
        "agricultural_technician" => "农技员",
        _ => code,
    };

    public static string LeaveStatus(string code) => code switch
    {
        "pending" => "待审批",
        "approved" => "已批准",
        "refused" => "未批准",
        _ => code,
    };

    public static string ApproverLevel(string code) => code switch
    {
        "township" => "乡镇审批",
        "county" => "县级审批",
        _ => code,
    };

    /// <summary>This month in China (the service's day), the pages' first choice.</summary>
    public static DateOnly ThisMonth()
    {
        var today = Platform.Security.ChinaTime.Today();
        return new DateOnly(today.Year, today.Month, 1);
    }
}
