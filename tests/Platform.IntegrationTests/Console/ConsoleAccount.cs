namespace Platform.IntegrationTests.Console;

/// <summary>
/// A person who signs in to the console in a test: their display name (what the console shows), role and region. A
/// cadre's account is named by dispatch's id of the cadre <paramref name="Cadre"/> (known once the forces are seeded:
/// <see cref="ConsoleStack.UserNameOf"/>); anyone else's by <paramref name="UserName"/>.
/// </summary>
public sealed record ConsoleAccount(string UserName, string DisplayName, string Role, string Region, string? Cadre = null);
