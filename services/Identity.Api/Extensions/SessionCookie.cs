namespace Identity.Api.Extensions;

/// <summary>
/// The identity service's own sign-in session (a cookie on its pages only): it lets the authorization endpoint issue
/// codes without asking for the password again. Tokens, not this cookie, reach the other services.
/// </summary>
public static class SessionCookie
{
    public const string Scheme = "identity.session";

    /// <summary>A claim holding the account's security stamp: a changed password or a disabled account ends the session.</summary>
    public const string StampClaim = "stamp";

    /// <summary>How the session began ("pwd" or "federated"); a federated person has no local password to change.</summary>
    public const string MethodClaim = "amr";
}
