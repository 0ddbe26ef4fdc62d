using Identity.Api.Extensions;
using Identity.Api.Features.Federation;
using Identity.Api.Features.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Platform.Security;

namespace Identity.Api.Pages.Account;

/// <summary>The sign-in page: user name and password (or the province's identity provider, when configured).</summary>
[AllowAnonymous]
[NotRegionScoped("the sign-in page, before anyone has a scope")]
public sealed class LoginModel(PasswordSignIn signIn, IOptions<FederationOptions> federation) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = string.Empty;

    [BindProperty]
    public string Password { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public string? FederationName => federation.Value.IsEnabled ? federation.Value.DisplayName : null;

    [BindProperty(SupportsGet = true)]
    public bool FederationError { get; set; }

    public void OnGet()
    {
        if (FederationError)
        {
            Error = "该省统一身份认证账号未在本平台开通，或账户已停用、锁定，请联系管理员。";
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await signIn.CheckAsync(UserName, Password, cancellationToken);
        switch (outcome.Kind)
        {
            case SignInResultKind.Succeeded:
                await HttpContext.SignInAsync(SessionCookie.Scheme, PasswordSignIn.SessionPrincipal(outcome.Account!));
                var next = SafeReturnUrl(ReturnUrl);
                return outcome.Account!.MustChangePassword
                    ? Redirect("/account/change-password?returnUrl=" + Uri.EscapeDataString(next))
                    : LocalRedirect(next);
            case SignInResultKind.LockedOut:
                Error = outcome.LockedUntil is { } until
                    ? $"连续登录失败次数过多，账户已锁定，请于北京时间 {until.ToOffset(TimeSpan.FromHours(8)):HH:mm} 后再试，或联系管理员。"
                    : "账户已锁定，请联系管理员。";
                break;
            case SignInResultKind.Disabled:
                Error = "账户已停用，请联系管理员。";
                break;
            default:
                Error = "用户名或密码错误。";
                break;
        }

        Password = string.Empty;
        return Page();
    }

    /// <summary>Only addresses on this server (the authorization endpoint); anything else goes to the signed-in page.</summary>
    public string SafeReturnUrl(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/account/signed-in";
}
