using Identity.Api.Extensions;
using Identity.Api.Features.Accounts;
using Identity.Api.Features.Audit;
using Platform.Security;

namespace Identity.Api.Apis;

/// <summary>
/// Accounts and their audit for organisation departments (province, city, county), each at or below its own level and
/// inside its own region (<see cref="Domain.AccountGrantRule"/>). Auditors also read the audit.
/// </summary>
public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/identity/accounts").WithTags("Accounts").RequireAuthorization(IdentityPolicies.ManageAccounts);
        accounts.MapPost("/", CreateAccount.HandleAsync).WithSummary("Create a person's account (initial password generated when none is given, shown once).");
        accounts.MapGet("/", QueryAccounts.ListAsync).WithSummary("Accounts inside the caller's scope, by user name, paged.");
        accounts.MapGet("/{userName}", QueryAccounts.GetAsync).WithSummary("One account (outside the scope: 404 as missing).");
        accounts.MapPost("/{userName}/disable", DisableAccount.HandleAsync).WithSummary("Disable an account and revoke its refresh tokens and authorizations.");
        accounts.MapPost("/{userName}/enable", EnableAccount.HandleAsync).WithSummary("Enable a disabled account.");
        accounts.MapPost("/{userName}/reset-password", ResetPassword.HandleAsync)
            .WithSummary("Set a new initial password (generated when none is given), to be changed at the next sign-in; revokes tokens, clears the lockout.");
        accounts.MapPost("/{userName}/unlock", UnlockAccount.HandleAsync).WithSummary("End a lockout after failed passwords.");
        accounts.MapPost("/cadres", CreateCadreAccounts.HandleAsync).Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("Accounts for the cadres holding resident posts in a county's villages (dispatch's roster); repeating creates none twice.");

        app.MapGet("/api/identity/audit", QueryAudit.HandleAsync).WithTags("Audit")
            .RequireAuthorization(p => p.RequireRole(Roles.Province, Roles.City, Roles.County, Roles.Auditor))
            .WithSummary("Audit rows inside the caller's scope, newest first.");
        return app;
    }
}
