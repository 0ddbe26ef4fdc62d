using Platform.Data.Migrations;

namespace Platform.UnitTests;

public class MigrationPlanTests
{
    [Fact]
    public void Orders_by_number_not_by_text()
    {
        var files = Enumerable.Range(1, 12).Reverse().Select(i => ($"{i:D4}_step_{i}.sql", $"SELECT {i};"));
        var ordered = MigrationPlan.Order("service", files);
        ordered.Select(s => s.Version).ShouldBe(Enumerable.Range(1, 12));
        ordered[9].Name.ShouldBe("step_10");
    }

    [Theory]
    [InlineData("1_init.sql")]
    [InlineData("0001-init.sql")]
    [InlineData("0001_Init.sql")]
    [InlineData("0001_init.txt")]
    public void Refuses_badly_named_files(string name) =>
        Should.Throw<MigrationException>(() => MigrationPlan.Order("service", [(name, "")])).Message.ShouldContain(name);

    [Fact]
    public void Refuses_a_number_used_twice() =>
        Should.Throw<MigrationException>(() => MigrationPlan.Order("service", [("0001_a.sql", ""), ("0001_b.sql", "")]))
            .Message.ShouldContain("numbered twice");

    [Fact]
    public void Refuses_a_gap() =>
        Should.Throw<MigrationException>(() => MigrationPlan.Order("service", [("0001_a.sql", ""), ("0003_c.sql", "")]))
            .Message.ShouldContain("gap");

    [Fact]
    public void Pending_is_what_was_not_applied()
    {
        var scripts = MigrationPlan.Order("service", [("0001_a.sql", "A"), ("0002_b.sql", "B"), ("0003_c.sql", "C")]);
        var applied = new[] { new AppliedMigration("service", 1, "a", scripts[0].Checksum) };
        MigrationPlan.Pending(scripts, applied).Select(s => s.Version).ShouldBe([2, 3]);
    }

    [Fact]
    public void An_applied_file_that_was_edited_stops_the_start()
    {
        var original = MigrationPlan.Order("service", [("0001_a.sql", "CREATE TABLE a ();")]);
        var edited = MigrationPlan.Order("service", [("0001_a.sql", "CREATE TABLE a (id int);")]);
        var applied = new[] { new AppliedMigration("service", 1, "a", original[0].Checksum) };
        Should.Throw<MigrationException>(() => MigrationPlan.Pending(edited, applied)).Message.ShouldContain("edited");
    }

    [Fact]
    public void Line_endings_do_not_count_as_an_edit()
    {
        var lf = MigrationPlan.Order("service", [("0001_a.sql", "SELECT 1;\nSELECT 2;\n")]);
        var crlf = MigrationPlan.Order("service", [("0001_a.sql", "SELECT 1;\r\nSELECT 2;\r\n")]);
        crlf[0].Checksum.ShouldBe(lf[0].Checksum);
    }

    [Fact]
    public void An_applied_migration_missing_from_the_code_stops_the_start()
    {
        var scripts = MigrationPlan.Order("service", [("0001_a.sql", "A")]);
        var applied = new[] { new AppliedMigration("service", 1, "a", scripts[0].Checksum), new AppliedMigration("service", 2, "b", "x") };
        Should.Throw<MigrationException>(() => MigrationPlan.Pending(scripts, applied)).Message.ShouldContain("missing from the code");
    }

    [Fact]
    public void The_platform_and_dispatch_migrations_embedded_in_the_assemblies_are_valid()
    {
        MigrationSource.FromAssembly("platform", typeof(MigrationRunner).Assembly).Scripts.ShouldNotBeEmpty();
        MigrationSource.FromAssembly("service", typeof(Dispatch.Api.Domain.DivisionCode).Assembly).Scripts[0].Name.ShouldBe("region_registry");
    }
}
