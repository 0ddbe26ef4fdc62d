using System.Globalization;
using System.Text;

namespace Platform.Cli.CommandLine;

/// <summary>A bad command line: the message says what is wrong, the usage of <see cref="Command"/> says what is right.</summary>
public sealed class UsageException(string message, CommandSpec? command = null) : Exception(message)
{
    public CommandSpec? Command { get; } = command;
}

/// <summary>An option that takes a value (<c>--name VALUE</c> or <c>--name=VALUE</c>). The tool has no flags.</summary>
public sealed record OptionSpec(string Name, string ValueName, string Description, bool Required = false, string? DefaultValue = null);

public sealed record CommandSpec(string Name, string Summary, IReadOnlyList<OptionSpec> Options)
{
    public string Usage
    {
        get
        {
            var text = new StringBuilder();
            text.Append("usage: Platform.Cli ").Append(Name);
            foreach (var option in Options)
            {
                var part = $"--{option.Name} {option.ValueName}";
                text.Append(' ').Append(option.Required ? part : $"[{part}]");
            }

            text.Append('\n').Append(Summary).Append('\n');
            var width = Options.Max(o => o.Name.Length + o.ValueName.Length) + 5;
            foreach (var option in Options)
            {
                var defaultText = option.DefaultValue is null ? string.Empty : $" (default {option.DefaultValue})";
                text.Append("  ").Append($"--{option.Name} {option.ValueName}".PadRight(width)).Append(option.Description).Append(defaultText).Append('\n');
            }

            return text.ToString();
        }
    }
}

/// <summary>Parses the options after the command name. Values are checked by the typed getters of <see cref="ParsedOptions"/>.</summary>
public static class ArgumentParser
{
    public static ParsedOptions Parse(CommandSpec command, IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}'; options start with --", command);
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            if (!command.Options.Any(o => o.Name == name))
            {
                throw new UsageException($"unknown option '--{name}' for '{command.Name}'", command);
            }

            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option '--{name}' needs a value", command);
            }

            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"option '--{name}' is given more than once", command);
            }
        }

        var given = values.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var option in command.Options)
        {
            if (!values.ContainsKey(option.Name))
            {
                if (option.Required)
                {
                    throw new UsageException($"missing required option '--{option.Name}'", command);
                }

                if (option.DefaultValue is not null)
                {
                    values[option.Name] = option.DefaultValue;
                }
            }
        }

        return new ParsedOptions(command, values, given);
    }
}

public sealed class ParsedOptions(CommandSpec command, IReadOnlyDictionary<string, string> values, IReadOnlySet<string> given)
{
    public CommandSpec Command { get; } = command;

    /// <summary>Whether the command line gave the option (a default does not count).</summary>
    public bool IsGiven(string name) => given.Contains(name);

    /// <summary>The value, or null when an optional option without a default is absent.</summary>
    public string? Get(string name) => values.GetValueOrDefault(name);

    /// <summary>For required options and options with a default, which the parser has always filled in.</summary>
    public string GetRequired(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"Option '--{name}' is neither required nor defaulted.");

    public int GetInt32(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = GetRequired(name);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Fail($"option '--{name}' must be a whole number, got '{text}'");
        }

        return value >= min && value <= max ? value : throw Fail($"option '--{name}' must be between {min} and {max}, got {value}");
    }

    public UsageException Fail(string message) => new(message, Command);
}
