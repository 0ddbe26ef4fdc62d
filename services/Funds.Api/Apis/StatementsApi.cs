using Funds.Api.Extensions;
using Funds.Api.Features.Reports;
using Funds.Api.Features.Statements;

namespace Funds.Api.Apis;

/// <summary>Village accounts publication (财务公开) and the execution rate's publication to assessment.</summary>
public static class StatementsApi
{
    public static IEndpointRouteBuilder MapStatementsApi(this IEndpointRouteBuilder app)
    {
        var statements = app.MapGroup("/api/funds/villages/{code}/statement").WithTags("Village statements");
        statements.MapGet("", VillageStatements.GetAsync)
            .WithSummary("A village's statement (财务公开) for a period (from=, to= yyyy-MM-dd, China days; default this year to today): opening balance, every movement with the balance after it, closing balance, over all accounts held in the village.");
        statements.MapGet("/csv", VillageStatements.CsvAsync).WithSummary("The village's statement as CSV with Chinese headers (UTF-8 with BOM), amounts in yuan.");
        statements.MapGet("/xlsx", VillageStatements.ExcelAsync).WithSummary("The village's statement as an Excel workbook with Chinese headers, amounts in yuan.");

        var publications = app.MapGroup("/api/funds/reports/execution-rate-publications").WithTags("Reports");
        publications.MapPost("", ExecutionRatePublication.PublishAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("Publish a month's execution rate of the counties under a prefix to assessment now (ExecutionRatePublished through the outbox); a county whose figures did not change since its last publication publishes nothing.");
        publications.MapGet("/{month}", ExecutionRatePublication.ListAsync)
            .WithSummary("What was published for a month under a prefix: each county's latest version with its figures, who published it and when.");
        return app;
    }
}
