using Dispatch.Api.Features.Attendance;
using Platform.Security;

namespace Dispatch.Api.Apis;

/// <summary>Attendance (考勤, 到岗到位) and process records (痕迹管理): check-ins, leave, monthly on-post days, inspections, settings, records.</summary>
public static class AttendanceApi
{
    public static IEndpointRouteBuilder MapAttendanceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dispatch").WithTags("Attendance");
        api.MapPost("/check-ins", CheckIn.HandleAsync).WithSummary("每日 GPS 签到；按客户端的 id 幂等 / Daily check-in with GPS; idempotent by the client's id.");
        api.MapPost("/leave", Leave.RequestAsync).WithSummary("为驻村干部申请请假 / Request leave for a resident cadre.");
        api.MapPost("/leave/{id:guid}/decision", Leave.DecideAsync).RequireAuthorization(policy => policy.RequireRole(Roles.Township, Roles.County, Roles.City, Roles.Province))
            .WithSummary("批准或拒绝请假：乡镇可批 3 天以内，更长的由县批 / Approve or refuse leave: township up to 3 days, county beyond.");
        api.MapGet("/leave", ListLeave.HandleAsync).WithSummary("范围内的请假申请，最新在前（干部只看到自己的） / Leave requests in scope, newest first (a cadre sees their own).");
        api.MapGet("/attendance/monthly", MonthlyAttendance.HandleAsync).WithSummary("某月每名驻村干部的在岗天数与最低要求对比 / On-post days per resident cadre for a month against the minimum.");
        api.MapGet("/attendance/settings", ListAttendanceSettings.HandleAsync).WithSummary("范围内各县（或调用方所在县）的签到设置，未设置的填默认值 / Check-in settings of the counties in scope (or the caller's county), defaults filled in.");
        api.MapPut("/attendance/settings/{countyCode}", AttendanceSettingsAndInspections.PutSettingsAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("开启或关闭某县的签到，设定半径和每月最低天数 / Switch check-in on or off for a county; its radius and monthly minimum.");
        api.MapGet("/inspections", ListInspections.HandleAsync).WithSummary("某月范围内的暗访，最新在前 / Unannounced inspections in scope in a month, the latest first.");
        api.MapPost("/inspections", AttendanceSettingsAndInspections.RecordInspectionAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("记录一次暗访及其结果 / Record an unannounced inspection and its result.");
        api.MapPost("/villages/{code}/records", Features.Records.ProcessRecords.CreateAsync)
            .WithSummary("添加一条痕迹记录：日纪实、周小结、月报告或服务记录 / Add a process record: daily log, weekly summary, monthly report or service record.");
        api.MapGet("/villages/{code}/records", Features.Records.ProcessRecords.ListAsync)
            .WithSummary("某期间某村的痕迹记录，含签到时写的日纪实 / A village's process records in a period, with the daily logs written at check-in.");
        return app;
    }
}
