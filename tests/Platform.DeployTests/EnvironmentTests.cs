using System.Globalization;
using System.Text.RegularExpressions;
using Platform.DeployTests.Infrastructure;

namespace Platform.DeployTests;

/// <summary>docker-compose.yml and k8s give every app the same settings (names), and no secret value is in k8s.</summary>
public sealed partial class EnvironmentTests
{
    /// <summary>The keys of the Secret platform-personal-data, which the Deployments take whole (envFrom).</summary>
    private static readonly string[] PersonalDataSecretKeys = ["PersonalData__CurrentKeyId", "PersonalData__Keys__*", "PersonalData__IndexKey"];

    [Fact]
    public void Compose_and_k8s_agree_on_the_environment_names_of_every_app()
    {
        var k8s = Rendered.Of("province");
        foreach (var app in Deployed.Apps)
        {
            // Lists are compared by name: compose has one broker node, the province three.
            var fromCompose = Compose.Environment(app.Name).Keys
                .Select(k => PersonalDataKey().Replace(k, "PersonalData__Keys__*"))
                .Select(k => BrokerNode().Replace(k, "RabbitMq__Nodes__*"))
                .Where(IsSetting).ToHashSet();

            var env = k8s.Environment(app, out var secrets);
            var fromK8s = env.Keys.Select(k => BrokerNode().Replace(k, "RabbitMq__Nodes__*")).Where(IsSetting).ToHashSet();
            if (secrets.Contains("platform-personal-data"))
            {
                fromK8s.UnionWith(PersonalDataSecretKeys);
            }

            fromK8s.ShouldBe(fromCompose, ignoreOrder: true, $"{app}: compose has [{string.Join(", ", fromCompose.Except(fromK8s))}] that k8s lacks, k8s has [{string.Join(", ", fromK8s.Except(fromCompose))}] that compose lacks");
        }
    }

    [Fact]
    public void Every_service_that_calls_others_as_itself_has_its_service_account_and_no_fixed_token()
    {
        var callers = Deployed.Services.Where(s => Deployed.CodeContains(s, "AddServiceAccountToken")).ToList();
        callers.Select(c => c.Name).ShouldContain("notification");
        foreach (var app in callers)
        {
            Deployed.ServiceAccountUsers.ShouldContain(app);
            Rendered.Of("province").Environment(app).ShouldContainKey("ServiceAccount__ClientId");
            Compose.Environment(app.Name).ShouldContainKey("ServiceAccount__ClientId");
        }

        foreach (var app in Deployed.Apps)
        {
            Rendered.Of("province").Environment(app).Keys.ShouldNotContain(k => k.EndsWith("__ServiceToken", StringComparison.Ordinal), $"{app}: tokens come from the service account");
            Compose.Environment(app.Name).Keys.ShouldNotContain(k => k.EndsWith("__ServiceToken", StringComparison.Ordinal), $"compose {app}");
        }
    }

    [Fact]
    public void Services_get_a_database_the_broker_users_the_broker_and_the_gateway_and_the_console_neither()
    {
        foreach (var app in Deployed.Apps)
        {
            var env = Rendered.Of("province").Environment(app);
            env.ContainsKey("ConnectionStrings__Database").ShouldBe(app.IsService, $"{app}: ConnectionStrings__Database");
            foreach (var key in new[] { "RabbitMq__Host", "RabbitMq__Port", "RabbitMq__Username", "RabbitMq__Password" })
            {
                env.ContainsKey(key).ShouldBe(Deployed.BrokerUsers.Contains(app), $"{app}: {key}");
                Compose.Environment(app.Name).ContainsKey(key).ShouldBe(Deployed.BrokerUsers.Contains(app), $"compose {app}: {key}");
            }

            foreach (var key in new[] { "Auth__Issuer", "Auth__Audience", "Auth__Authority", "OTEL_EXPORTER_OTLP_ENDPOINT", "HostOptions__ShutdownTimeout" })
            {
                env.ShouldContainKey(key, $"{app}: {key}");
            }
        }

        // Dispatch and pairing protect citizen IDs and phone numbers (AddPersonalDataProtection).
        foreach (var app in Deployed.Services.Where(s => Deployed.CodeContains(s, "AddPersonalDataProtection")))
        {
            Rendered.Of("province").Environment(app, out var secrets);
            secrets.ShouldContain("platform-personal-data", $"{app} protects personal data");
            Compose.Environment(app.Name).ShouldContainKey("PersonalData__IndexKey");
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void No_secret_value_is_in_the_manifests(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        rendered.OfKind("Secret").ShouldBeEmpty("Secrets are made by operators or by hand, never kept here");
        foreach (var app in Deployed.Apps)
        {
            foreach (var (key, value) in rendered.Environment(app))
            {
                if (value is null)
                {
                    continue;
                }

                key.ShouldNotContain("Password", Case.Insensitive);
                key.ShouldNotContain("SigningKey", Case.Insensitive);
                key.ShouldNotContain("Secret", Case.Insensitive, $"{app}: client secrets come from the Secret platform-identity-clients");
                key.ShouldNotStartWith("PersonalData__");
                if (value.Contains("Password=", StringComparison.OrdinalIgnoreCase))
                {
                    value.ShouldContain("Password=$(DB_PASSWORD)", Case.Sensitive, $"{app}: {key} takes the password from a Secret");
                }
            }
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void Shutdown_drains_before_the_grace_period_ends_in_k8s_and_compose(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        foreach (var app in Deployed.Apps)
        {
            var shutdown = TimeSpan.Parse(rendered.Environment(app)["HostOptions__ShutdownTimeout"]!, CultureInfo.InvariantCulture);
            var pod = rendered.Get("Deployment", app.Name)["spec"]!["template"]!["spec"]!;
            var preStop = Rendered.Number(rendered.Container(app)["lifecycle"]!["preStop"]!["sleep"]!["seconds"]);
            preStop.ShouldBeGreaterThan(0, "endpoints drain before the host stops");
            Rendered.Number(pod["terminationGracePeriodSeconds"]).ShouldBeGreaterThan(preStop + (int)shutdown.TotalSeconds, $"{app}: grace > preStop + shutdown");

            var composeShutdown = TimeSpan.Parse(Compose.Environment(app.Name)["HostOptions__ShutdownTimeout"]!, CultureInfo.InvariantCulture);
            composeShutdown.ShouldBe(shutdown);
            var grace = (string)Compose.Service(app.Name)["stop_grace_period"]!;
            int.Parse(grace.TrimEnd('s'), CultureInfo.InvariantCulture).ShouldBeGreaterThan((int)composeShutdown.TotalSeconds, $"{app}: compose stop_grace_period");
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("province")]
    public void Pods_run_as_non_root_on_a_read_only_root_with_requests_and_limits(string overlay)
    {
        var rendered = Rendered.Of(overlay);
        foreach (var app in Deployed.Apps)
        {
            var pod = rendered.Get("Deployment", app.Name)["spec"]!["template"]!["spec"]!;
            ((bool)pod["securityContext"]!["runAsNonRoot"]!).ShouldBeTrue();
            ((bool)pod["automountServiceAccountToken"]!).ShouldBeFalse();
            var container = rendered.Container(app);
            var security = container["securityContext"]!;
            ((bool)security["readOnlyRootFilesystem"]!).ShouldBeTrue($"{app}");
            ((bool)security["allowPrivilegeEscalation"]!).ShouldBeFalse($"{app}");
            security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!).ShouldContain("ALL");
            foreach (var kind in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    container["resources"]![kind]![resource].ShouldNotBeNull($"{app}: resources.{kind}.{resource}");
                }
            }
        }
    }

    private static bool IsSetting(string name) =>
        name.Contains("__", StringComparison.Ordinal) || name.StartsWith("OTEL_", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal);

    [GeneratedRegex(@"^PersonalData__Keys__.+$")]
    private static partial Regex PersonalDataKey();

    [GeneratedRegex(@"^RabbitMq__Nodes__[0-9]+$")]
    private static partial Regex BrokerNode();
}
