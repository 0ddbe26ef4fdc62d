using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Dispatch.Api.Features.Regions;
using System.Security.Claims;
using Npgsql;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Cadres;

/// <summary>A cadre as the API shows it: citizen ID and phone in clear only for the roles that need them, masked otherwise.</summary>
public sealed record CadreDto(
    Guid Id,
    string Name,
    string CitizenId,
    string? Phone,
    string UnitCode,
    string UnitName,
    string RegionCode,
    string Rank,
    string RankName,
    IReadOnlyList<string> Skills,
    bool RuralExperience,
    DateOnly? LastPromotedOn,
    string Willingness);

/// <summary>
/// One page of cadres in id order; <c>next</c> (the last cadre's id, as <c>after</c> takes it) goes in <c>after</c> for the
/// following page, null on the last. Not a <see cref="Page{T}"/>: the villages' and units' cursors are codes, this one is an id.
/// </summary>
public sealed record CadrePage(IReadOnlyList<CadreDto> Items, Guid? Next);

/// <summary>Cadres of the caller's scope (their unit's region), keyset-paged by id; one cadre by id.</summary>
public static class QueryCadres
{
    public static async Task<Ok<CadrePage>> ListAsync(
        RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, PersonalDataProtector protector, CancellationToken cancellationToken,
        string? prefix = null, string? unit = null, Guid? after = null, int limit = 100)
    {
        if (limit is < 1 or > 1000)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "invalid", "prefix 为0到12位数字，limit 为1到1000")]).ToException();
        }

        var effective = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CadreRecord>(new CommandDefinition(
            $"""
            {CadreRecord.Select}
            WHERE c.region_code >= @From AND c.region_code < @To
              AND (@unit::text IS NULL OR u.code = @unit)
              AND (@after::uuid IS NULL OR c.id > @after)
            ORDER BY c.id LIMIT @take
            """, new { effective.From, effective.To, unit, after, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r => r.ToDto(user, protector)).ToList();
        return TypedResults.Ok(new CadrePage(items, rows.Count > limit ? items[^1].Id : null));
    }

    /// <summary>REST: <c>GET /api/dispatch/cadres/{id}</c>; personal data in clear only for the roles that need it.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "cadre_not_found")]
    public static async Task<Ok<CadreDto>> GetAsync(
        Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, PersonalDataProtector protector, CancellationToken cancellationToken) =>
        TypedResults.Ok((await GetInScopeAsync(dataSource, scope, id, cancellationToken)).ToDto(user, protector));

    /// <summary>The cadre of a unit in the caller's scope, or 404 cadre_not_found (NOT_FOUND on gRPC), out of scope alike.</summary>
    internal static async Task<CadreRecord> GetInScopeAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CadreRecord>(new CommandDefinition(
                $"{CadreRecord.Select} WHERE c.id = @id AND c.region_code >= @From AND c.region_code < @To",
                new { id, scope.From, scope.To }, cancellationToken: cancellationToken))
            ?? throw CadreNotFound();
    }

    /// <summary>The most cadres one <see cref="GetManyInScopeAsync"/> reads (dispatch.v1 GetCadres).</summary>
    public const int MaxBatch = 1000;

    /// <summary>The cadres among <paramref name="ids"/> of units in the caller's scope; the others are left out, as GetInScope's 404.</summary>
    internal static async Task<IReadOnlyList<CadreRecord>> GetManyInScopeAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid[] ids,
        CancellationToken cancellationToken)
    {
        if (ids.Length > MaxBatch)
        {
            throw ApiProblems.Invalid("invalid_argument", "请求参数无效", [new FieldError("cadre_ids", "too_many", $"cadre_ids 每次至多 {MaxBatch} 个")]).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CadreRecord>(new CommandDefinition(
            $"{CadreRecord.Select} WHERE c.id = ANY(@ids) AND c.region_code >= @From AND c.region_code < @To",
            new { ids, scope.From, scope.To }, cancellationToken: cancellationToken))).ToList();
    }

    internal static ProblemException CadreNotFound() => ApiProblems.NotFound("cadre_not_found", "未找到该干部").ToException();

    internal sealed class CadreRecord
    {
        public const string Select =
            """
            SELECT c.id, c.name, c.citizen_id_cipher, c.citizen_id_masked, c.phone_cipher, c.phone_masked, u.code AS unit_code, u.name AS unit_name,
                   c.region_code, c.rank, c.skills, c.rural_experience, c.last_promoted_on, c.willingness
            FROM cadres c JOIN assisting_units u ON u.id = c.unit_id
            """;

        public Guid Id { get; init; }
        public string Name { get; init; } = string.Empty;
        public byte[] CitizenIdCipher { get; init; } = [];
        public string CitizenIdMasked { get; init; } = string.Empty;
        public byte[]? PhoneCipher { get; init; }
        public string? PhoneMasked { get; init; }
        public string UnitCode { get; init; } = string.Empty;
        public string UnitName { get; init; } = string.Empty;
        public string RegionCode { get; init; } = string.Empty;
        public string Rank { get; init; } = string.Empty;
        public string[] Skills { get; init; } = [];
        public bool RuralExperience { get; init; }
        public DateTime? LastPromotedOn { get; init; }
        public string Willingness { get; init; } = string.Empty;

        /// <summary>Decrypts only for callers allowed to see clear values; the others get the stored mask.</summary>
        public CadreDto ToDto(ClaimsPrincipal user, PersonalDataProtector protector)
        {
            var clear = PersonalDataAccess.MaySeeClear(user);
            return new CadreDto(Id, Name,
                clear ? protector.Unprotect(CitizenIdCipher) : CitizenIdMasked,
                PhoneCipher is null ? null : clear ? protector.Unprotect(PhoneCipher) : PhoneMasked,
                UnitCode, UnitName, RegionCode, Rank, CadreVocabulary.ChineseOf(CadreVocabulary.Ranks, Rank), Skills, RuralExperience,
                LastPromotedOn is { } d ? DateOnly.FromDateTime(d) : null, Willingness);
        }
    }
}
