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
        accounts.MapPost("/", CreateAccount.HandleAsync).WithSummary("为个人创建账户（未提供时生成初始密码，仅显示一次） / Create a person's account (initial password generated when none is given, shown once).");
        accounts.MapGet("/", QueryAccounts.ListAsync).WithSummary("调用方范围内的账户，按用户名分页 / Accounts inside the caller's scope, by user name, paged.");
        accounts.MapGet("/{userName}", QueryAccounts.GetAsync).WithSummary("一个账户（范围外的按不存在答复 404） / One account (outside the scope: 404 as missing).");
        accounts.MapPost("/{userName}/disable", DisableAccount.HandleAsync).WithSummary("停用账户并撤销其刷新令牌和授权 / Disable an account and revoke its refresh tokens and authorizations.");
        accounts.MapPost("/{userName}/enable", EnableAccount.HandleAsync).WithSummary("启用已停用的账户 / Enable a disabled account.");
        accounts.MapPost("/{userName}/reset-password", ResetPassword.HandleAsync)
            .WithSummary("设置新的初始密码（未提供时生成），下次登录须修改；撤销令牌并解除锁定 / Set a new initial password (generated when none is given), to be changed at the next sign-in; revokes tokens, clears the lockout.");
        accounts.MapPost("/{userName}/unlock", UnlockAccount.HandleAsync).WithSummary("解除密码错误导致的锁定 / End a lockout after failed passwords.");
        accounts.MapPost("/cadres", CreateCadreAccounts.HandleAsync).Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("为在县内各村驻村任职的干部创建账户（派驻服务的名册）；重复调用不会重复创建 / Accounts for the cadres holding resident posts in a county's villages (dispatch's roster); repeating creates none twice.");

        app.MapGet("/api/identity/audit", QueryAudit.HandleAsync).WithTags("Audit")
            .RequireAuthorization(p => p.RequireRole(Roles.Province, Roles.City, Roles.County, Roles.Auditor))
            .WithSummary("调用方范围内的审计记录，最新在前 / Audit rows inside the caller's scope, newest first.");
        return app;
    }
}
