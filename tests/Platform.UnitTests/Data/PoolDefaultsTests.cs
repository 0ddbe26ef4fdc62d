using Npgsql;
using Platform.Data;

namespace Platform.UnitTests.Data;

/// <summary>The pool settings every service's data source gets, and that a connection string can still override each.</summary>
public class PoolDefaultsTests
{
    private static NpgsqlConnectionStringBuilder Applied(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        DataExtensions.ApplyPoolDefaults(settings, connectionString);
        return settings;
    }

    [Fact]
    public void A_plain_connection_string_gets_no_reset_auto_prepare_and_no_enlisting()
    {
        var settings = Applied("Host=127.0.0.1;Port=5433;Database=dispatch;Username=platform;Password=platform");
        settings.NoResetOnClose.ShouldBeTrue();
        settings.MaxAutoPrepare.ShouldBe(128);
        settings.AutoPrepareMinUsages.ShouldBe(2);
        settings.Enlist.ShouldBeFalse();
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0;Auto Prepare Min Usages=5;Enlist=true")]
    [InlineData("Host=db;noresetonclose=false;MaxAutoPrepare=0;autoprepareminusages=5;ENLIST=true")]
    public void Settings_the_connection_string_names_are_kept(string connectionString)
    {
        var settings = Applied(connectionString);
        settings.NoResetOnClose.ShouldBeFalse();
        settings.MaxAutoPrepare.ShouldBe(0);
        settings.AutoPrepareMinUsages.ShouldBe(5);
        settings.Enlist.ShouldBeTrue();
    }
}
