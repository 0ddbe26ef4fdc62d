using Dapper;
using Dispatch.Api.Domain;
using Dispatch.Api.Features.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.Security.PersonalData;
using Platform.ServiceDefaults;

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

/// <summary>Cadres of the caller's scope (their unit's region), keyset-paged by id; one cadre by id.</summary>
public static class QueryCadres
{
    public static async Task<Results<Ok<Page<CadreDto>>, ProblemHttpResult>> ListAsync(
        HttpContext http, NpgsqlDataSource dataSource, PersonalDataProtector protector, CancellationToken cancellationToken,
        string? prefix = null, string? unit = null, Guid? after = null, int limit = 100)
    {
        if (!RegionScope.TryParse(prefix ?? string.Empty, out var requested) || limit is < 1 or > 1000)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效",
                [new FieldError(limit is < 1 or > 1000 ? "limit" : "prefix", "invalid", "prefix 为0到12位数字，limit 为1到1000")]);
        }

        if (http.User.GetRegionScope()?.Narrow(requested) is not { } scope)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "region_out_of_scope", "所查区划超出您的管辖范围");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CadreRecord>(new CommandDefinition(
            $"""
            {CadreRecord.Select}
            WHERE c.region_code >= @From AND c.region_code < @To
              AND (@unit::text IS NULL OR u.code = @unit)
              AND (@after::uuid IS NULL OR c.id > @after)
            ORDER BY c.id LIMIT @take
            """, new { scope.From, scope.To, unit, after, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var items = rows.Take(limit).Select(r => r.ToDto(http.User, protector)).ToList();
        return TypedResults.Ok(new Page<CadreDto>(items, rows.Count > limit ? items[^1].Id.ToString() : null));
    }

    public static async Task<Results<Ok<CadreDto>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext http, NpgsqlDataSource dataSource, PersonalDataProtector protector, CancellationToken cancellationToken)
    {
        var scope = http.User.GetRegionScope() ?? RegionScope.Parse("0");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CadreRecord>(new CommandDefinition(
            $"{CadreRecord.Select} WHERE c.id = @id AND c.region_code >= @From AND c.region_code < @To",
            new { id, scope.From, scope.To }, cancellationToken: cancellationToken));
        return row is null
            ? ApiProblems.NotFound("cadre_not_found", "未找到该干部")
            : TypedResults.Ok(row.ToDto(http.User, protector));
    }

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
        public CadreDto ToDto(System.Security.Claims.ClaimsPrincipal user, PersonalDataProtector protector)
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
