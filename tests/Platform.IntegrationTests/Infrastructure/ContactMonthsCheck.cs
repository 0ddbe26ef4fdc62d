using Dapper;
using Npgsql;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Pairing's kept compliance counts per village and month (village_contact_months, migration 0011) against a recount
/// from the contacts themselves: contacted in the month, visited in it or the month before, both.
/// </summary>
public static class ContactMonthsCheck
{
    public static async Task ShouldMatchARecountAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var kept = (await connection.QueryAsync<(DateTime, string, int, int, int)>(
            "SELECT month, village_code, contacted, visited, compliant FROM village_contact_months ORDER BY month, village_code", transaction: transaction)).ToList();
        var recounted = (await connection.QueryAsync<(DateTime, string, int, int, int)>(
            """
            WITH months AS (
                SELECT DISTINCT date_trunc('month', contacted_on)::date AS month FROM contact_records
                UNION SELECT DISTINCT (date_trunc('month', contacted_on) + interval '1 month')::date FROM contact_records
            ), status AS (
                SELECT h.village_code, m.month,
                       EXISTS (SELECT 1 FROM contact_records c WHERE c.household_id = h.id AND c.contacted_on >= m.month
                               AND c.contacted_on < m.month + interval '1 month') AS contacted,
                       EXISTS (SELECT 1 FROM contact_records c WHERE c.household_id = h.id AND c.kind = 'visit'
                               AND c.contacted_on >= m.month - interval '1 month' AND c.contacted_on < m.month + interval '1 month') AS visited
                FROM households h CROSS JOIN months m
            )
            SELECT month, village_code, (count(*) FILTER (WHERE contacted))::int, (count(*) FILTER (WHERE visited))::int,
                   (count(*) FILTER (WHERE contacted AND visited))::int
            FROM status GROUP BY 1, 2 HAVING count(*) FILTER (WHERE contacted OR visited) > 0 ORDER BY 1, 2
            """, transaction: transaction)).ToList();
        recounted.ShouldNotBeEmpty();
        kept.ShouldBe(recounted);
    }
}
