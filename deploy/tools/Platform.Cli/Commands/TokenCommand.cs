using Platform.Cli.CommandLine;
using Platform.Security;

namespace Platform.Cli.Commands;

/// <summary>Signs a development token with the services' symmetric key and prints only the token, for scripts and curl.</summary>
internal sealed class TokenCommand(TextWriter output) : ICommand
{
    private static readonly OptionSpec Role = new("role", "ROLE[,ROLE]", $"one or more of: {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}", Required: true);
    private static readonly OptionSpec Scope = new("scope", "CODE", "region scope: a division-code prefix, e.g. 51 or 511702", Required: true);
    private static readonly OptionSpec Subject = new("subject", "NAME", "the sub claim (default dev-ROLE-SCOPE)");
    private static readonly OptionSpec LifetimeHours = new("lifetime-hours", "N", "hours until the token expires", DefaultValue: "12");

    public CommandSpec Spec { get; } = new(
        "token",
        "Signs a development token (HS256) and prints it on one line.",
        [Role, Scope, Subject, LifetimeHours, SigningOptions.KeyFile, SigningOptions.Issuer, SigningOptions.Audience]);

    public Task<int> RunAsync(ParsedOptions options, CancellationToken cancellationToken)
    {
        var roles = ParseRoles(options);
        var scopeText = options.GetRequired(Scope.Name);
        if (!RegionScope.TryParse(scopeText, out var scope))
        {
            throw options.Fail($"scope '{scopeText}' is not a division-code prefix (digits only, at most {RegionScope.CodeLength})");
        }

        var lifetime = TimeSpan.FromHours(options.GetInt32(LifetimeHours.Name, min: 1, max: 24 * 366));
        var auth = SigningOptions.CreateAuthOptions(options);
        var subject = options.Get(Subject.Name) ?? $"dev-{roles[0]}-{scope}";

        output.Write(DevelopmentTokens.Create(auth, subject, roles, scope.Prefix, lifetime) + "\n");
        return Task.FromResult(ExitCodes.Success);
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
