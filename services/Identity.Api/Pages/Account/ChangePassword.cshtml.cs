using Identity.Api.Data;
using Identity.Api.Domain;
using Identity.Api.Extensions;
using Identity.Api.Features.Audit;
using Identity.Api.Features.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Platform.Security;

namespace Identity.Api.Pages.Account;

/// <summary>Changing one's password; forced at the first sign-in and after an administrator's reset.</summary>
[Authorize(AuthenticationSchemes = SessionCookie.Scheme)]
[NotRegionScoped("a person's own password")]
public sealed class ChangePasswordModel(UserManager<Domain.Account> accounts, AuditLog audit, IdentityDb db) : PageModel
{
    [BindProperty]
    public string CurrentPassword { get; set; } = string.Empty;

    [BindProperty]
    public string NewPassword { get; set; } = string.Empty;

    [BindProperty]
    public string ConfirmPassword { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Forced { get; private set; }

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var account = await AuthorizeEndpoint.SessionAccountAsync(HttpContext, accounts);
        if (account is null)
        {
            return Challenge(SessionCookie.Scheme);
        }

        Forced = account.MustChangePassword;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var account = await AuthorizeEndpoint.SessionAccountAsync(HttpContext, accounts);
        if (account is null)
        {
            return Challenge(SessionCookie.Scheme);
        }

        Forced = account.MustChangePassword;
        if (NewPassword != ConfirmPassword)
        {
            Errors.Add("两次输入的新密码不一致。");
            return Page();
        }

        if (NewPassword == CurrentPassword)
        {
            Errors.Add("新密码不能与当前密码相同。");
            return Page();
        }

        // The change, the cleared flag and the audit row are saved together by UserManager's update.
        var staged = audit.Add(AuditActions.PasswordChanged, account.UserName!, AuditActions.Succeeded, account.UserName, account.Region,
            detail: Forced ? "first sign-in" : null);
        account.MustChangePassword = false;
        var result = await accounts.ChangePasswordAsync(account, CurrentPassword, NewPassword);
        if (!result.Succeeded)
        {
            db.Entry(staged).State = EntityState.Detached;
            account.MustChangePassword = Forced;
            await audit.WriteAsync(AuditActions.PasswordChanged, account.UserName!, AuditActions.Refused, cancellationToken, account.UserName, account.Region,
                detail: string.Join("; ", result.Errors.Select(e => e.Code)));
            Errors.AddRange(result.Errors.Select(e => e.Description));
            return Page();
        }

        // The security stamp changed with the password: the session is renewed with the new one.
        await HttpContext.SignInAsync(SessionCookie.Scheme, PasswordSignIn.SessionPrincipal(account));
        return LocalRedirect(!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/account/signed-in");
    }
}
