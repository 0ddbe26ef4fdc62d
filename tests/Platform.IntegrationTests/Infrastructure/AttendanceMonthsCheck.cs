using Dapper;
using Npgsql;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>Dispatch's kept month rows (attendance_months, migration 0008) against a recount of the check-ins they summarise.</summary>
public static class AttendanceMonthsCheck
{
    public static async Task ShouldMatchARecountAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        const string Columns = "month, cadre_id, village_code, on_post_days, log_days, off_post_check_ins, late_check_ins";
        var kept = (await connection.QueryAsync<(DateTime, Guid, string, long, long, int, int)>(
            $"SELECT {Columns} FROM attendance_months ORDER BY month, cadre_id, village_code", transaction: transaction)).ToList();
        var recounted = (await connection.QueryAsync<(DateTime, Guid, string, long, long, int, int)>(
            """
            SELECT date_trunc('month', day)::date AS month, cadre_id, village_code,
                   bit_or(CASE WHEN on_post AND NOT late THEN 1::bigint << (extract(day FROM day)::integer - 1) ELSE 0 END),
                   bit_or(CASE WHEN daily_log IS NOT NULL THEN 1::bigint << (extract(day FROM day)::integer - 1) ELSE 0 END),
                   (count(*) FILTER (WHERE NOT on_post AND NOT late))::int, (count(*) FILTER (WHERE late))::int
            FROM check_ins GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, transaction: transaction)).ToList();
        recounted.ShouldNotBeEmpty();
        kept.ShouldBe(recounted);
    }
}
