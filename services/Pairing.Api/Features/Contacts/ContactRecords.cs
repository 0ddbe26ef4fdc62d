using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Contacts;

public sealed record ContactBody(Guid? CadreId, string? Kind, DateOnly? ContactedOn, double? Longitude, double? Latitude, string? Measures);

public sealed record ContactDto(Guid Id, Guid HouseholdId, Guid CadreId, string Kind, DateOnly ContactedOn, string Measures);

public sealed record OverdueHousehold(Guid HouseholdId, string HeadName, string VillageCode, Guid? HelperCadreId, string? HelperName, string? UnitCode,
    bool MissingContact, bool MissingVisit);

public sealed record ComplianceGroup(string Key, int Households, int Overdue);

public sealed record ComplianceReport(string Month, string Scope, int Households, int Contacted, int Visited, IReadOnlyList<ComplianceGroup> ByHelper,
    IReadOnlyList<ComplianceGroup> ByUnit, IReadOnlyList<ComplianceGroup> ByCounty, IReadOnlyList<OverdueHousehold> Overdue);

public sealed record NoticeResult(string Month, int Published, int AlreadyPublished);

/// <summary>
/// Contact and visit records, and compliance with "contact every month, visit every two months" (每月联系、两月走访,
/// domain.md §4): per household for a month, contacted in the month and visited in that month or the one before;
/// overdue lists by helper, unit and county; and HouseholdContactOverdue published once per household and period.
/// Compliance is one core (<see cref="ComplianceAsync"/>) that REST and pairing.v1 GetCompliance both adapt.
/// </summary>
public static class ContactRecords
{
    public static async Task<Results<Created<ContactDto>, ProblemHttpResult>> RecordAsync(
        Guid id, ContactBody body, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (body.CadreId is null || body.ContactedOn is null)
        {
            errors.Add(new FieldError(body.CadreId is null ? "cadreId" : "contactedOn", "required", "须填写 cadreId 和 contactedOn"));
        }

        if (body.Kind is not ("call" or "visit"))
        {
            errors.Add(new FieldError("kind", "unknown_kind", "kind 应为 call（电话联系）或 visit（入户走访）"));
        }
        else if (body.Kind == "visit" && (body.Longitude is not (>= 73 and <= 136) || body.Latitude is not (>= 3 and <= 54)))
        {
            errors.Add(new FieldError("longitude", "invalid_coordinate", "入户走访须带中国境内的经纬度"));
        }
        else if ((body.Longitude is not null || body.Latitude is not null) && (body.Longitude is not (>= 73 and <= 136) || body.Latitude is not (>= 3 and <= 54)))
        {
            // A call needs no position, but one it carries is stored and must be a real one in China.
            errors.Add(new FieldError("longitude", "invalid_coordinate", "经纬度应成对填写且在中国境内（经度73-136，纬度3-54）"));
        }

        var measures = body.Measures?.Trim() ?? string.Empty;
        if (measures.Length is 0 or > 4000)
        {
            errors.Add(new FieldError("measures", "required", "须填写帮扶措施（不超过4000字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_contact", "联系记录无效", errors);
        }

        if (user.IsInRole(Roles.Cadre) && user.GetActor() != body.CadreId!.Value.ToString())
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "not_your_contact", "只能记录本人的联系");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var village = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT village_code FROM households WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (village is null || !scope.Covers(village))
        {
            return ApiProblems.NotFound("household_not_found", "未找到该户");
        }

        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM pairings WHERE household_id = @id AND cadre_id = @cadre AND starts_on <= @day AND (ends_on IS NULL OR ends_on >= @day))",
                new { id, cadre = body.CadreId, day = body.ContactedOn }, cancellationToken: cancellationToken)))
        {
            return ApiProblems.Conflict("not_a_helper", "该干部当天不是该户的帮扶人");
        }

        var dto = new ContactDto(Guid.CreateVersion7(), id, body.CadreId!.Value, body.Kind!, body.ContactedOn!.Value, measures);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO contact_records (id, household_id, cadre_id, kind, contacted_on, longitude, latitude, measures, recorded_by)
            VALUES (@Id, @HouseholdId, @CadreId, @Kind, @ContactedOn, @longitude, @latitude, @Measures, @actor)
            """, new { dto.Id, dto.HouseholdId, dto.CadreId, dto.Kind, dto.ContactedOn, longitude = body.Longitude, latitude = body.Latitude, dto.Measures,
                actor = user.GetActor() }, cancellationToken: cancellationToken));
        return TypedResults.Created($"/api/pairing/households/{id}/contacts/{dto.Id}", dto);
    }

    /// <summary>REST: <c>GET /api/pairing/compliance?month=&amp;prefix=</c>.</summary>
    public static async Task<Ok<ComplianceReport>> GetComplianceAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? month = null, string? prefix = null) =>
        TypedResults.Ok(await ComplianceAsync(dataSource, scope, month, prefix, cancellationToken));

    /// <summary>
    /// Compliance of the households under <paramref name="prefix"/> (narrowed to the caller's scope) for a month (yyyy-MM):
    /// 400 invalid_query naming <c>month</c> or <c>prefix</c>, 403 region_out_of_scope for a prefix outside the scope
    /// (INVALID_ARGUMENT and PERMISSION_DENIED on gRPC).
    /// </summary>
    internal static async Task<ComplianceReport> ComplianceAsync(NpgsqlDataSource dataSource, RegionScope scope, string? month, string? prefix,
        CancellationToken cancellationToken)
    {
        if (ParseMonth(month) is not { } start)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("month", "invalid_month", "month 应为 yyyy-MM")]).ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await QueryAsync(connection, null, region, start, cancellationToken)).ToList();
        var overdue = rows.Where(r => r.MissingContact || r.MissingVisit).ToList();
        List<ComplianceGroup> Group(Func<OverdueHousehold, string> key) => rows.GroupBy(key)
            .Select(g => new ComplianceGroup(g.Key, g.Count(), g.Count(r => r.MissingContact || r.MissingVisit)))
            .OrderByDescending(g => g.Overdue).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        return new ComplianceReport(Format(start), region.ToString(), rows.Count, rows.Count(r => !r.MissingContact), rows.Count(r => !r.MissingVisit),
            Group(r => r.HelperCadreId?.ToString() ?? "(none)"), Group(r => r.UnitCode ?? "(none)"), Group(r => r.VillageCode[..6] + "000000"), overdue);
    }

    /// <summary>Publishes HouseholdContactOverdue for every overdue household of a month not yet notified; safe to repeat.</summary>
    public static async Task<Results<Ok<NoticeResult>, ProblemHttpResult>> PublishOverdueAsync(
        string month, RegionScope scope, NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        if (ParseMonth(month) is not { } start)
        {
            return ApiProblems.Invalid("invalid_query", "参数无效", [new FieldError("month", "invalid_month", "month 应为 yyyy-MM")]);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await PublishOverdueForAsync(transaction, outbox, scope, start, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(result);
    }

    /// <summary>
    /// Publishes HouseholdContactOverdue once per overdue household of the scope and month, in the caller's transaction
    /// (the API's, or the monthly worker's together with its mark).
    /// </summary>
    internal static async Task<NoticeResult> PublishOverdueForAsync(NpgsqlTransaction transaction, OutboxWriter outbox, RegionScope scope, DateOnly start,
        CancellationToken cancellationToken)
    {
        var period = Format(start);
        var connection = transaction.Connection!;
        var published = 0;
        var already = 0;
        foreach (var household in (await QueryAsync(connection, transaction, scope, start, cancellationToken)).Where(r => r.MissingContact || r.MissingVisit))
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO overdue_notices (household_id, period) VALUES (@HouseholdId, @period) ON CONFLICT DO NOTHING",
                new { household.HouseholdId, period }, transaction, cancellationToken: cancellationToken));
            if (inserted == 0)
            {
                already++;
                continue;
            }

            published++;
            await outbox.EnqueueAsync(transaction, new HouseholdContactOverdue(household.HouseholdId, household.VillageCode, household.HelperCadreId, household.UnitCode,
                period, household.MissingContact, household.MissingVisit), cancellationToken);
        }

        return new NoticeResult(period, published, already);
    }

    private static Task<IEnumerable<OverdueHousehold>> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, DateOnly start,
        CancellationToken cancellationToken) =>
        connection.QueryAsync<OverdueHousehold>(new CommandDefinition(
            """
            SELECT h.id AS household_id, h.head_name, h.village_code, p.cadre_id AS helper_cadre_id, p.cadre_name AS helper_name, p.unit_code,
                   NOT EXISTS (SELECT 1 FROM contact_records c WHERE c.household_id = h.id AND c.contacted_on BETWEEN @start AND @end) AS missing_contact,
                   NOT EXISTS (SELECT 1 FROM contact_records c WHERE c.household_id = h.id AND c.kind = 'visit' AND c.contacted_on BETWEEN @visitStart AND @end) AS missing_visit
            FROM households h
            LEFT JOIN LATERAL (SELECT cadre_id, cadre_name, unit_code FROM pairings
                               WHERE household_id = h.id AND role = 'responsible' AND starts_on <= @end AND (ends_on IS NULL OR ends_on >= @end)
                               LIMIT 1) p ON true
            WHERE h.village_code >= @From AND h.village_code < @To
            ORDER BY h.village_code, h.id
            """, new { scope.From, scope.To, start, end = start.AddMonths(1).AddDays(-1), visitStart = start.AddMonths(-1) }, transaction,
            cancellationToken: cancellationToken));

    private static DateOnly? ParseMonth(string? month) =>
        DateOnly.TryParseExact((month ?? string.Empty) + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) ? start : null;

    private static string Format(DateOnly start) => start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
