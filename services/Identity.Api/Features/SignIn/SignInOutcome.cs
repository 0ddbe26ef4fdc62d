using Identity.Api.Domain;

namespace Identity.Api.Features.SignIn;

/// <summary>What a password check found.</summary>
public sealed record SignInOutcome(SignInResultKind Kind, Account? Account = null, DateTimeOffset? LockedUntil = null)
{
    public static SignInOutcome WrongCredentials { get; } = new(SignInResultKind.WrongCredentials);

    public static SignInOutcome AccountDisabled { get; } = new(SignInResultKind.Disabled);

    public static SignInOutcome Succeeded(Account account) => new(SignInResultKind.Succeeded, account);

    public static SignInOutcome Locked(DateTimeOffset? until) => new(SignInResultKind.LockedOut, LockedUntil: until);
}

public enum SignInResultKind
{
    Succeeded,
    WrongCredentials,
    LockedOut,
    Disabled,
}
