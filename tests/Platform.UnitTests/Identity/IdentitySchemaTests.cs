extern alias identity;

using identity::Identity.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Platform.UnitTests.Identity;

/// <summary>
/// The identity database is EF Core's model (ASP.NET Core Identity, OpenIddict) applied as the platform's numbered SQL:
/// the first migration must be exactly what EF would create, or the stores would read columns that do not exist.
/// A model change (a package upgrade, a new property) fails here until it gets a new numbered migration.
/// </summary>
public sealed class IdentitySchemaTests
{
    [Fact]
    public void The_first_migration_is_what_the_ef_model_creates()
    {
        var options = new DbContextOptionsBuilder<IdentityDb>().UseNpgsql("Host=unused").UseSnakeCaseNamingConvention().UseOpenIddict().Options;
        using var db = new IdentityDb(options);
        var modelled = Normalize(db.Database.GenerateCreateScript());

        var migration = Normalize(ReadMigration("0001_identity_schema.sql"));

        migration.ShouldBe(modelled);
    }

    private static string ReadMigration(string name)
    {
        var assembly = typeof(IdentityDb).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(name, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        return reader.ReadToEnd();
    }

    // Comments and blank lines are the file's own; the statements must match.
    private static string Normalize(string sql) =>
        string.Join('\n', sql.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal)));
}
