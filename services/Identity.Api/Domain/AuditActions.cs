namespace Identity.Api.Domain;

/// <summary>The acts the identity service audits (<see cref="AuditEvent.Action"/>).</summary>
public static class AuditActions
{
    public const string SignIn = "sign_in";
    public const string SignOut = "sign_out";
    public const string PasswordChanged = "password_changed";
    public const string TokenIssued = "token_issued";
    public const string TokenRefused = "token_refused";
    public const string AuthorizationRefused = "authorization_refused";
    public const string AccountCreated = "account_created";
    public const string AccountCreationRefused = "account_creation_refused";
    public const string AccountDisabled = "account_disabled";
    public const string AccountEnabled = "account_enabled";
    public const string PasswordReset = "password_reset";
    public const string SigningKeyCreated = "signing_key_created";
    public const string SigningKeyRetired = "signing_key_retired";

    public const string Succeeded = "succeeded";
    public const string Refused = "refused";
}
