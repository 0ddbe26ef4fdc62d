using System.ComponentModel.DataAnnotations;
using Platform.Cli.CommandLine;
using Platform.Cli.DemoData;
using Platform.Security;

namespace Platform.Cli.Commands;

/// <summary>Options shared by commands that sign tokens: the key file and the issuer and audience the services expect.</summary>
internal static class SigningOptions
{
    public static readonly OptionSpec KeyFile = new("key-file", "PATH", "file holding the signing key (the services' Auth:SigningKey, at least 32 bytes)", Required: true);
    public static readonly OptionSpec Issuer = new("issuer", "NAME", "token issuer (Auth:Issuer)", DefaultValue: "platform-dev");
    public static readonly OptionSpec Audience = new("audience", "NAME", "token audience (Auth:Audience)", DefaultValue: "platform");

    /// <summary>Reads the key file; a missing, empty or short key is a usage error, reported before anything is done.</summary>
    public static AuthOptions CreateAuthOptions(ParsedOptions options)
    {
        var path = options.GetRequired(KeyFile.Name);
        string key;
        try
        {
            key = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw options.Fail($"cannot read key file '{path}': {e.Message}");
        }

        if (key.Length == 0)
        {
            throw options.Fail($"key file '{path}' is empty");
        }

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
