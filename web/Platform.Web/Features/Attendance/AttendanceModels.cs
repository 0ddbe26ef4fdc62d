namespace Platform.Web.Features.Attendance;

/// <summary>Chinese words for the codes the attendance answers carry.</summary>
public static class AttendanceWords
{
    public static string Force(string? code) => code switch
    {
        "first_secretary" => "第一书记",
        "team_leader" => "工作队长",
        "team_member" => "工作队员",
        "agricultural_technician" => "农技员",
        _ => code ?? "—",
    };

    public static string LeaveStatus(string? code) => code switch
    {
        "pending" => "待审批",
        "approved" => "已批准",
        "refused" => "未批准",
        _ => code ?? "—",
    };

    public static string ApproverLevel(string? code) => code switch
    {
        "township" => "乡镇审批",
        "county" => "县级审批",
        _ => code ?? "—",
    };

    /// <summary>This month in China (the service's day), the pages' first choice.</summary>
    public static DateOnly ThisMonth()
    {
        var today = Platform.Security.ChinaTime.Today();
        return new DateOnly(today.Year, today.Month, 1);
    }
}
