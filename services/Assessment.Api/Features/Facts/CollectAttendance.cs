using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Facts;

/// <summary>
/// Copies a month's on-post days, off-post check-ins and daily-log days (written with a check-in) of the resident cadres under a prefix from dispatch
/// (dispatch.v1.Personnel/GetMonthlyAttendance, page by page, as the service account), before a month is scored.
/// Check-ins are not events, so dispatch is asked; a cadre's fact keeps its id when collected again, so explanations
/// keep citing the same fact.
/// </summary>
public sealed class CollectAttendance(Personnel.PersonnelClient personnel, NpgsqlDataSource dataSource)
{
    private const int PageSize = 1000;

    public async Task<int> CollectAsync(string month, string prefix, Func<int, int, Task> progress, CancellationToken cancellationToken)
    {
        var collected = 0;
        var after = string.Empty;
        do
        {
            MonthlyAttendance page;
            try
            {
                page = await personnel.GetMonthlyAttendanceAsync(new GetMonthlyAttendanceRequest { Prefix = prefix, Month = month, After = after, Limit = PageSize },
                    cancellationToken: cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal)
            {
                throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "facts_unavailable", "考核所需事实暂不可得",
                    $"dispatch answered {ex.StatusCode} for the month's attendance.").ToException("选派服务暂不可用，无法取得在岗天数");
            }

            if (page.Cadres.Count > 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                // One fact per cadre and month: a cadre listed twice (two posts in the month) keeps the post with more days.
                var cadres = page.Cadres.GroupBy(c => c.CadreId).Select(g => g.MaxBy(c => c.OnPostDays)!).ToList();
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO attendance_facts (id, month, cadre_id, cadre_name, village_code, force, on_post_days, minimum_days, off_post_check_ins, approved_leave_days,
                        daily_log_days)
                    SELECT id, @month, cadre_id, cadre_name, village_code, force, on_post, minimum, off_post, leave,
                           CASE WHEN log_days = '' THEN '{}'::date[] ELSE string_to_array(log_days, ',')::date[] END
                    FROM unnest(@ids, @cadreIds, @names, @villages, @forces, @onPost, @minimum, @offPost, @leave, @logDays)
                         AS f (id, cadre_id, cadre_name, village_code, force, on_post, minimum, off_post, leave, log_days)
                    ON CONFLICT (month, cadre_id) DO UPDATE SET cadre_name = EXCLUDED.cadre_name, village_code = EXCLUDED.village_code, force = EXCLUDED.force,
                        on_post_days = EXCLUDED.on_post_days, minimum_days = EXCLUDED.minimum_days, off_post_check_ins = EXCLUDED.off_post_check_ins,
                        approved_leave_days = EXCLUDED.approved_leave_days, daily_log_days = EXCLUDED.daily_log_days, collected_at = now()
                    """,
                    new
                    {
                        month,
                        ids = cadres.Select(_ => Guid.CreateVersion7()).ToArray(),
                        cadreIds = cadres.Select(c => Guid.Parse(c.CadreId)).ToArray(),
                        names = cadres.Select(c => c.CadreName).ToArray(),
                        villages = cadres.Select(c => c.VillageCode).ToArray(),
                        forces = cadres.Select(c => c.Force).ToArray(),
                        onPost = cadres.Select(c => c.OnPostDays).ToArray(),
                        minimum = cadres.Select(c => c.MinimumDays).ToArray(),
                        offPost = cadres.Select(c => c.OffPostCheckIns).ToArray(),
                        leave = cadres.Select(c => c.ApprovedLeaveDays).ToArray(),
                        // One text per cadre (days joined by commas): unnest cannot give each row an array of its own.
                        logDays = cadres.Select(c => string.Join(',', c.DailyLogDays)).ToArray(),
                    }, cancellationToken: cancellationToken));
            }

            collected += page.Cadres.Count;
            await progress(collected, page.CadresTotal);
            after = page.Next;
        }
        while (after.Length > 0);

        return collected;
    }
}
