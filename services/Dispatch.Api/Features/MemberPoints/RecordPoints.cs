using System.Globalization;
using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.VillageCadres;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.MemberPoints;

public sealed record RecordPointsRequest(string? Activity, DateOnly? OccurredOn, string? Note);

public sealed record MemberPointDto(Guid Id, Guid PersonId, string Activity, string ActivityName, DateOnly OccurredOn, int Points, string Note, string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>A member's points in a month: the total and each record, oldest first.</summary>
public sealed record MemberMonthDto(Guid PersonId, string Name, string Month, int Total, IReadOnlyList<MemberPointDto> Entries);

/// <summary>
/// A party member's points for an activity (积分制, domain.md §9): the rule in force for the member's village
/// (<see cref="PointRules"/>), no more than what is left of the month's cap (409 monthly_cap_reached at the cap). Only
/// for a party member by the activity's day (409 not_a_party_member); the day is within the last 60 days and not after
/// today (China time); the record keeps the server's instant beside it.
/// </summary>
public static class RecordPoints
{
    public const int MaxDaysBack = 60;

    /// <summary>REST: <c>POST /api/dispatch/village-people/{id}/points</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_member_points")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_person_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "monthly_cap_reached", "not_a_party_member")]
    public static async Task<Results<Created<MemberPointDto>, ProblemHttpResult>> HandleAsync(Guid id, RecordPointsRequest request, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var note = request.Note?.Trim() ?? string.Empty;
        var activity = MemberPointActivities.Find(request.Activity);
        var errors = new List<FieldError>();
        if (activity is null)
        {
            errors.Add(new FieldError("activity", "unknown_activity", $"activity 应为 {string.Join("、", MemberPointActivities.All.Select(a => $"{a.Code}（{a.Chinese}）"))} 之一"));
        }

        if (request.OccurredOn is not { } day || day > today || day < today.AddDays(-MaxDaysBack))
        {
            errors.Add(new FieldError("occurredOn", "out_of_range", $"活动日期应在近{MaxDaysBack}天内且不晚于今天（{today:yyyy-MM-dd}）"));
        }

        if (note.Length is 0 or > 2000)
        {
            errors.Add(new FieldError("note", "required", "须写明活动内容（不超过2000字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_member_points", "党员积分记录无效", errors);
        }

        var occurredOn = request.OccurredOn!.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Locked: two records of one member at once see each other against the cap.
        var person = await VillagePeople.LockAsync(transaction, scope, id, cancellationToken);
        if (person is null)
        {
            return VillagePeople.NotFound();
        }

        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM talent_steps WHERE person_id = @id AND step = 'party_member' AND reached_on <= @occurredOn)",
                new { id, occurredOn }, transaction, cancellationToken: cancellationToken)))
        {
            return ApiProblems.Conflict("not_a_party_member", "积分只记给党员（请先登记入党日期）");
        }

        var rule = (await PointRules.InForceAsync(connection, transaction, person.VillageCode, cancellationToken)).Single(r => r.Activity == activity!.Code);
        var month = new DateOnly(occurredOn.Year, occurredOn.Month, 1);
        var earned = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            SELECT coalesce(sum(points), 0)::int FROM member_points
            WHERE person_id = @id AND activity = @activity AND occurred_on >= @month AND occurred_on < @next
            """, new { id, activity = activity!.Code, month, next = month.AddMonths(1) }, transaction, cancellationToken: cancellationToken));
        var points = MemberPointActivities.Award(rule.Points, rule.MonthlyCap, earned);
        if (points == 0)
        {
            return ApiProblems.Conflict("monthly_cap_reached", $"本月“{activity.Chinese}”积分已达上限（{rule.MonthlyCap}分）");
        }

        var dto = new MemberPointDto(Guid.CreateVersion7(), id, activity.Code, activity.Chinese, occurredOn, points, note, http.GetActor(), now);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO member_points (id, person_id, village_code, activity, occurred_on, points, note, recorded_by, recorded_at)
            VALUES (@Id, @PersonId, @village, @Activity, @OccurredOn, @Points, @Note, @RecordedBy, @RecordedAt)
            """, new { dto.Id, dto.PersonId, village = person.VillageCode, dto.Activity, dto.OccurredOn, dto.Points, dto.Note, dto.RecordedBy, dto.RecordedAt },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/village-people/{id}/points?month={month:yyyy-MM}", dto);
    }

    /// <summary>REST: <c>GET /api/dispatch/village-people/{id}/points?month=yyyy-MM</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "village_person_not_found")]
    public static async Task<Results<Ok<MemberMonthDto>, ProblemHttpResult>> MonthAsync(Guid id, string? month, RegionScope scope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        if (!DateWindow.TryParseMonth(month, out var start))
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("month", "invalid_month", "month 应为 yyyy-MM")]);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var name = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT name FROM village_people WHERE id = @id AND village_code >= @From AND village_code < @To", new { id, scope.From, scope.To },
            cancellationToken: cancellationToken));
        if (name is null)
        {
            return VillagePeople.NotFound();
        }

        var entries = (await connection.QueryAsync<EntryRow>(new CommandDefinition(
                """
                SELECT id, activity, occurred_on, points, note, recorded_by, recorded_at FROM member_points
                WHERE person_id = @id AND occurred_on >= @start AND occurred_on < @next ORDER BY occurred_on, recorded_at
                """, new { id, start, next = start.AddMonths(1) }, cancellationToken: cancellationToken)))
            .Select(e => new MemberPointDto(e.Id, id, e.Activity, MemberPointActivities.Find(e.Activity)?.Chinese ?? e.Activity, DateOnly.FromDateTime(e.OccurredOn),
                e.Points, e.Note, e.RecordedBy, VillagePeople.Utc(e.RecordedAt)))
            .ToList();
        return TypedResults.Ok(new MemberMonthDto(id, name, start.ToString("yyyy-MM", CultureInfo.InvariantCulture), entries.Sum(e => e.Points), entries));
    }

    private sealed class EntryRow
    {
        public Guid Id { get; init; }
        public string Activity { get; init; } = string.Empty;
        public DateTime OccurredOn { get; init; }
        public int Points { get; init; }
        public string Note { get; init; } = string.Empty;
        public string RecordedBy { get; init; } = string.Empty;
        public DateTime RecordedAt { get; init; }
    }
}
