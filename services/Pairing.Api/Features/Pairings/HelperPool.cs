using System.Security.Claims;
using Dapper;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Pairings;

public sealed record RegisterHelperBody(Guid? CadreId);

public sealed record HelperDto(Guid CadreId, string Name, string UnitCode, string RegionCode, IReadOnlyList<string> Skills, bool RuralExperience, bool Available,
    string? UnavailableReason, int Households);

/// <summary>
/// The helper pool (帮扶责任人库) the matcher draws from: a cadre checked with dispatch over gRPC as the caller, with the
/// skills, unit and rural experience that matching weighs. Pairing a cadre by hand registers them too. Registering
/// again refreshes the copy and makes an unavailable helper available again.
/// </summary>
public static class HelperPool
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_helper")]
    [ProblemResponses(StatusCodes.Status404NotFound, "cadre_not_found")]
    [ProblemResponses(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable")]
    public static async Task<Results<Ok<HelperDto>, ProblemHttpResult>> RegisterAsync(
        RegisterHelperBody body, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, Personnel.PersonnelClient personnel,
        CancellationToken cancellationToken)
    {
        if (body.CadreId is not { } cadreId)
        {
            return ApiProblems.Invalid("invalid_helper", "登记帮扶责任人请求无效", [new FieldError("cadreId", "required", "须填写 cadreId")]);
        }

        Cadre cadre;
        try
        {
            cadre = await personnel.GetCadreAsync(new GetCadreRequest { CadreId = cadreId.ToString() }, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return ApiProblems.NotFound("cadre_not_found", "未找到该干部（或不在您的管辖范围内）");
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            return ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable", "选派服务暂不可用，请稍后重试");
        }

        // Dispatch answers as the caller, so it already refused a cadre outside their scope; the pool is regional data,
        // so the rule is held here too rather than trusted to another service.
        if (!scope.Covers(cadre.RegionCode))
        {
            return ApiProblems.NotFound("cadre_not_found", "未找到该干部（或不在您的管辖范围内）");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await UpsertAsync(transaction, cadre, user.GetActor(), makeAvailable: true, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var helper = await connection.QuerySingleAsync<Row>(new CommandDefinition($"{Select} WHERE h.cadre_id = @cadreId", new { cadreId, today = ChinaTime.Today() },
            cancellationToken: cancellationToken));
        return TypedResults.Ok(helper.ToDto());
    }

    /// <summary>Helpers whose unit is under the prefix (within the caller's scope), with the households they carry today.</summary>
    public static async Task<Results<Ok<IReadOnlyList<HelperDto>>, ProblemHttpResult>> ListAsync(
        RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null, Guid? after = null, int limit = 500)
    {
        if (!RegionScope.TryParse(prefix ?? string.Empty, out _) || limit is < 1 or > 5_000)
        {
            return ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("prefix", "invalid", "prefix 为0到12位数字，limit 为1到5000")]);
        }

        var units = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"{Select} WHERE h.region_code >= @From AND h.region_code < @To AND h.cadre_id > @after ORDER BY h.cadre_id LIMIT @limit",
            new { units.From, units.To, after = after ?? Guid.Empty, limit, today = ChinaTime.Today() }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<HelperDto>>(rows.Select(r => r.ToDto()).ToList());
    }

    /// <summary>Copies the cadre into the pool inside the caller's transaction (used by registration and by pairing).</summary>
    public static Task UpsertAsync(NpgsqlTransaction transaction, Cadre cadre, string actor, bool makeAvailable, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            string.Format(System.Globalization.CultureInfo.InvariantCulture, UpsertSql, "VALUES (@id, @Name, @UnitCode, @RegionCode, @skills, @RuralExperience, @actor)"),
            new { id = Guid.Parse(cadre.Id), cadre.Name, cadre.UnitCode, cadre.RegionCode, skills = cadre.Skills.ToArray(), cadre.RuralExperience, actor, makeAvailable },
            transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Copies the cadres of the bulk import's <c>import_cadres</c> table (those of <paramref name="filter"/>, a condition
    /// on its columns) into the pool in one statement: how many joined it and how many changed (the others were already
    /// there as they are).
    /// </summary>
    public static Task<(int Created, int Updated)> UpsertImportedAsync(NpgsqlTransaction transaction, string filter, string actor, bool makeAvailable,
        CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleAsync<(int, int)>(new CommandDefinition(
            $"""
            WITH upserted AS (
                {string.Format(System.Globalization.CultureInfo.InvariantCulture, UpsertSql,
                    $"SELECT id, name, unit_code, region_code, skills, rural_experience, @actor FROM import_cadres c WHERE {filter}")}
            )
            SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int FROM upserted
            """,
            new { actor, makeAvailable }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// The pool's upsert of the rows of {0}: a copy refreshed only when it differs (so a re-import changes nothing), an
    /// unavailable helper made available again only on registration.
    /// </summary>
    private const string UpsertSql =
        """
        INSERT INTO helpers AS h (cadre_id, name, unit_code, region_code, skills, rural_experience, registered_by)
        {0}
        ON CONFLICT (cadre_id) DO UPDATE SET name = EXCLUDED.name, unit_code = EXCLUDED.unit_code, region_code = EXCLUDED.region_code,
            skills = EXCLUDED.skills, rural_experience = EXCLUDED.rural_experience, updated_at = now(),
            available = h.available OR @makeAvailable,
            unavailable_reason = CASE WHEN h.available OR @makeAvailable THEN NULL ELSE h.unavailable_reason END
        WHERE (h.name, h.unit_code, h.region_code, h.skills, h.rural_experience) IS DISTINCT FROM
              (EXCLUDED.name, EXCLUDED.unit_code, EXCLUDED.region_code, EXCLUDED.skills, EXCLUDED.rural_experience)
           OR (NOT h.available AND @makeAvailable)
        RETURNING (xmax = 0) AS inserted
        """;

    private const string Select =
        """
        SELECT h.cadre_id, h.name, h.unit_code, h.region_code, h.skills, h.rural_experience, h.available, h.unavailable_reason,
               (SELECT count(*)::int FROM pairings p WHERE p.cadre_id = h.cadre_id AND p.role = 'responsible'
                 AND p.starts_on <= @today AND (p.ends_on IS NULL OR p.ends_on >= @today)) AS households
        FROM helpers h
        """;

    private sealed class Row
    {
        public Guid CadreId { get; init; }
        public string Name { get; init; } = string.Empty;
        public string UnitCode { get; init; } = string.Empty;
        public string RegionCode { get; init; } = string.Empty;
        public string[] Skills { get; init; } = [];
        public bool RuralExperience { get; init; }
        public bool Available { get; init; }
        public string? UnavailableReason { get; init; }
        public int Households { get; init; }

        public HelperDto ToDto() => new(CadreId, Name, UnitCode, RegionCode, Skills, RuralExperience, Available, UnavailableReason, Households);
    }
}
