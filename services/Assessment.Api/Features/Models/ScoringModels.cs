using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Models;

public sealed record PublishModelRequest(int Year, string? RegionCode, ModelDefinition? Definition, string? Reason);

public sealed record ModelVersionView(Guid Id, int Year, string RegionCode, int Version, ModelDefinition Definition, string Reason, string PublishedBy, DateTimeOffset PublishedAt);

/// <summary>
/// Scoring models as data (考核模型): the province's default (region ""), a city's or county's override within the
/// default's limits. Publishing writes a new version and its audit row in one transaction; versions are never edited.
/// </summary>
public static class ScoringModels
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_model")]
    [ProblemResponses(StatusCodes.Status404NotFound, "model_not_found")]
    public static async Task<Created<ModelVersionView>> PublishAsync(PublishModelRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var view = await PublishCoreAsync(dataSource, scope, user, request, cancellationToken);
        return TypedResults.Created($"/api/assessment/models/{view.Id}", view);
    }

    public static async Task<ModelVersionView> PublishCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, ClaimsPrincipal user, PublishModelRequest request,
        CancellationToken cancellationToken)
    {
        var region = request.RegionCode ?? string.Empty;
        var errors = new List<FieldError>();
        if (request.Year is < 2000 or > 2100)
        {
            errors.Add(new FieldError("year", "invalid_year", "year 须为2000至2100"));
        }

        if (region.Length is not (0 or 4 or 6) || !region.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("regionCode", "invalid_region", "regionCode 为空（省级默认）、4位（市）或6位（县）区划代码"));
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add(new FieldError("reason", "required", "发布须说明原因"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_model", "考核模型无效", errors).ToException();
        }

        // The default is the province's to publish; an override is its city's or county's, inside the caller's scope.
        if (region.Length == 0 ? !user.IsInRole(Roles.Province) : !scope.Covers(region))
        {
            throw ApiProblems.OutOfScope(region).ToException($"区划 {region} 超出您的管辖范围");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Versions of one year and region are numbered one after the other, whoever publishes at the same time.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('assessment-model:' || @year || ':' || @region))",
            new { year = request.Year, region }, transaction, cancellationToken: cancellationToken));
        ModelDefinition? provinceDefault = null;
        if (region.Length > 0)
        {
            var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT definition::text FROM model_versions WHERE year = @year AND region_code = '' ORDER BY version DESC LIMIT 1",
                new { year = request.Year }, transaction, cancellationToken: cancellationToken))
                ?? throw ApiProblems.NotFound("model_not_found", "未找到考核模型", $"No province default for {request.Year}.").ToException($"{request.Year}年尚无省级默认考核模型");
            provinceDefault = ModelDefinition.Parse(json);
        }

        ModelValidation.Validate(request.Definition, provinceDefault);

        var id = Guid.CreateVersion7();
        var actor = user.GetActor();
        var row = await connection.QuerySingleAsync<(int Version, DateTime PublishedAt)>(new CommandDefinition(
            """
            INSERT INTO model_versions (id, year, region_code, version, definition, reason, published_by)
            SELECT @id, @year, @region, coalesce(max(version), 0) + 1, CAST(@definition AS jsonb), @reason, @actor
            FROM model_versions WHERE year = @year AND region_code = @region
            RETURNING version, published_at;

            INSERT INTO model_audit (model_version_id, action, actor, region_code, detail)
            SELECT id, 'published', published_by, region_code, jsonb_build_object('year', year, 'version', version, 'reason', reason)
            FROM model_versions WHERE id = @id;
            """,
            new { id, year = request.Year, region, definition = request.Definition!.ToJson(), reason = request.Reason, actor }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new ModelVersionView(id, request.Year, region, row.Version, request.Definition!, request.Reason!, actor, new DateTimeOffset(row.PublishedAt, TimeSpan.Zero));
    }

    /// <summary>The versions that apply to the caller's region: the province default and the overrides of its city, its county or below.</summary>
    public static async Task<Ok<IReadOnlyList<ModelVersionView>>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, int? year = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ModelRow>(new CommandDefinition(
            """
            SELECT id, year, region_code, version, definition::text AS definition, reason, published_by, published_at FROM model_versions
            WHERE (CAST(@year AS integer) IS NULL OR year = @year) AND (starts_with(@prefix, region_code) OR starts_with(region_code, @prefix))
            ORDER BY year, region_code, version
            """, new { year, prefix = scope.Prefix }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<ModelVersionView>>(rows.Select(r => r.ToView()).ToList());
    }

    /// <summary>One version; one of another region's branch answers as missing.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "model_not_found")]
    public static async Task<Ok<ModelVersionView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ModelRow>(new CommandDefinition(
            """
            SELECT id, year, region_code, version, definition::text AS definition, reason, published_by, published_at FROM model_versions
            WHERE id = @id AND (starts_with(@prefix, region_code) OR starts_with(region_code, @prefix))
            """, new { id, prefix = scope.Prefix }, cancellationToken: cancellationToken));
        return row is null
            ? throw ApiProblems.NotFound("model_not_found", "未找到考核模型").ToException("未找到该考核模型")
            : TypedResults.Ok(row.ToView());
    }

    /// <summary>The model a county's month is scored with when nothing fixed it yet: its own override, its city's, else the default.</summary>
    public static async Task<(Guid Id, ModelDefinition Definition)?> ResolveAsync(NpgsqlConnection connection, int year, string countyCode, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Definition)?>(new CommandDefinition(
            """
            SELECT id, definition::text FROM model_versions
            WHERE year = @year AND region_code IN ('', left(@county, 4), left(@county, 6))
            ORDER BY length(region_code) DESC, version DESC LIMIT 1
            """, new { year, county = countyCode }, cancellationToken: cancellationToken));
        return row is { } r ? (r.Id, ModelDefinition.Parse(r.Definition)) : null;
    }

    private sealed record ModelRow(Guid Id, int Year, string RegionCode, int Version, string Definition, string Reason, string PublishedBy, DateTime PublishedAt)
    {
        public ModelVersionView ToView() =>
            new(Id, Year, RegionCode, Version, ModelDefinition.Parse(Definition), Reason, PublishedBy, new DateTimeOffset(DateTime.SpecifyKind(PublishedAt, DateTimeKind.Utc)));
    }
}
