using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Data.Migrations;

/// <summary>One numbered SQL file, e.g. <c>0003_village_indicators.sql</c>.</summary>
public sealed record MigrationScript(string Stream, int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the text with line endings normalised, so a checkout on Windows does not look "edited".</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n", StringComparison.Ordinal))));
}

/// <summary>A migration already recorded in <c>schema_migrations</c>.</summary>
public sealed record AppliedMigration(string Stream, int Version, string Name, string Checksum);

public sealed class MigrationException(string message) : Exception(message);

/// <summary>A named set of migrations: the platform's own tables, then the service's.</summary>
public sealed record MigrationSource(string Stream, IReadOnlyList<MigrationScript> Scripts)
{
    /// <summary>Reads embedded resources whose file name is <c>NNNN_name.sql</c>.</summary>
    public static MigrationSource FromAssembly(string stream, Assembly assembly)
    {
        var files = new List<(string FileName, string Sql)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!, Encoding.UTF8);
            // Resource names are Namespace.Folder.File.sql; the file name is the last two dot-separated parts.
            var parts = resource.Split('.');
            files.Add((parts[^2] + ".sql", reader.ReadToEnd()));
        }

        return new MigrationSource(stream, MigrationPlan.Order(stream, files));
    }
}

/// <summary>The pure rules of migration ordering and drift detection; no I/O.</summary>
public static partial class MigrationPlan
{
    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    /// <summary>Parses and orders files by number (not by text); rejects bad names, duplicates and gaps.</summary>
    public static IReadOnlyList<MigrationScript> Order(string stream, IEnumerable<(string FileName, string Sql)> files)
    {
        var scripts = new List<MigrationScript>();
        foreach (var (fileName, sql) in files)
        {
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new MigrationException($"Migration file '{fileName}' ({stream}) is not named NNNN_lower_snake_name.sql.");
            }

            scripts.Add(new MigrationScript(stream, int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, sql));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                var problem = i > 0 && scripts[i].Version == scripts[i - 1].Version ? "is numbered twice" : "leaves a gap";
                throw new MigrationException($"Migration {scripts[i].Version:D4}_{scripts[i].Name} ({stream}) {problem}: versions must run 0001, 0002, ... without gaps.");
            }
        }

        return scripts;
    }

    /// <summary>
    /// What still has to run. An applied migration whose file changed, or that no longer exists, stops the start:
    /// the database would otherwise silently differ from the code.
    /// </summary>
    public static IReadOnlyList<MigrationScript> Pending(IReadOnlyList<MigrationScript> scripts, IEnumerable<AppliedMigration> applied)
    {
        var byVersion = scripts.ToDictionary(s => s.Version);
        var appliedVersions = new HashSet<int>();
        foreach (var done in applied)
        {
            if (!byVersion.TryGetValue(done.Version, out var script))
            {
                throw new MigrationException($"Migration {done.Version:D4}_{done.Name} ({done.Stream}) is applied in the database but missing from the code.");
            }

            if (!string.Equals(script.Checksum, done.Checksum, StringComparison.Ordinal))
            {
                throw new MigrationException(
                    $"Migration {done.Version:D4}_{done.Name} ({done.Stream}) was edited after it was applied. Add a new numbered migration instead.");
            }

            appliedVersions.Add(done.Version);
        }

        return scripts.Where(s => !appliedVersions.Contains(s.Version)).ToList();
    }
}
