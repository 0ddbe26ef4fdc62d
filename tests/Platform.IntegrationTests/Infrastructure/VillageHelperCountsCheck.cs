using Dapper;
using Npgsql;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Pairing's kept counts per village (households, open responsible helpers; migration 0010) against a recount of the
/// households and pairings they summarise, read in one transaction.
/// </summary>
public static class VillageHelperCountsCheck
{
    public static async Task ShouldMatchARecountAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        var kept = (await connection.QueryAsync<(string Village, int Households, int Open)>(
            "SELECT village_code, households, open_responsible FROM village_helper_counts WHERE households > 0 ORDER BY village_code",
            transaction: transaction)).ToList();
        var recounted = (await connection.QueryAsync<(string Village, int Households, int Open)>(
            """
            SELECT h.village_code, count(*)::int,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.role = 'responsible' AND p.ends_on IS NULL))::int
            FROM households h GROUP BY h.village_code ORDER BY h.village_code
            """, transaction: transaction)).ToList();
        recounted.ShouldNotBeEmpty();
        kept.ShouldBe(recounted);
    }

    public static async Task ShouldMatchARecountAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await ShouldMatchARecountAsync(connection, transaction);
    }
}
