using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Contacts;

public sealed record ContactBody(Guid? CadreId, string? Kind, DateOnly? ContactedOn, double? Longitude, double? Latitude, string? Measures);

public sealed record ContactDto(Guid Id, Guid HouseholdId, Guid CadreId, string Kind, DateOnly ContactedOn, string Measures);

public sealed record OverdueHousehold(Guid HouseholdId, string HeadName, string VillageCode, Guid? HelperCadreId, string? HelperName, string? UnitCode,
    bool MissingContact, bool MissingVisit);

public sealed record ComplianceGroup(string Key, int Households, int Overdue);

/// <summary>
/// A month's compliance: the counts are the whole scope's (<see cref="OverdueHouseholds"/> among them); <see cref="Overdue"/>
/// is one page of overdue households (<see cref="Next"/> → <c>after</c> for the following one, null on the last); the
/// groups are the <see cref="ContactRecords.MaxGroups"/> most overdue helpers, units and counties, out of
/// <see cref="Helpers"/> helpers and <see cref="Units"/> units.
/// </summary>
public sealed record ComplianceReport(string Month, string Scope, int Households, int Contacted, int Visited, IReadOnlyList<ComplianceGroup> ByHelper,
    IReadOnlyList<ComplianceGroup> ByUnit, IReadOnlyList<ComplianceGroup> ByCounty, IReadOnlyList<OverdueHousehold> Overdue, int OverdueHouseholds, string? Next,
    int Helpers, int Units);

/// <summary>
/// Contact and visit records, and compliance with "contact every month, visit every two months" (每月联系、两月走访,
/// domain.md §4): per household for a month, contacted in the month and visited in that month or the one before;
/// overdue lists by helper, unit and county (their notices: <see cref="OverdueNotices"/>).
/// Compliance is one core (<see cref="ComplianceAsync"/>) that REST and pairing.v1 GetCompliance both adapt.
/// </summary>
public static class ContactRecords
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_contact")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "not_your_contact")]
    [ProblemResponses(StatusCodes.Status404NotFound, "household_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "not_a_helper")]
    public static async Task<Results<Created<ContactDto>, ProblemHttpResult>> RecordAsync(
        Guid id, ContactBody body, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (body.CadreId is null || body.ContactedOn is null)
        {
            errors.Add(new FieldError(body.CadreId is null ? "cadreId" : "contactedOn", "required", "须填写 cadreId 和 contactedOn"));
        }

        var measures = body.Measures?.Trim() ?? string.Empty;
        errors.AddRange(Check(body.Kind, body.Longitude, body.Latitude, measures));
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

    /// <summary>
    /// The rules of one record's kind, position and measures, shared by the single POST and the import (which names its
    /// own columns for the fields <c>kind</c>, <c>longitude</c> and <c>measures</c>).
    /// </summary>
    internal static IEnumerable<FieldError> Check(string? kind, double? longitude, double? latitude, string measures)
    {
        if (kind is not ("call" or "visit"))
        {
            yield return new FieldError("kind", "unknown_kind", "kind 应为 call（电话联系）或 visit（入户走访）");
        }
        else if (kind == "visit" && (longitude is not (>= 73 and <= 136) || latitude is not (>= 3 and <= 54)))
        {
            yield return new FieldError("longitude", "invalid_coordinate", "入户走访须带中国境内的经纬度");
        }
        else if ((longitude is not null || latitude is not null) && (longitude is not (>= 73 and <= 136) || latitude is not (>= 3 and <= 54)))
        {
            // A call needs no position, but one it carries is stored and must be a real one in China.
            yield return new FieldError("longitude", "invalid_coordinate", "经纬度应成对填写且在中国境内（经度73-136，纬度3-54）");
        }

        if (measures.Length is 0 or > 4000)
        {
            yield return new FieldError("measures", "required", "须填写帮扶措施（不超过4000字）");
        }
    }

    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The most groups (helpers, units, counties) one report lists, the most overdue first.</summary>
    public const int MaxGroups = 1000;

    /// <summary>REST: <c>GET /api/pairing/compliance?month=&amp;prefix=&amp;after=&amp;limit=</c>.</summary>
    public static async Task<Ok<ComplianceReport>> GetComplianceAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? month = null, string? prefix = null, string? after = null,
        int limit = DefaultLimit) =>
        TypedResults.Ok(await ComplianceAsync(dataSource, scope, month, prefix, after, limit, cancellationToken));

    /// <summary>
    /// Compliance of the households under <paramref name="prefix"/> (narrowed to the caller's scope) for a month (yyyy-MM):
    /// 400 invalid_query naming <c>month</c>, <c>after</c>, <c>limit</c> or <c>prefix</c>, 403 region_out_of_scope for a
    /// prefix outside the scope (INVALID_ARGUMENT and PERMISSION_DENIED on gRPC). A province has about 2 million
    /// households: PostgreSQL counts and groups them, and a request reads one page of overdue households (keyset on
    /// village and household) and at most <see cref="MaxGroups"/> rows per grouping, so its memory does not grow with the province.
    /// </summary>
    internal static async Task<ComplianceReport> ComplianceAsync(NpgsqlDataSource dataSource, RegionScope scope, string? month, string? prefix, string? after,
        int limit, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var start = ParseMonth(month);
        if (start is null)
        {
            errors.Add(new FieldError("month", "invalid_month", "month 应为 yyyy-MM"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new FieldError("limit", "out_of_range", $"limit 必须在 1 到 {MaxLimit} 之间"));
        }

        var cursor = after?.Split('.') is [var village, var id] && village.Length == RegionScope.CodeLength && village.All(char.IsAsciiDigit)
            && Guid.TryParseExact(id, "N", out var household) ? (Village: village, Household: household) : ((string Village, Guid Household)?)null;
        if (after is not null && cursor is null)
        {
            errors.Add(new FieldError("after", "invalid_cursor", "after 必须是上一页返回的 next"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var region = scope.NarrowOrDeny(prefix);
        var monthStart = start!.Value;
        var args = new
        {
            region.From, region.To, start = monthStart, end = monthStart.AddMonths(1).AddDays(-1), previous = monthStart.AddMonths(-1),
            afterVillage = cursor?.Village ?? string.Empty, afterId = cursor?.Household ?? Guid.Empty, take = limit + 1, groups = MaxGroups,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One read-only transaction: the status table lives until its end, and every count and page sees the same data.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            CREATE TEMP TABLE compliance_status ON COMMIT DROP AS {StatusSql};
            SELECT count(*)::int AS households, count(*) FILTER (WHERE NOT missing_contact)::int AS contacted,
                   count(*) FILTER (WHERE NOT missing_visit)::int AS visited, count(*) FILTER (WHERE missing_contact OR missing_visit)::int AS overdue,
                   count(DISTINCT helper_cadre_id)::int + (CASE WHEN bool_or(helper_cadre_id IS NULL) THEN 1 ELSE 0 END) AS helpers,
                   count(DISTINCT unit_code)::int + (CASE WHEN bool_or(unit_code IS NULL) THEN 1 ELSE 0 END) AS units
            FROM compliance_status;
            {GroupSql("coalesce(helper_cadre_id::text, '(none)')")}
            {GroupSql("coalesce(unit_code, '(none)')")}
            {GroupSql("substr(village_code, 1, 6) || '000000'")}
            SELECT household_id, head_name, village_code, helper_cadre_id, helper_name, unit_code, missing_contact, missing_visit
            FROM compliance_status
            WHERE (missing_contact OR missing_visit) AND (village_code, household_id) > (@afterVillage, @afterId)
            ORDER BY village_code, household_id
            LIMIT @take;
            """, args, transaction, cancellationToken: cancellationToken));
        var totals = await results.ReadSingleAsync<(int Households, int Contacted, int Visited, int Overdue, int Helpers, int Units)>();
        var byHelper = (await results.ReadAsync<ComplianceGroup>()).ToList();
        var byUnit = (await results.ReadAsync<ComplianceGroup>()).ToList();
        var byCounty = (await results.ReadAsync<ComplianceGroup>()).ToList();
        var page = (await results.ReadAsync<OverdueHousehold>()).ToList();
        var next = page.Count > limit ? $"{page[limit - 1].VillageCode}.{page[limit - 1].HouseholdId:N}" : null;
        return new ComplianceReport(Format(monthStart), region.ToString(), totals.Households, totals.Contacted, totals.Visited, byHelper, byUnit, byCounty,
            page.Take(limit).ToList(), totals.Overdue, next, totals.Helpers, totals.Units);
    }

    /// <summary>
    /// Every household of the scope with its responsible helper at the month's end and whether it misses the month's contact
    /// or the two months' visit: the report keeps it for the request's transaction in a temporary table, and
    /// <see cref="OverdueNotices"/> publishes its overdue rows. The months come from household_contact_months, which a trigger keeps as contacts are written (migration
    /// 0011): one row per household and month with a contact, so a province is joined, not searched household by household.
    /// At most one responsible pairing covers a day (one_responsible_helper_per_household), so the join adds no rows.
    /// </summary>
    internal const string StatusSql =
        """
        SELECT h.id AS household_id, h.head_name, h.village_code, p.cadre_id AS helper_cadre_id, p.cadre_name AS helper_name, p.unit_code,
               cur.household_id IS NULL AS missing_contact,
               NOT (coalesce(cur.visited, false) OR coalesce(prev.visited, false)) AS missing_visit
        FROM households h
        LEFT JOIN household_contact_months cur ON cur.household_id = h.id AND cur.month = @start
        LEFT JOIN household_contact_months prev ON prev.household_id = h.id AND prev.month = @previous
        LEFT JOIN pairings p ON p.household_id = h.id AND p.role = 'responsible' AND p.starts_on <= @end AND (p.ends_on IS NULL OR p.ends_on >= @end)
        WHERE h.village_code >= @From AND h.village_code < @To
        """;

    private static string GroupSql(string key) =>
        $"""
        SELECT {key} COLLATE "C" AS key, count(*)::int AS households, count(*) FILTER (WHERE missing_contact OR missing_visit)::int AS overdue
        FROM compliance_status GROUP BY 1 ORDER BY overdue DESC, key LIMIT @groups;
        """;

    /// <summary>A yyyy-MM month from 2000 on (the date window's start; a far year would overflow the month arithmetic).</summary>
    internal static DateOnly? ParseMonth(string? month) =>
        DateOnly.TryParseExact((month ?? string.Empty) + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
        && start >= DateWindow.Earliest && start.Year <= 9000 ? start : null;

    internal static string Format(DateOnly start) => start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
