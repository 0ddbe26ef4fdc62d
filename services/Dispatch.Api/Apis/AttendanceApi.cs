using Dispatch.Api.Features.Attendance;
using Platform.Security;

namespace Dispatch.Api.Apis;

/// <summary>Attendance (考勤, 到岗到位) and process records (痕迹管理): check-ins, leave, monthly on-post days, inspections, settings, records.</summary>
public static class AttendanceApi
{
    public static IEndpointRouteBuilder MapAttendanceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dispatch").WithTags("Attendance");
        api.MapPost("/check-ins", CheckIn.HandleAsync).WithSummary("Daily check-in with GPS; idempotent by the client's id.");
        api.MapPost("/leave", Leave.RequestAsync).WithSummary("Request leave for a resident cadre.");
        api.MapPost("/leave/{id:guid}/decision", Leave.DecideAsync).RequireAuthorization(policy => policy.RequireRole(Roles.Township, Roles.County, Roles.City, Roles.Province))
            .WithSummary("Approve or refuse leave: township up to 3 days, county beyond.");
        api.MapGet("/leave", ListLeave.HandleAsync).WithSummary("Leave requests in scope, newest first (a cadre sees their own).");
        api.MapGet("/attendance/monthly", MonthlyAttendance.HandleAsync).WithSummary("On-post days per resident cadre for a month against the minimum.");
        api.MapGet("/attendance/settings", ListAttendanceSettings.HandleAsync).WithSummary("Check-in settings of the counties in scope (or the caller's county), defaults filled in.");
        api.MapPut("/attendance/settings/{countyCode}", AttendanceSettingsAndInspections.PutSettingsAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Switch check-in on or off for a county; its radius and monthly minimum.");
        api.MapGet("/inspections", ListInspections.HandleAsync).WithSummary("Unannounced inspections in scope in a month, the latest first.");
        api.MapPost("/inspections", AttendanceSettingsAndInspections.RecordInspectionAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Record an unannounced inspection and its result.");
        api.MapPost("/villages/{code}/records", Features.Records.ProcessRecords.CreateAsync)
            .WithSummary("Add a process record: daily log, weekly summary, monthly report or service record.");
        api.MapGet("/villages/{code}/records", Features.Records.ProcessRecords.ListAsync)
            .WithSummary("A village's process records in a period, with the daily logs written at check-in.");
        return app;
    }
}
