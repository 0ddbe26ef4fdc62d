using System.ComponentModel.DataAnnotations;
using Platform.Cli.CommandLine;
using Platform.Cli.DemoData;
using Platform.Security;

namespace Platform.Cli.Commands;

/// <summary>
/// Options of the development-key mode of the commands that need a token (tests and development): the key file and the
/// issuer and audience the services expect. The other mode is the identity service (<see cref="ClientCredentialsOptions"/>).
/// </summary>
internal static class SigningOptions
{
    public static readonly OptionSpec KeyFile = new("key-file", "PATH", "development key: file holding the signing key (the services' Auth:SigningKey, at least 32 bytes)");

    public static readonly OptionSpec Issuer = new("issuer", "NAME", "development key: token issuer (Auth:Issuer)", DefaultValue: "platform-dev");
    public static readonly OptionSpec Audience = new("audience", "NAME", "development key: token audience (Auth:Audience)", DefaultValue: "platform");

    /// <summary>The options of the development-key mode, refused beside --authority.</summary>
    public static readonly IReadOnlyList<OptionSpec> All = [KeyFile, Issuer, Audience];

    /// <summary>The usage error of a command given neither mode.</summary>
    public static UsageException NeitherMode(ParsedOptions options) =>
        options.Fail($"give --{ClientCredentialsOptions.Authority.Name}, --{ClientCredentialsOptions.ClientId.Name} and --{ClientCredentialsOptions.ClientSecretFile.Name} "
            + $"(the identity service), or --{KeyFile.Name} (the development key)");

    /// <summary>A file holding a key or a secret, without surrounding whitespace; unreadable or empty is a usage error.</summary>
    public static string ReadSecret(ParsedOptions options, string path, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw options.Fail($"cannot read {what} '{path}': {e.Message}");
        }

        return text.Length > 0 ? text : throw options.Fail($"{what} '{path}' is empty");
    }

    /// <summary>Reads the key file; a missing, empty or short key is a usage error, reported before anything is done.</summary>
    public static AuthOptions CreateAuthOptions(ParsedOptions options)
    {
        var path = options.Get(KeyFile.Name) ?? throw options.Fail($"missing required option '--{KeyFile.Name}'");
        var key = ReadSecret(options, path, "key file");

        var auth = new AuthOptions { Issuer = options.GetRequired(Issuer.Name), Audience = options.GetRequired(Audience.Name), SigningKey = key };

        // The services apply the same rules to their own configuration; a key they would refuse is refused here too.
        var problem = auth.Validate(new ValidationContext(auth)).FirstOrDefault();
        return problem is null ? auth : throw options.Fail($"key file '{path}': {problem.ErrorMessage}");
    }
}

/// <summary>Options shared by commands that generate the demo province.</summary>
internal static class DemoDataOptions
{
    public static readonly OptionSpec Scale = new("scale", "county|city|province",
        "county 511702 (~265 rows), city 5117 (~1,800) or the whole province (~49,000)", Required: true);

    public static readonly OptionSpec Seed = new("seed", "N", "random seed; the same seed gives the same file", DefaultValue: ProvinceGenerator.DefaultSeed.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static GenerationScale ParseScale(ParsedOptions options)
    {
        var text = options.GetRequired(Scale.Name);
        return GenerationScales.TryParse(text, out var scale)
            ? scale
            : throw options.Fail($"option '--{Scale.Name}' must be one of {string.Join(", ", GenerationScales.Names)}, got '{text}'");
    }

    public static int ParseSeed(ParsedOptions options) => options.GetInt32(Seed.Name);
}
