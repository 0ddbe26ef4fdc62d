using Pairing.Api.Features.Monitoring;
using Platform.Security;

namespace Pairing.Api.Apis;

/// <summary>Return-to-poverty monitoring (防返贫监测): monitoring lines, risk reports, cases, measures, closure, counts per region and month.</summary>
public static class MonitoringApi
{
    public static IEndpointRouteBuilder MapMonitoringApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/pairing").WithTags("Monitoring");
        api.MapGet("/monitoring/lines/{provinceCode}/{year:int}", MonitoringLines.GetAsync)
            .WithSummary("某省某年现行的监测线（元/人/年）和响应天数及其历史 / The monitoring line (CNY per person per year) and response days in force for a province and year, and their history.");
        api.MapPut("/monitoring/lines/{provinceCode}/{year:int}", MonitoringLines.PutAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("设定某省某年的监测线和响应天数（须省级范围）；此前的设定保留为历史 / Set a province's monitoring line and response days for a year (province scope); the earlier setting stays as history.");
        api.MapPost("/households/{id:guid}/risk-reports", ReportRisk.HandleAsync)
            .WithSummary("帮扶责任人的报告（人均收入、疾病、残疾、灾害、意外）：按规则新开监测案例或并入未结案例 / A helper's report (income per person, illness, disability, disaster, accident): the rules open a monitoring case or join the open one.");
        api.MapPost("/monitoring/cases", FlagHousehold.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("人工将已脱贫户或边缘户纳入监测，注明类型和理由；发布 HouseholdRiskFlagged / Put an exited or marginal household under monitoring by hand, with its kind and reason; publishes HouseholdRiskFlagged.");
        api.MapGet("/monitoring/cases", MonitoringCases.ListAsync)
            .WithSummary("区划前缀下的监测案例，最新在前，可按状态（open、awaiting_response、overdue、responded、closed）和类型筛选 / Monitoring cases under a region prefix, newest first, by status (open, awaiting_response, overdue, responded, closed) and kind.");
        api.MapGet("/monitoring/cases/{id:guid}", MonitoringCases.GetAsync).WithSummary("一个监测案例及其帮扶措施 / One monitoring case with its measures.");
        api.MapPost("/monitoring/cases/{id:guid}/measures", RecordMeasures.HandleAsync)
            .WithSummary("为有帮扶责任人的监测户记录帮扶措施；首次记录即响应该案例 / Record measures for a monitored household with a responsible helper; the first answers the case.");
        api.MapPost("/monitoring/cases/{id:guid}/close", CloseRisk.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("核查后带理由消除风险（风险消除）；发布 HouseholdRiskClosed / Close the risk (风险消除) after a check, with a reason; publishes HouseholdRiskClosed.");
        api.MapGet("/monitoring/regions", MonitoringByRegion.HandleAsync)
            .WithSummary("某月按市、县或乡镇的监测统计：按类型的纳入数、按时或超时响应、已消除、未结、逾期 / Monitoring counts per city, county or township for a month: flagged by kind, answered in time or late, closed, open, overdue.");
        return app;
    }
}
