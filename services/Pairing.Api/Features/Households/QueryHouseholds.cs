using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Pairing.Api.Domain;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Households;

public sealed record HouseholdDto(Guid Id, string VillageCode, string VillageName, string VillageCategory, bool Scattered, string HeadName, string HeadCitizenId,
    int Members, IReadOnlyList<string> PovertyCauses, string Depth, string Potential, string Status, string StatusName);

public sealed record HouseholdPage(IReadOnlyList<HouseholdDto> Items, Guid? Next);

public sealed record StatusChangeBody(string? Status, string? Reason);

/// <summary>
/// Households of the caller's scope, keyset-paged; one household; status changes with history. A household in a
/// non-poor village is "scattered" (插花贫困户). Exit does not end assistance (脱贫不脱帮扶): a status change never touches pairings.
/// </summary>
public static class QueryHouseholds
{
    private const string Select =
        """
        SELECT h.id, h.village_code, v.name AS village_name, v.category AS village_category, h.head_name, h.head_citizen_id_cipher,
               h.head_citizen_id_masked, h.members, h.poverty_causes, h.depth, h.potential, h.status
        FROM households h JOIN villages v ON v.code = h.village_code
        """;

    /// <summary>
    /// REST: <c>GET /api/pairing/households?prefix=&amp;status=&amp;helper=&amp;after=&amp;limit=</c>; <c>helper</c> (a cadre id) keeps the
    /// households that cadre helps today (responsible or co-helper), the list a helper's phone records contacts from.
    /// </summary>
    public static async Task<Results<Ok<HouseholdPage>, ProblemHttpResult>> ListAsync(RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        PersonalDataProtector protector, TimeProvider clock, CancellationToken cancellationToken, string? prefix = null, string? status = null, Guid? after = null,
        int limit = 100, Guid? helper = null)
    {
        if (!RegionScope.TryParse(prefix ?? string.Empty, out _) || limit is < 1 or > 1000
            || (status is not null && HouseholdVocabulary.Find(HouseholdVocabulary.Statuses, status) is null))
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("prefix", "invalid", "prefix 为0到12位数字，limit 为1到1000，status 为已知状态")]);
        }

        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            {Select}
            WHERE h.village_code >= @From AND h.village_code < @To AND (@status::text IS NULL OR h.status = @status)
              AND (@after::uuid IS NULL OR h.id > @after)
              AND (@helper::uuid IS NULL OR EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.cadre_id = @helper
                                                   AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)))
            ORDER BY h.id LIMIT @take
            """, new { region.From, region.To, status = HouseholdVocabulary.Find(HouseholdVocabulary.Statuses, status)?.Code, after, take = limit + 1, helper,
                today = ChinaTime.Today(clock) },
            cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r => r.ToDto(user, protector)).ToList();
        return TypedResults.Ok(new HouseholdPage(items, rows.Count > limit ? items[^1].Id : null));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "household_not_found")]
    public static async Task<Results<Ok<HouseholdDto>, ProblemHttpResult>> GetAsync(Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        PersonalDataProtector protector, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await FindAsync(connection, null, scope, id, cancellationToken);
        return row is null ? ApiProblems.NotFound("household_not_found", "未找到该户") : TypedResults.Ok(row.ToDto(user, protector));
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_status_change")]
    [ProblemResponses(StatusCodes.Status404NotFound, "household_not_found")]
    public static async Task<Results<Ok<HouseholdDto>, ProblemHttpResult>> ChangeStatusAsync(Guid id, StatusChangeBody body, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, PersonalDataProtector protector, OutboxWriter outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var status = HouseholdVocabulary.Find(HouseholdVocabulary.Statuses, body.Status);
        var reason = body.Reason?.Trim() ?? string.Empty;
        if (status is null || reason.Length is 0 or > 500)
        {
            return ApiProblems.Invalid("invalid_status_change", "状态变更请求无效",
                [new FieldError(status is null ? "status" : "reason", status is null ? "unknown_status" : "required", "状态为 未脱贫、已脱贫、返贫、边缘户 之一，且须填写原因")]);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await FindAsync(connection, transaction, scope, id, cancellationToken);
        if (row is null)
        {
            return ApiProblems.NotFound("household_not_found", "未找到该户");
        }

        if (row.Status != status.Code)
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE households SET status = @status, updated_at = now() WHERE id = @id",
                new { id, status = status.Code }, transaction, cancellationToken: cancellationToken));
            await HouseholdStatusHistory.RecordAsync(transaction, outbox, [new StatusChange(id, row.Status, status.Code)], reason, user.GetActor(), clock.GetUtcNow(),
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(row.ToDto(user, protector) with { Status = status.Code, StatusName = status.Chinese });
    }

    /// <summary>The household in the caller's scope, or null (missing and out of scope alike).</summary>
    private static Task<Row?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{Select} WHERE h.id = @id AND h.village_code >= @From AND h.village_code < @To",
            new { id, scope.From, scope.To }, transaction, cancellationToken: cancellationToken));

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string VillageCode { get; init; } = string.Empty;
        public string VillageName { get; init; } = string.Empty;
        public string VillageCategory { get; init; } = string.Empty;
        public string HeadName { get; init; } = string.Empty;
        public byte[] HeadCitizenIdCipher { get; init; } = [];
        public string HeadCitizenIdMasked { get; init; } = string.Empty;
        public int Members { get; init; }
        public string[] PovertyCauses { get; init; } = [];
        public string Depth { get; init; } = string.Empty;
        public string Potential { get; init; } = string.Empty;
        public string Status { get; init; } = string.Empty;

        public HouseholdDto ToDto(ClaimsPrincipal user, PersonalDataProtector protector) => new(
            Id, VillageCode, VillageName, VillageCategory, VillageCategory == "non_poor", HeadName,
            PersonalDataAccess.MaySeeClear(user) ? protector.Unprotect(HeadCitizenIdCipher) : HeadCitizenIdMasked,
            Members, PovertyCauses, Depth, Potential, Status, HouseholdVocabulary.Find(HouseholdVocabulary.Statuses, Status)?.Chinese ?? Status);
    }
}
