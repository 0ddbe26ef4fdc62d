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
            .WithSummary("村级财务公开：某期间（from=、to=，yyyy-MM-dd，中国日期；默认今年至今日）的期初余额、每笔变动及变动后余额、期末余额，涵盖该村全部账户 / A village's statement (财务公开) for a period (from=, to= yyyy-MM-dd, China days; default this year to today): opening balance, every movement with the balance after it, closing balance, over all accounts held in the village.");
        statements.MapGet("/csv", VillageStatements.CsvAsync).WithSummary("村级财务公开 CSV（中文表头，带 BOM 的 UTF-8），金额以元计 / The village's statement as CSV with Chinese headers (UTF-8 with BOM), amounts in yuan.");
        statements.MapGet("/xlsx", VillageStatements.ExcelAsync).WithSummary("村级财务公开 Excel 工作簿（中文表头），金额以元计 / The village's statement as an Excel workbook with Chinese headers, amounts in yuan.");

        var publications = app.MapGroup("/api/funds/reports/execution-rate-publications").WithTags("Reports");
        publications.MapPost("", ExecutionRatePublication.PublishAsync).RequireAuthorization(FundsPolicies.ManageFunds)
            .WithSummary("立即向考核服务发布前缀下各县某月的执行率（经发件箱发 ExecutionRatePublished）；自上次发布后数据未变的县不发布 / Publish a month's execution rate of the counties under a prefix to assessment now (ExecutionRatePublished through the outbox); a county whose figures did not change since its last publication publishes nothing.");
        publications.MapGet("/{month}", ExecutionRatePublication.ListAsync)
            .WithSummary("前缀下某月已发布的内容：各县最新版本的数据、发布人与时间 / What was published for a month under a prefix: each county's latest version with its figures, who published it and when.");
        return app;
    }
}
