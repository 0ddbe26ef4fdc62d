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
            .WithSummary("The monitoring line (CNY per person per year) and response days in force for a province and year, and their history.");
        api.MapPut("/monitoring/lines/{provinceCode}/{year:int}", MonitoringLines.PutAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Set a province's monitoring line and response days for a year (province scope); the earlier setting stays as history.");
        api.MapPost("/households/{id:guid}/risk-reports", ReportRisk.HandleAsync)
            .WithSummary("A helper's report (income per person, illness, disability, disaster, accident): the rules open a monitoring case or join the open one.");
        api.MapPost("/monitoring/cases", FlagHousehold.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Put an exited or marginal household under monitoring by hand, with its kind and reason; publishes HouseholdRiskFlagged.");
        api.MapGet("/monitoring/cases", MonitoringCases.ListAsync)
            .WithSummary("Monitoring cases under a region prefix, newest first, by status (open, awaiting_response, overdue, responded, closed) and kind.");
        api.MapGet("/monitoring/cases/{id:guid}", MonitoringCases.GetAsync).WithSummary("One monitoring case with its measures.");
        api.MapPost("/monitoring/cases/{id:guid}/measures", RecordMeasures.HandleAsync)
            .WithSummary("Record measures for a monitored household with a responsible helper; the first answers the case.");
        api.MapPost("/monitoring/cases/{id:guid}/close", CloseRisk.HandleAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Close the risk (风险消除) after a check, with a reason; publishes HouseholdRiskClosed.");
        api.MapGet("/monitoring/regions", MonitoringByRegion.HandleAsync)
            .WithSummary("Monitoring counts per city, county or township for a month: flagged by kind, answered in time or late, closed, open, overdue.");
        return app;
    }
}
