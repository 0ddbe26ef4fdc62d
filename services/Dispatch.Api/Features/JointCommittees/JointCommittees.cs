using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.JointCommittees;

public sealed record FormJointCommitteeRequest(string? Name, string? Industry, string? Secretary, DateOnly? FormedOn, IReadOnlyList<string>? VillageCodes);

public sealed record JoinVillageRequest(string? VillageCode, DateOnly? JoinedOn);

public sealed record DissolveRequest(string? Reason, DateOnly? DissolvedOn);

public sealed record JointCommitteeVillageDto(string VillageCode, string VillageName, DateOnly JoinedOn, DateOnly? LeftOn);

/// <summary>A joint party committee; <c>status</c> active or dissolved.</summary>
public sealed record JointCommitteeDto(Guid Id, string CountyCode, string Name, string Industry, string Secretary, DateOnly FormedOn, string Status,
    DateOnly? DissolvedOn, string? DissolveReason, IReadOnlyList<JointCommitteeVillageDto> Villages, string FormedBy, DateTimeOffset FormedAt);

/// <summary>
/// Joint party committees (联合党委, domain.md §9) linking neighbouring villages of one county around an industry (409
/// villages_in_different_counties), each village in one at a time (409 village_in_joint_committee, an exclusion
/// constraint). A committee is the caller's only when every village of it is in the caller's scope: otherwise it
/// answers as missing (404 joint_committee_not_found), so a township official never learns another township's villages
/// from it; a village a write names outside the scope is 404 village_not_found.
/// </summary>
public static class JointCommittees
{
    public const int MaxVillages = 50;

    private static ProblemHttpResult NotFound() => ApiProblems.NotFound("joint_committee_not_found", "未找到该联合党委");

    /// <summary>REST: <c>POST /api/dispatch/joint-committees</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_joint_committee")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "village_in_joint_committee", "villages_in_different_counties")]
    public static async Task<Results<Created<JointCommitteeDto>, ProblemHttpResult>> FormAsync(FormJointCommitteeRequest request, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, DateWindow window, TimeProvider clock, CancellationToken cancellationToken)
    {
        var villages = (request.VillageCodes ?? []).Select(v => v?.Trim() ?? string.Empty).ToList();
        var errors = new List<FieldError>();
        AddText(errors, "name", request.Name, 100, "须填写联合党委名称");
        AddText(errors, "industry", request.Industry, 100, "须填写联建产业");
        AddText(errors, "secretary", request.Secretary, 50, "须填写联合党委书记");
        if (request.FormedOn is not { } formed || !window.Contains(formed))
        {
            errors.Add(new FieldError("formedOn", "out_of_range", "须填写成立日期，" + window.Describe()));
        }

        if (villages.Count is < 2 or > MaxVillages || villages.Distinct(StringComparer.Ordinal).Count() != villages.Count)
        {
            errors.Add(new FieldError("villageCodes", "required", $"须列出2至{MaxVillages}个不重复的村"));
        }

        errors.AddRange(villages.Select((v, i) => (v, i)).Where(x => !DivisionCode.IsWellFormed(x.v))
            .Select(x => new FieldError($"villageCodes[{x.i}]", "invalid_division_code", "区划代码必须是12位数字")));
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_joint_committee", "联合党委登记无效", errors);
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var village in villages.Order(StringComparer.Ordinal))
        {
            if (!await VillageInScopeAsync(transaction, scope, village, cancellationToken))
            {
                throw GetVillage.VillageNotFound(village);
            }
        }

        if (villages.Select(v => v[..6]).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            return ApiProblems.Conflict("villages_in_different_counties", "联合党委所联村须在同一县（市、区）");
        }

        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO joint_committees (id, county_code, name, industry, secretary, formed_on, formed_by, formed_at)
            VALUES (@id, @county, @name, @industry, @secretary, @FormedOn, @actor, @now)
            """, new { id, county = villages[0][..6], name = request.Name!.Trim(), industry = request.Industry!.Trim(), secretary = request.Secretary!.Trim(),
                request.FormedOn, actor = http.GetActor(), now }, transaction, cancellationToken: cancellationToken));
        foreach (var village in villages)
        {
            if (await JoinAsync(transaction, id, village, request.FormedOn!.Value, cancellationToken) is { } conflict)
            {
                return conflict;
            }
        }

        var dto = await ReadAsync(connection, transaction, scope, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/dispatch/joint-committees/{id}", dto!);
    }

    /// <summary>REST: <c>POST /api/dispatch/joint-committees/{id}/villages</c>: one more neighbouring village of the county.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_joint_committee")]
    [ProblemResponses(StatusCodes.Status404NotFound, "joint_committee_not_found", "village_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "joint_committee_dissolved", "village_in_joint_committee", "villages_in_different_counties")]
    public static async Task<Results<Ok<JointCommitteeDto>, ProblemHttpResult>> AddVillageAsync(Guid id, JoinVillageRequest request, RegionScope scope,
        NpgsqlDataSource dataSource, DateWindow window, CancellationToken cancellationToken)
    {
        var village = request.VillageCode?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (!DivisionCode.IsWellFormed(village))
        {
            errors.Add(new FieldError("villageCode", "invalid_division_code", "区划代码必须是12位数字"));
        }

        if (request.JoinedOn is not { } joined || !window.Contains(joined))
        {
            errors.Add(new FieldError("joinedOn", "out_of_range", "须填写加入日期，" + window.Describe()));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_joint_committee", "联合党委登记无效", errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (committee, refused) = await LockActiveAsync(transaction, scope, id, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (!await VillageInScopeAsync(transaction, scope, village, cancellationToken))
        {
            throw GetVillage.VillageNotFound(village);
        }

        if (village[..6] != committee!.CountyCode)
        {
            return ApiProblems.Conflict("villages_in_different_counties", "联合党委所联村须在同一县（市、区）");
        }

        if (await JoinAsync(transaction, id, village, request.JoinedOn!.Value, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        var dto = await ReadAsync(connection, transaction, scope, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto!);
    }

    /// <summary>REST: <c>POST /api/dispatch/joint-committees/{id}/dissolve</c>: its villages leave on the day (today when left out).</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_joint_committee")]
    [ProblemResponses(StatusCodes.Status404NotFound, "joint_committee_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "joint_committee_dissolved")]
    public static async Task<Results<Ok<JointCommitteeDto>, ProblemHttpResult>> DissolveAsync(Guid id, DissolveRequest request, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var day = request.DissolvedOn ?? today;
        var errors = new List<FieldError>();
        AddText(errors, "reason", request.Reason, 2000, "须写明撤销原因");
        if (day > today || day < DateWindow.Earliest)
        {
            errors.Add(new FieldError("dissolvedOn", "out_of_range", $"撤销日期不能晚于今天（{today:yyyy-MM-dd}）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_joint_committee", "联合党委登记无效", errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (committee, refused) = await LockActiveAsync(transaction, scope, id, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (day < committee!.FormedOn)
        {
            return ApiProblems.Invalid("invalid_joint_committee", "联合党委登记无效", [new FieldError("dissolvedOn", "before_start", "撤销日期不能早于成立日期")]);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE joint_committees SET dissolved_on = @day, dissolve_reason = @reason, dissolved_by = @actor, dissolved_at = @now WHERE id = @id;
            UPDATE joint_committee_villages SET left_on = greatest(joined_on, @day) WHERE committee_id = @id AND left_on IS NULL;
            """, new { id, day, reason = request.Reason!.Trim(), actor = http.GetActor(), now }, transaction, cancellationToken: cancellationToken));
        var dto = await ReadAsync(connection, transaction, scope, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(dto!);
    }

    /// <summary>REST: <c>GET /api/dispatch/joint-committees/{id}</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "joint_committee_not_found")]
    public static async Task<Results<Ok<JointCommitteeDto>, ProblemHttpResult>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, scope, id, cancellationToken) is { } dto ? TypedResults.Ok(dto) : NotFound();
    }

    /// <summary>REST: <c>GET /api/dispatch/joint-committees?prefix=&amp;status=active|dissolved</c>: wholly inside the prefix (and the scope), newest first, at most 1,000.</summary>
    public static async Task<Results<Ok<IReadOnlyList<JointCommitteeDto>>, ProblemHttpResult>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken, string? prefix = null, string? status = null)
    {
        if (status is not (null or "active" or "dissolved"))
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("status", "unknown_status", "status 应为 active 或 dissolved")]);
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"""
            SELECT c.id FROM joint_committees c
            WHERE {WhollyInside} AND (@status::text IS NULL OR (@status = 'active') = (c.dissolved_on IS NULL))
            ORDER BY c.formed_on DESC, c.id DESC LIMIT 1000
            """, new { region.From, region.To, status }, cancellationToken: cancellationToken));
        var list = new List<JointCommitteeDto>();
        foreach (var id in ids)
        {
            list.Add((await ReadAsync(connection, null, region, id, cancellationToken))!);
        }

        return TypedResults.Ok<IReadOnlyList<JointCommitteeDto>>(list);
    }

    // Every village of the committee lies in [@From, @To).
    private const string WhollyInside =
        "NOT EXISTS (SELECT 1 FROM joint_committee_villages x WHERE x.committee_id = c.id AND NOT (x.village_code >= @From AND x.village_code < @To))";

    private static void AddText(List<FieldError> errors, string field, string? value, int max, string message)
    {
        if ((value?.Trim().Length ?? 0) is 0 || value!.Trim().Length > max)
        {
            errors.Add(new FieldError(field, "required", $"{message}（不超过{max}字）"));
        }
    }

    private static async Task<bool> VillageInScopeAsync(NpgsqlTransaction transaction, RegionScope scope, string code, CancellationToken cancellationToken) =>
        scope.Covers(code) && await transaction.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM regions WHERE code = @code AND level = 5)", new { code }, transaction, cancellationToken: cancellationToken));

    private static async Task<ProblemHttpResult?> JoinAsync(NpgsqlTransaction transaction, Guid id, string village, DateOnly joinedOn, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.Connection!.ExecuteAsync(new CommandDefinition(
                "INSERT INTO joint_committee_villages (committee_id, village_code, joined_on) VALUES (@id, @village, @joinedOn)",
                new { id, village, joinedOn }, transaction, cancellationToken: cancellationToken));
            return null;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.ExclusionViolation or PostgresErrorCodes.UniqueViolation)
        {
            return ApiProblems.Conflict("village_in_joint_committee", $"{village}在此期间已属于一个联合党委");
        }
    }

    /// <summary>The committee in the caller's scope, locked and still active; else the answer (404 as missing, 409 dissolved).</summary>
    private static async Task<(LockedCommittee? Committee, ProblemHttpResult? Refused)> LockActiveAsync(NpgsqlTransaction transaction, RegionScope scope, Guid id,
        CancellationToken cancellationToken) =>
        await LockAsync(transaction, scope, id, cancellationToken) switch
        {
            null => (null, NotFound()),
            { Dissolved: true } => (null, ApiProblems.Conflict("joint_committee_dissolved", "该联合党委已撤销")),
            var committee => (committee, null),
        };

    private static Task<LockedCommittee?> LockAsync(NpgsqlTransaction transaction, RegionScope scope, Guid id, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<LockedCommittee>(new CommandDefinition(
            $"SELECT c.id, c.county_code, c.formed_on AS formed_on_value, c.dissolved_on IS NOT NULL AS dissolved FROM joint_committees c WHERE c.id = @id AND {WhollyInside} FOR UPDATE",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));

    private static async Task<JointCommitteeDto?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id,
        CancellationToken cancellationToken)
    {
        var head = await connection.QuerySingleOrDefaultAsync<HeadRow>(new CommandDefinition(
            $"""
            SELECT c.id, c.county_code, c.name, c.industry, c.secretary, c.formed_on, c.dissolved_on, c.dissolve_reason, c.formed_by, c.formed_at
            FROM joint_committees c WHERE c.id = @id AND {WhollyInside}
            """, new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));
        if (head is null)
        {
            return null;
        }

        var villages = (await connection.QueryAsync<VillageRow>(new CommandDefinition(
                """
                SELECT v.village_code, r.name AS village_name, v.joined_on, v.left_on FROM joint_committee_villages v JOIN regions r ON r.code = v.village_code
                WHERE v.committee_id = @id ORDER BY v.village_code
                """, new { id }, transaction, cancellationToken: cancellationToken)))
            .Select(v => new JointCommitteeVillageDto(v.VillageCode, v.VillageName, DateOnly.FromDateTime(v.JoinedOn), v.LeftOn is { } l ? DateOnly.FromDateTime(l) : null))
            .ToList();
        return new JointCommitteeDto(head.Id, head.CountyCode, head.Name, head.Industry, head.Secretary, DateOnly.FromDateTime(head.FormedOn),
            head.DissolvedOn is null ? "active" : "dissolved", head.DissolvedOn is { } d ? DateOnly.FromDateTime(d) : null, head.DissolveReason, villages,
            head.FormedBy, new DateTimeOffset(DateTime.SpecifyKind(head.FormedAt, DateTimeKind.Utc)));
    }

    private sealed class LockedCommittee
    {
        public Guid Id { get; init; }
        public string CountyCode { get; init; } = string.Empty;
        public DateTime FormedOnValue { get; init; }
        public bool Dissolved { get; init; }

        public DateOnly FormedOn => DateOnly.FromDateTime(FormedOnValue);
    }

    private sealed class HeadRow
    {
        public Guid Id { get; init; }
        public string CountyCode { get; init; } = string.Empty;
        public string Name { get; init; } = string.Empty;
        public string Industry { get; init; } = string.Empty;
        public string Secretary { get; init; } = string.Empty;
        public DateTime FormedOn { get; init; }
        public DateTime? DissolvedOn { get; init; }
        public string? DissolveReason { get; init; }
        public string FormedBy { get; init; } = string.Empty;
        public DateTime FormedAt { get; init; }
    }

    private sealed class VillageRow
    {
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public DateTime JoinedOn { get; init; }
        public DateTime? LeftOn { get; init; }
    }
}
