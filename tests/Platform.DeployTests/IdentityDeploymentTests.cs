using System.Globalization;
using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>
/// The identity service issues every token the platform accepts: each app validates against its discovery document
/// (Auth:Authority, no signing key), each service calls others as its own client of it, its standard clients are the
/// same in k8s, compose and ./platform up, and the gateway routes sign-in and tokens to it without a token.
/// </summary>
public sealed class IdentityDeploymentTests
{
    /// <summary>Client ids of the standard clients every deployment registers.</summary>
    private static IEnumerable<string> ConfidentialClients =>
        Deployed.ServiceAccountUsers.Select(s => $"{s.Name}-service").Prepend("platform-cli");

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void Every_app_in_k8s_validates_tokens_of_the_identity_service_in_the_namespace_and_has_no_signing_key(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        var issuer = rendered.Environment(Deployed.Identity)["Identity__Issuer"]!;
        issuer.ShouldStartWith("https://", Case.Sensitive, "the public address, behind the Ingress's TLS");
        issuer.ShouldEndWith("/");
        foreach (var app in Deployed.Apps)
        {
            var env = rendered.Environment(app, out var secrets);
            var authority = env["Auth__Authority"]!;
            Deployed.HostOfUrl(authority).ShouldBe("identity", $"{app}: the identity Service");
            Deployed.PortOfUrl(authority).ShouldBe(rendered.ContainerPort(Deployed.Identity, "rest"), $"{app}: its REST port");
            env["Auth__Issuer"].ShouldBe(issuer, $"{app}: tokens carry the identity service's issuer");
            env["Auth__Audience"].ShouldBe("platform");
            env.ShouldNotContainKey("Auth__SigningKey");
            secrets.ShouldNotContain("platform-dev-auth");
        }
    }

    [Fact]
    public void Every_app_in_compose_validates_tokens_of_the_identity_service_and_has_no_signing_key()
    {
        var issuer = Compose.Environment("identity")["Identity__Issuer"]!;
        Deployed.HostOfUrl(issuer).ShouldBe("identity");
        foreach (var app in Deployed.Apps)
        {
            var env = Compose.Environment(app.Name);
            env["Auth__Authority"].ShouldBe(issuer, $"{app}");
            env["Auth__Issuer"].ShouldBe(issuer, $"{app}");
            env["Auth__Audience"].ShouldBe("platform");
        }

        foreach (var (name, service) in Compose.Services)
        {
            (service!["environment"]?.AsObject() ?? []).ShouldNotContainKey("Auth__SigningKey", $"compose {name}");
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void Each_service_account_in_k8s_is_a_client_of_the_identity_service_with_the_same_Secret_key(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        var clients = Clients(rendered.Environment(Deployed.Identity));
        ConfidentialClients.ShouldAllBe(id => clients.ContainsKey(id));
        for (var i = 0; i < clients.Count; i++)
        {
            var id = clients.Single(c => c.Value.Index == i).Key;
            var secret = SecretRef(rendered, Deployed.Identity, $"Identity__Clients__{i}__ClientSecret");
            if (id == "console")
            {
                secret.ShouldBeNull("the console is a public client (code + PKCE)");
                continue;
            }

            secret.ShouldBe(("platform-identity-clients", id), $"{overlay}: the secret of client {id}");
        }

        foreach (var app in Deployed.ServiceAccountUsers)
        {
            var env = rendered.Environment(app);
            env["ServiceAccount__ClientId"].ShouldBe($"{app.Name}-service");
            env["ServiceAccount__ClientSecret"].ShouldBeNull("a Secret reference, never a value");
            SecretRef(rendered, app, "ServiceAccount__ClientSecret").ShouldBe(("platform-identity-clients", $"{app.Name}-service"));
        }

        rendered.Environment(Deployed.Identity).ShouldNotContainKey("ServiceAccount__ClientId");
        rendered.Environment(Deployed.Gateway).ShouldNotContainKey("ServiceAccount__ClientId");
        rendered.Environment(Deployed.Console).ShouldNotContainKey("ServiceAccount__ClientId");
    }

    [Fact]
    public void Each_service_account_in_compose_sends_the_secret_its_client_is_registered_with()
    {
        var identity = Compose.Environment("identity");
        var clients = Clients(identity);
        foreach (var app in Deployed.ServiceAccountUsers)
        {
            var env = Compose.Environment(app.Name);
            var id = env["ServiceAccount__ClientId"]!;
            id.ShouldBe($"{app.Name}-service");
            var secret = env["ServiceAccount__ClientSecret"]!;
            secret.ShouldNotBeNullOrWhiteSpace();
            identity[$"Identity__Clients__{clients[id].Index}__ClientSecret"].ShouldBe(secret, $"{app}: the same secret on both sides");
        }

        ConfidentialClients.ShouldAllBe(id => clients.ContainsKey(id));
        ConfidentialClients.Select(id => identity[$"Identity__Clients__{clients[id].Index}__ClientSecret"]).Distinct()
            .Count().ShouldBe(ConfidentialClients.Count(), "a secret per client");
    }

    [Fact]
    public void The_standard_clients_are_the_same_in_k8s_and_compose()
    {
        var k8s = Clients(Rendered.Of("province").Environment(Deployed.Identity));
        var compose = Clients(Compose.Environment("identity"));
        foreach (var clients in new[] { k8s, compose })
        {
            clients.Keys.ShouldBe(ConfidentialClients.Append("console"), ignoreOrder: true);
            var cli = clients["platform-cli"].Fields;
            Describe(cli, "Role", "Region", "Grants", "MayNarrow", "AccessTokenLifetime")
                .ShouldBe("province||nationwide,write|true|12:00:00", "./platform token narrows it per request");
            foreach (var app in Deployed.ServiceAccountUsers)
            {
                var account = clients[$"{app.Name}-service"].Fields;
                Describe(account, "Role", "Region", "Grants").ShouldBe("province||nationwide", $"{app}-service");
                account.ShouldNotContainKey("MayNarrow");
            }

            clients["console"].Fields["RedirectUris"].ShouldEndWith("/signin-oidc");
        }

        foreach (var (id, client) in k8s)
        {
            client.Fields.Keys.ShouldBe(compose[id].Fields.Keys, ignoreOrder: true, $"client {id} has the same settings");
            client.Index.ShouldBe(compose[id].Index, $"client {id}");
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void The_console_client_comes_back_to_the_public_address_the_gateway_serves_the_console_at_in_k8s(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        var identity = rendered.Environment(Deployed.Identity);
        var console = rendered.Environment(Deployed.Console);
        var origin = console["Console__PublicOrigin"]!;
        // The Ingress's host: the same public address as the issuer, and the host the Ingress sends to the gateway.
        (origin + "/").ShouldBe(identity["Identity__Issuer"]);
        rendered.OfKind("Ingress").SelectMany(i => i["spec"]!["rules"]!.AsArray()).Select(r => (string)r!["host"]!)
            .ShouldContain(new Uri(origin).Host);
        ConsoleClientComesBackTo(Clients(identity)["console"].Fields, origin);
        console["Console__ClientId"].ShouldBe("console");
        Deployed.HostOfUrl(console["Console__GatewayAddress"]!).ShouldBe(Deployed.Gateway.Name);
        Deployed.PortOfUrl(console["Console__GatewayAddress"]!).ShouldBe(rendered.ContainerPort(Deployed.Gateway, "rest"));
        rendered.Environment(Deployed.Gateway)["ReverseProxy__Clusters__console__Destinations__primary__Address"]
            .ShouldBe($"http://{Deployed.Console.Name}:{rendered.ContainerPort(Deployed.Console, "rest")}");
    }

    [Fact]
    public void The_console_client_comes_back_to_the_gateways_address_in_compose_and_locally()
    {
        var console = Compose.Environment("console");
        var origin = console["Console__PublicOrigin"]!;
        // The host port the gateway's REST port is published on.
        Compose.Service("gateway")["ports"]!.AsArray().Select(p => (string)p!)
            .ShouldContain($"{Deployed.PortOfUrl(origin)}:8080", customMessage: "people browse the gateway's published port");
        ConsoleClientComesBackTo(Clients(Compose.Environment("identity"))["console"].Fields, origin);
        console["Console__GatewayAddress"].ShouldBe("http://gateway:8080");
        Compose.Environment("gateway")["ReverseProxy__Clusters__console__Destinations__primary__Address"].ShouldBe("http://console:8080");

        using var local = new LocalScripts();
        local.Run("ensure_signing_key").ExitCode.ShouldBe(0);
        var gateway = $"http://127.0.0.1:{local.Variable("PLATFORM_GATEWAY_PORT")}";
        var env = local.Environment("console");
        env["Console__PublicOrigin"].ShouldBe(gateway);
        env["Console__GatewayAddress"].ShouldBe(gateway);
        env["Console__ClientId"].ShouldBe("console");
        ConsoleClientComesBackTo(Clients(local.Environment("identity"))["console"].Fields, gateway);
    }

    private static void ConsoleClientComesBackTo(Dictionary<string, string?> client, string origin)
    {
        client["RedirectUris"].ShouldBe($"{origin}/signin-oidc", "the console's Console:PublicOrigin");
        client["PostLogoutRedirectUris"].ShouldBe($"{origin}/signout-callback-oidc");
        client.ShouldNotContainKey("ClientSecret", "a public client (code + PKCE)");
    }

    [Fact]
    public void The_gateway_routes_sign_in_and_tokens_to_the_identity_service_without_a_token_and_its_API_with_one()
    {
        var routes = JsonNode.Parse(Repo.Read($"{Deployed.Gateway.ProjectDir}/appsettings.json"))!["ReverseProxy"]!["Routes"]!.AsObject();
        var toIdentity = routes.Where(r => (string)r.Value!["ClusterId"]! == "identity_rest")
            .ToDictionary(r => (string)r.Value!["Match"]!["Path"]!, r => r.Value!);
        foreach (var path in new[] { "/connect/{**catch-all}", "/.well-known/{**catch-all}", "/account/{**catch-all}" })
        {
            var route = toIdentity[path];
            ((string)route["AuthorizationPolicy"]!).ShouldBe("anonymous", $"{path}: getting a token needs none");
            ((string)route["RateLimiterPolicy"]!).ShouldBe("per-caller", $"{path}: per client address");
            // The identity service answers with the gateway's address in its discovery document and redirects.
            route["Transforms"]!.AsArray().ShouldContain(t => (string?)t!["RequestHeaderOriginalHost"] == "true", path);
        }

        ((string)toIdentity["/api/identity/{**catch-all}"]["AuthorizationPolicy"]!).ShouldBe("caller");
        toIdentity.Where(r => (string?)r.Value["AuthorizationPolicy"] == "anonymous").Select(r => r.Key)
            .ShouldBe(["/connect/{**catch-all}", "/.well-known/{**catch-all}", "/account/{**catch-all}", "/openapi/identity.json"], ignoreOrder: true);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // bash and file modes: ./platform runs on Linux
    public void Up_makes_each_client_secret_once_readable_by_its_owner_only()
    {
        using var local = new LocalScripts();
        local.Run("ensure_signing_key").ExitCode.ShouldBe(0);
        var files = Directory.GetFiles(local.SecretDir).Select(Path.GetFileName).ToList();
        files.ShouldBe(ConfidentialClients.Select(id => $"{id}.secret"), ignoreOrder: true);
        var first = new Dictionary<string, string>();
        foreach (var id in ConfidentialClients)
        {
            var path = Path.Combine(local.SecretDir, $"{id}.secret");
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, id);
            var secret = File.ReadAllText(path);
            secret.ShouldMatch("^[A-Za-z0-9_-]{43}$", "32 random bytes, base64url without padding");
            first[id] = secret;
        }

        File.GetUnixFileMode(local.SecretDir).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        first.Values.Distinct().Count().ShouldBe(first.Count);
        local.Run("ensure_signing_key").ExitCode.ShouldBe(0);
        foreach (var id in ConfidentialClients)
        {
            File.ReadAllText(Path.Combine(local.SecretDir, $"{id}.secret")).ShouldBe(first[id], $"{id}: made once");
        }
    }

    [Fact]
    public void Up_gives_every_app_the_identity_service_as_authority_and_each_service_its_account()
    {
        using var local = new LocalScripts();
        local.Run("ensure_signing_key").ExitCode.ShouldBe(0);
        var identity = local.Environment("identity");
        var issuer = $"http://127.0.0.1:{local.Variable("PLATFORM_IDENTITY_PORT")}/";
        identity["Identity__Issuer"].ShouldBe(issuer);
        identity["Identity__AllowHttp"].ShouldBe("true");
        var clients = Clients(identity);
        clients.Keys.ShouldBe(ConfidentialClients.Append("console"), ignoreOrder: true);
        foreach (var id in ConfidentialClients)
        {
            identity[$"Identity__Clients__{clients[id].Index}__ClientSecret"].ShouldBe(File.ReadAllText(Path.Combine(local.SecretDir, $"{id}.secret")));
        }

        clients["platform-cli"].Fields["MayNarrow"].ShouldBe("true");
        clients["platform-cli"].Fields["AccessTokenLifetime"].ShouldBe("12:00:00");
        clients["console"].Fields.ShouldNotContainKey("ClientSecret");

        foreach (var app in Deployed.Apps)
        {
            var env = local.Environment(app.Name);
            env["Auth__Authority"].ShouldBe(issuer, $"{app}");
            env["Auth__Issuer"].ShouldBe(issuer, $"{app}");
            env["Auth__Audience"].ShouldBe("platform");
            env.ShouldNotContainKey("Auth__SigningKey", $"{app}: a development-key token is refused");
            if (Deployed.ServiceAccountUsers.Contains(app))
            {
                env["ServiceAccount__ClientId"].ShouldBe($"{app.Name}-service");
                env["ServiceAccount__ClientSecret"].ShouldBe(File.ReadAllText(Path.Combine(local.SecretDir, $"{app.Name}-service.secret")));
            }
            else
            {
                env.ShouldNotContainKey("ServiceAccount__ClientId", $"{app}");
            }
        }

        local.Environment("gateway")[$"ReverseProxy__Clusters__identity_rest__Destinations__primary__Address"]
            .ShouldBe($"http://127.0.0.1:{local.Variable("PLATFORM_IDENTITY_PORT")}");
        local.Variable("PLATFORM_SERVICES").Split(' ')[0].ShouldBe("identity", "started first");
        local.Variable("PLATFORM_PG_DATABASES").Split(' ').ShouldContain("identity");
    }

    [Fact]
    public void The_dev_key_mode_keeps_the_development_key_for_tools_that_sign_their_own_tokens()
    {
        using var local = new LocalScripts("PLATFORM_AUTH_MODE=dev-key");
        local.Run("ensure_signing_key").ExitCode.ShouldBe(0);
        var env = local.Environment("funds");
        env["Auth__SigningKey"].ShouldBe(File.ReadAllText(Path.Combine(local.Dir, "dev-signing-key")));
        env["Auth__Issuer"].ShouldBe("platform-dev");
        env.ShouldNotContainKey("Auth__Authority");
    }

    /// <summary>Identity__Clients__{i}__{Field} settings by client id: index and fields (a Secret reference is null).</summary>
    private static Dictionary<string, (int Index, Dictionary<string, string?> Fields)> Clients(IReadOnlyDictionary<string, string?> env)
    {
        var byIndex = new SortedDictionary<int, Dictionary<string, string?>>();
        foreach (var (key, value) in env)
        {
            if (key.Split("__") is ["Identity", "Clients", var index, var field])
            {
                var i = int.Parse(index, CultureInfo.InvariantCulture);
                if (!byIndex.TryGetValue(i, out var fields))
                {
                    byIndex[i] = fields = [];
                }

                fields[field] = value;
            }
        }

        byIndex.Keys.ShouldBe(Enumerable.Range(0, byIndex.Count), "client indexes are 0..n-1");
        return byIndex.ToDictionary(c => c.Value["ClientId"]!, c => (c.Key, c.Value));
    }

    private static string Describe(Dictionary<string, string?> fields, params string[] names) =>
        string.Join('|', names.Select(n => fields.TryGetValue(n, out var v) ? v : "(missing)"));

    /// <summary>The Secret and key an env entry of an app's container takes its value from, if any.</summary>
    private static (string Name, string Key)? SecretRef(Rendered rendered, App app, string name)
    {
        var entry = rendered.Container(app)["env"]!.AsArray().SingleOrDefault(e => (string)e!["name"]! == name);
        return entry?["valueFrom"]?["secretKeyRef"] is { } reference
            ? ((string)reference["name"]!, (string)reference["key"]!)
            : null;
    }
}
