namespace Platform.IntegrationTests.Identity;

/// <summary>The clients the identity tests register: the console (public, code + PKCE) and an administrator's script client.</summary>
public static class IdentityTestClients
{
    public const string Console = "console";
    public const string ConsoleRedirect = "http://127.0.0.1:5700/signin-oidc";

    /// <summary>Settings that register the console client as <c>Identity:Clients:{index}</c>.</summary>
    public static Dictionary<string, string?> ConsoleSettings(int index) => new()
    {
        [$"Identity:Clients:{index}:ClientId"] = Console,
        [$"Identity:Clients:{index}:DisplayName"] = "工作台",
        [$"Identity:Clients:{index}:RedirectUris"] = ConsoleRedirect,
        [$"Identity:Clients:{index}:PostLogoutRedirectUris"] = "http://127.0.0.1:5700/",
    };
}
