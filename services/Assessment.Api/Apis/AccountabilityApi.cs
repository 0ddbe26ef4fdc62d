using Assessment.Api.Features.Accountability;
using Platform.Security;

namespace Assessment.Api.Apis;

/// <summary>The accountability register's REST API (问责台账): entries, withdrawals, the rules' proposals, the conduct rules.</summary>
public static class AccountabilityApi
{
    public static IEndpointRouteBuilder MapAccountabilityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assessment/accountability").WithTags("Accountability");

        api.MapPost("/entries", RecordEntry.RecordAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Record an entry by hand (bulletin, talk, admonishment, removal proposal, commendation, conduct violation) against a subject of the caller's scope; the caller decides, the server's clock dates it.");
        api.MapGet("/entries", RegisterQueries.ListAsync)
            .WithSummary("The register under a prefix of the caller's scope, filtered by subject, kind and year, in the order recorded (paged by after/limit).");
        api.MapGet("/entries/csv", RegisterQueries.CsvAsync).WithSummary("The register as CSV with Chinese headers (UTF-8 with BOM), with the same filters.");
        api.MapGet("/entries/xlsx", RegisterQueries.ExcelAsync).WithSummary("The register as an Excel workbook with Chinese headers, with the same filters.");
        api.MapGet("/entries/{id:guid}", RegisterQueries.GetAsync).WithSummary("One entry, with the withdrawal that withdrew it if any.");
        api.MapPost("/entries/{id:guid}/withdrawal", WithdrawEntry.WithdrawAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Withdraw an entry (撤销) with a reason: a new withdrawal entry referring to it; nothing is deleted; once per entry.");

        api.MapGet("/proposals", ProposalDecisions.ListAsync).WithSummary("The rules' proposals under a prefix of the caller's scope (open ones unless status is given).");
        api.MapGet("/proposals/{id:guid}", ProposalDecisions.GetAsync).WithSummary("One proposal with what the rule saw and its decision.");
        api.MapPost("/proposals/{id:guid}/confirmation", ProposalDecisions.ConfirmAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Confirm a proposal: the entry is appended with the proposal's id, decided by the caller; once (409 proposal_already_decided).");
        api.MapPost("/proposals/{id:guid}/rejection", ProposalDecisions.RejectAsync).RequireAuthorization(Policies.ManageForces)
            .WithSummary("Reject a proposal with a reason; once (409 proposal_already_decided).");

        api.MapGet("/conduct-rules", ConductRules.ListAsync).WithoutRegionScope("the ten prohibitions and conduct rules are the province's text, no regional data")
            .WithSummary("The ten prohibitions (十条禁令) and the conduct rules a conduct violation names.");
        return app;
    }
}
