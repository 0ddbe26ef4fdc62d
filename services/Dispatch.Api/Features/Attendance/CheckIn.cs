using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Attendance;

public sealed record CheckInRequest(Guid? Id, Guid? CadreId, DateTimeOffset? At, double? Longitude, double? Latitude, string? DailyLog);

/// <summary>
/// A recorded check-in: <see cref="CheckedAt"/> and <see cref="Day"/> are the server's, <see cref="ClientAt"/> the phone's;
/// <see cref="Late"/> when the phone queued it offline and it arrived after <see cref="AttendanceOptions.LateAfter"/>.
/// </summary>
public sealed record CheckInDto(Guid Id, Guid CadreId, string VillageCode, DateOnly Day, DateTimeOffset CheckedAt, int DistanceMeters, bool OnPost, string? DailyLog,
    DateTimeOffset ClientAt, bool Late);

/// <summary>
/// A daily on-site check-in (现场签到) with GPS. On post when within the county's radius of the assigned village
/// (default 3 km), off post otherwise, with the distance. The client generates the id, so a retry returns the first
/// record instead of counting twice. The check-in may carry the day's log (日纪实) so nobody types it twice.
/// A cadre checks in for themself (role cadre, subject = cadre id); officials may record for cadres in their scope.
/// The server's clock decides the day and the instant: the phone's time (<c>at</c>) is kept beside them, may be at most
/// <see cref="AttendanceOptions.OfflineWindow"/> old (a check-in queued offline) and makes the check-in late when it is
/// older than <see cref="AttendanceOptions.LateAfter"/>; a late check-in does not count as an on-post day (docs/operations.md).
/// </summary>
public static class CheckIn
{
    public const int MaxDailyLogLength = 4000;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_check_in")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "not_your_check_in")]
    [ProblemResponses(StatusCodes.Status409Conflict, "check_in_disabled", "check_in_id_reused", "no_resident_post")]
    public static async Task<Results<Created<CheckInDto>, Ok<CheckInDto>, ProblemHttpResult>> HandleAsync(
        CheckInRequest request, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AttendanceOptions> options,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var window = options.Value;
        var errors = new List<FieldError>();
        if (request.Id is null || request.Id == Guid.Empty)
        {
            errors.Add(new FieldError("id", "required", "须由客户端生成 id（重试时保持不变）"));
        }

        if (request.CadreId is null)
        {
            errors.Add(new FieldError("cadreId", "required", "须填写 cadreId"));
        }

        if (request.At is null)
        {
            errors.Add(new FieldError("at", "required", "签到时间必填且不能晚于当前时间"));
        }

        if (request.Longitude is not (>= 73 and <= 136) || request.Latitude is not (>= 3 and <= 54))
        {
            errors.Add(new FieldError("longitude", "invalid_coordinate", "经纬度应在中国境内（经度73-136，纬度3-54）"));
        }

        if (request.DailyLog is { Length: > MaxDailyLogLength })
        {
            errors.Add(new FieldError("dailyLog", "too_long", $"日纪实不能超过{MaxDailyLogLength}字"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_check_in", "签到请求无效", errors);
        }

        var user = http.User;
        if (user.IsInRole(Roles.Cadre) && user.GetActor() != request.CadreId!.Value.ToString())
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "not_your_check_in", "只能为本人签到");
        }

        // The server decides the day and the instant; the phone's time is only kept (and tells whether it came late).
        var day = AttendanceRules.LocalDay(now);
        var late = now - request.At!.Value > window.LateAfter;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The id's record and the cadre's post of the day in one round trip (Npgsql sends both statements as one batch):
        // the post is needed by every new check-in, and reading it for a retry too costs less than a second round trip.
        CheckInRecord? existing;
        Post? post;
        await using (var lookups = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            {CheckInRecord.Select} WHERE id = @id;
            SELECT a.id AS assignment_id, a.village_code, r.longitude, r.latitude,
                   coalesce(s.check_in_enabled, true) AS check_in_enabled, coalesce(s.radius_meters, @radius) AS radius_meters
            FROM assignments a
            JOIN regions r ON r.code = a.village_code
            LEFT JOIN attendance_settings s ON s.county_code = substr(a.village_code, 1, 6) || '000000'
            WHERE a.cadre_id = @cadre AND a.force IN ('first_secretary', 'team_leader', 'team_member')
              AND a.starts_on <= @day AND (a.ends_on IS NULL OR a.ends_on >= @day)
            """, new { id = request.Id, cadre = request.CadreId, day, radius = AttendanceRules.DefaultRadiusMeters }, cancellationToken: cancellationToken)))
        {
            existing = await lookups.ReadSingleOrDefaultAsync<CheckInRecord>();
            post = await lookups.ReadSingleOrDefaultAsync<Post>();
        }

        // A retry finds its own record; a check-in outside the caller's scope is not theirs to see, so the request goes on
        // as if the id were new (and ends below: another county's cadre has no post here, an id taken elsewhere is reused).
        if (existing is not null && scope.Covers(existing.VillageCode))
        {
            return existing.CadreId == request.CadreId
                ? TypedResults.Ok(existing.ToDto())
                : ApiProblems.Conflict("check_in_id_reused", "该签到 id 已用于其他干部");
        }

        // After the retry check: a check-in accepted once is answered again, whenever the retry comes.
        if (request.At > now.AddMinutes(5) || request.At < now - window.OfflineWindow)
        {
            return ApiProblems.Invalid("invalid_check_in", "签到请求无效", [request.At > now
                ? new FieldError("at", "in_future", "签到时间必填且不能晚于当前时间")
                : new FieldError("at", "too_old", $"离线签到须在{window.OfflineWindow.TotalHours:0.#}小时内上传，不能补签更早的日子")]);
        }

        if (post is null || !scope.Covers(post.VillageCode))
        {
            return ApiProblems.Conflict("no_resident_post", "该干部当天没有驻村岗位，无需签到", "Only cadres holding a resident post on that day check in.");
        }

        if (!post.CheckInEnabled)
        {
            return ApiProblems.Conflict("check_in_disabled", "本县已关闭签到功能");
        }

        if (existing is not null)
        {
            return ApiProblems.Conflict("check_in_id_reused", "该签到 id 已用于其他干部");
        }

        var distance = (int)Math.Round(AttendanceRules.DistanceMeters(request.Longitude!.Value, request.Latitude!.Value, post.Longitude, post.Latitude));
        // PostgreSQL keeps timestamptz in UTC; Npgsql refuses other offsets.
        var record = new CheckInDto(request.Id!.Value, request.CadreId!.Value, post.VillageCode, day, now.ToUniversalTime(), distance, distance <= post.RadiusMeters,
            string.IsNullOrWhiteSpace(request.DailyLog) ? null : request.DailyLog.Trim(), request.At.Value.ToUniversalTime(), late);
        var row = new DynamicParameters(new
        {
            record.Id, record.CadreId, assignmentId = post.AssignmentId, record.VillageCode, record.CheckedAt, record.Day,
            longitude = request.Longitude, latitude = request.Latitude, record.DistanceMeters, record.OnPost, record.DailyLog, actor = user.GetActor(),
            record.ClientAt, record.Late,
        });
        // A daily log written with the check-in is a process record that is on time by construction (the server decides the
        // day). It is not an event: assessment reads the days with the month's attendance (MonthlyAttendance.DailyLogDays),
        // so a check-in stays one plain insert (an event each doubled its cost, docs/performance.md).
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql, row, cancellationToken: cancellationToken));

        return inserted == 1 ? TypedResults.Created($"/api/dispatch/check-ins/{record.Id}", record) : TypedResults.Ok(record);
    }

    private const string InsertSql =
        """
        INSERT INTO check_ins (id, cadre_id, assignment_id, village_code, checked_at, day, longitude, latitude, distance_meters, on_post, daily_log, recorded_by,
                               client_at, late)
        VALUES (@Id, @CadreId, @assignmentId, @VillageCode, @CheckedAt, @Day, @longitude, @latitude, @DistanceMeters, @OnPost, @DailyLog, @actor, @ClientAt, @Late)
        ON CONFLICT (id) DO NOTHING
        """;

    private sealed record Post(Guid AssignmentId, string VillageCode, double Longitude, double Latitude, bool CheckInEnabled, int RadiusMeters);

    internal sealed class CheckInRecord
    {
        public const string Select = "SELECT id, cadre_id, village_code, day, checked_at, distance_meters, on_post, daily_log, client_at, late FROM check_ins";

        public Guid Id { get; init; }
        public Guid CadreId { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public DateTime Day { get; init; }
        public DateTime CheckedAt { get; init; }
        public int DistanceMeters { get; init; }
        public bool OnPost { get; init; }
        public string? DailyLog { get; init; }
        public DateTime ClientAt { get; init; }
        public bool Late { get; init; }

        public CheckInDto ToDto() => new(Id, CadreId, VillageCode, DateOnly.FromDateTime(Day), new DateTimeOffset(DateTime.SpecifyKind(CheckedAt, DateTimeKind.Utc)),
            DistanceMeters, OnPost, DailyLog, new DateTimeOffset(DateTime.SpecifyKind(ClientAt, DateTimeKind.Utc)), Late);
    }
}
