using Platform.Cli.CommandLine;
using Platform.Security;

namespace Platform.Cli.Commands;

/// <summary>
/// Prints only a token, for scripts and curl: from the identity service (client credentials, narrowed to the role, scope
/// and grants asked for), or signed with the services' development key (tests and development).
/// </summary>
internal sealed class TokenCommand(TextWriter output, TextWriter error, HttpMessageHandler? handler, TimeSpan retryDelay) : ICommand
{
    private static readonly OptionSpec Role = new("role", "ROLE[,ROLE]",
        $"one or more of: {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))} (required with --key-file; with --authority it narrows the client's own)");
    private static readonly OptionSpec Scope = new("scope", "CODE", "region scope: a division-code prefix, e.g. 51 or 511702 (not with --grant nationwide)");
    private static readonly OptionSpec Grant = new("grant", "GRANT[,GRANT]",
        $"extra rights: {Grants.Nationwide} (the whole country, role province only, no --scope), {Grants.Write} (an integration client that writes)");
    private static readonly OptionSpec Subject = new("subject", "NAME", "development key: the sub claim (default dev-ROLE-SCOPE)");
    private static readonly OptionSpec LifetimeHours = new("lifetime-hours", "N", "development key: hours until the token expires", DefaultValue: "12");

    /// <summary>The options of the development-key mode, refused beside --authority.</summary>
    private static readonly OptionSpec[] DevelopmentKeyOptions = [Subject, LifetimeHours, .. SigningOptions.All];

    public CommandSpec Spec { get; } = new(
        "token",
        "Prints a token on one line: from the identity service with --authority, --client-id and --client-secret-file (client credentials; "
        + "--role, --scope and --grant narrow the client's own), or signed (HS256) with the development key of --key-file (tests and development only).",
        [Role, Scope, Grant, ClientCredentialsOptions.Authority, ClientCredentialsOptions.ClientId, ClientCredentialsOptions.ClientSecretFile,
            Subject, LifetimeHours, SigningOptions.KeyFile, SigningOptions.Issuer, SigningOptions.Audience]);

    private static readonly string[] KnownGrants = [Grants.Nationwide, Grants.Write];

    public async Task<int> RunAsync(ParsedOptions options, CancellationToken cancellationToken)
    {
        if (ClientCredentialsOptions.Parse(options, DevelopmentKeyOptions) is { } credentials)
        {
            var narrowing = ParseNarrowing(options);
            using var client = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var token = await new IdentityTokenClient(client, error, retryDelay).RequestAsync(credentials, narrowing, cancellationToken);
                await output.WriteAsync(token + "\n");
                return ExitCodes.Success;
            }
            catch (TokenRequestException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        }

        if (!options.IsGiven(SigningOptions.KeyFile.Name))
        {
            throw SigningOptions.NeitherMode(options);
        }

        if (!options.IsGiven(Role.Name))
        {
            throw options.Fail($"missing required option '--{Role.Name}'");
        }

        var roles = ParseRoles(options);
        var grants = ParseGrants(options);
        var scope = ParseScope(options, roles, grants);

        var lifetime = TimeSpan.FromHours(options.GetInt32(LifetimeHours.Name, min: 1, max: 24 * 366));
        var auth = SigningOptions.CreateAuthOptions(options);
        var subject = options.Get(Subject.Name) ?? $"dev-{roles[0]}-{(scope.Prefix.Length == 0 ? Grants.Nationwide : scope.Prefix)}";

        await output.WriteAsync(DevelopmentTokens.Create(auth, subject, roles, scope.Prefix, lifetime, grants: grants) + "\n");
        return ExitCodes.Success;
    }

    /// <summary>With --role, the token asks for exactly these role(s), scope and grants (checked as for a signed one); without, the client's own.</summary>
    private static Narrowing? ParseNarrowing(ParsedOptions options)
    {
        if (!options.IsGiven(Role.Name))
        {
            return options.IsGiven(Scope.Name) || options.IsGiven(Grant.Name)
                ? throw options.Fail($"--{Scope.Name} and --{Grant.Name} narrow a token to --{Role.Name}: give the role too")
                : null;
        }

        var roles = ParseRoles(options);
        var grants = ParseGrants(options);
        return new Narrowing(roles, ParseScope(options, roles, grants).Prefix, grants);
    }

    /// <summary>
    /// The region claim: the prefix given with --scope; the whole country (an empty region) only with --grant nationwide,
    /// which the services honour for a token whose one role is province (RegionScope.FromPrincipal), so nothing else is signed.
    /// </summary>
    private static RegionScope ParseScope(ParsedOptions options, List<string> roles, List<string> grants)
    {
        var scopeText = options.Get(Scope.Name);
        if (grants.Contains(Grants.Nationwide))
        {
            if (roles is not [Roles.Province])
            {
                throw options.Fail($"--grant {Grants.Nationwide} is for the role {Roles.Province} alone");
            }

            return string.IsNullOrEmpty(scopeText)
                ? RegionScope.Everything
                : throw options.Fail($"--grant {Grants.Nationwide} is the whole country: leave out --scope");
        }

        if (string.IsNullOrEmpty(scopeText))
        {
            throw options.Fail($"option '--scope' needs a division-code prefix (the whole country is --role {Roles.Province} --grant {Grants.Nationwide})");
        }

        return RegionScope.TryParse(scopeText, out var scope)
            ? scope
            : throw options.Fail($"scope '{scopeText}' is not a division-code prefix (digits only, at most {RegionScope.CodeLength})");
    }

    private static List<string> ParseGrants(ParsedOptions options)
    {
        var grants = (options.Get(Grant.Name) ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var unknown = grants.FirstOrDefault(g => !KnownGrants.Contains(g));
        return unknown is null ? grants : throw options.Fail($"unknown grant '{unknown}'; grants are {string.Join(", ", KnownGrants)}");
    }

    private static List<string> ParseRoles(ParsedOptions options)
    {
        var roles = options.GetRequired(Role.Name)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (roles.Count == 0)
        {
            throw options.Fail("option '--role' needs at least one role");
        }

        var unknown = roles.FirstOrDefault(r => !Roles.All.Contains(r));
        return unknown is null
            ? roles
            : throw options.Fail($"unknown role '{unknown}'; roles are {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}");
    }
}
