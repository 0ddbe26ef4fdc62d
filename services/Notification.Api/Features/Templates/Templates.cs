using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Notification.Api.Features.Templates;

public sealed record RuleDto(string Key, string Name, string Description, bool Urgent, IReadOnlyList<string> Channels, IReadOnlyList<RuleVariable> Variables);

public sealed record TemplateDto(string Rule, int Version, string Title, string Body, string CreatedBy, DateTime CreatedAt);

public sealed record SaveTemplateRequest(string? Title, string? Body);

/// <summary>
/// Templates (模板) are versioned per rule: saving adds a version, the highest one renders new notifications, and a
/// notification keeps the text (and version) it was rendered with. A template may use only its rule's variables and
/// must use the required ones.
/// </summary>
public static class Templates
{
    private const string Columns = "rule AS Rule, version AS Version, title AS Title, body AS Body, created_by AS CreatedBy, created_at AS CreatedAt";

    public static Ok<IReadOnlyList<RuleDto>> Rules() =>
        TypedResults.Ok<IReadOnlyList<RuleDto>>(Domain.Rules.All.Values.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new RuleDto(r.Key, r.Name, r.Description, r.Urgent, r.Channels, r.Variables)).ToList());

    public static async Task<Ok<IReadOnlyList<TemplateDto>>> CurrentAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TemplateDto>(new CommandDefinition(
            $"SELECT DISTINCT ON (rule) {Columns} FROM templates ORDER BY rule, version DESC", cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<TemplateDto>>(rows.ToList());
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "rule_not_found")]
    public static async Task<Results<Ok<IReadOnlyList<TemplateDto>>, ProblemHttpResult>> VersionsAsync(string rule, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        if (!Domain.Rules.All.ContainsKey(rule))
        {
            return ApiProblems.NotFound("rule_not_found", "未找到该通知规则");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TemplateDto>(new CommandDefinition(
            $"SELECT {Columns} FROM templates WHERE rule = @rule ORDER BY version DESC", new { rule }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<TemplateDto>>(rows.ToList());
    }

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_template", "invalid_template_syntax", "missing_template_variable", "unknown_template_variable")]
    [ProblemResponses(StatusCodes.Status404NotFound, "rule_not_found")]
    public static async Task<Results<Created<TemplateDto>, ProblemHttpResult>> SaveAsync(string rule, SaveTemplateRequest request, HttpContext http,
        NpgsqlDataSource dataSource, TemplateCache templates, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!Domain.Rules.All.TryGetValue(rule, out var definition))
        {
            return ApiProblems.NotFound("rule_not_found", "未找到该通知规则");
        }

        var errors = TemplateText.Validate(definition, request.Title, request.Body);
        if (errors.Count > 0)
        {
            // The first error's code is the problem's code: unknown_template_variable, missing_template_variable,
            // invalid_template_syntax, or invalid_template for a missing or too long title or body.
            var code = errors[0].Code is "required" or "too_long" ? "invalid_template" : errors[0].Code;
            return ApiProblems.Invalid(code, "模板无效", errors.Select(e => new FieldError(e.Field, e.Code, e.Message)).ToList());
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Serialise versions of one rule.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('template:' || @rule))", new { rule }, transaction,
            cancellationToken: cancellationToken));
        var saved = await connection.QuerySingleAsync<TemplateDto>(new CommandDefinition(
            $"""
            INSERT INTO templates (rule, version, title, body, created_by, created_at)
            SELECT @rule, coalesce(max(version), 0) + 1, @Title, @Body, @actor, @now FROM templates WHERE rule = @rule
            RETURNING {Columns}
            """, new { rule, request.Title, request.Body, actor = http.GetActor(), now = clock.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        templates.Forget(rule);
        return TypedResults.Created($"/api/notification/templates/{rule}", saved);
    }
}
