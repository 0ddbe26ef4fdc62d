namespace Platform.IntegrationTests.Identity;

/// <summary>The identity service with the console registered (a public client: code + PKCE), for the sign-in tests.</summary>
public sealed class SignInFixture : IdentityFixture
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        foreach (var (key, value) in IdentityTestClients.ConsoleSettings(1))
        {
            settings[key] = value;
        }

        return settings;
    }
}
