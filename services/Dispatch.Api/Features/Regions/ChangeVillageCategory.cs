using Dapper;
using Dispatch.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.Regions;

public sealed record ChangeVillageCategoryRequest(string? Category, string? Reason);

public sealed record VillageCategoryChangeResult(string Code, string? PreviousCategory, string Category, bool Changed, DateTimeOffset ChangedAt);

/// <summary>
/// Moves a village to another category (only province and city officials, see <see cref="Extensions.DispatchPolicies.ChangeVillageCategory"/>).
/// The change, its history row and the <see cref="VillageCategoryChanged"/> event commit together; asking for the
/// category the village already has changes nothing and publishes nothing.
/// </summary>
public static class ChangeVillageCategory
{
    public const int MaxReasonLength = 500;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_category_change")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_not_found")]
    public static async Task<Results<Ok<VillageCategoryChangeResult>, ProblemHttpResult>> HandleAsync(
        string code,
        ChangeVillageCategoryRequest request,
        RegionScope scope,
        HttpContext http,
        NpgsqlDataSource dataSource,
        OutboxWriter outbox,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!DivisionCode.IsWellFormed(code))
        {
            errors.Add(new FieldError("code", "invalid_division_code", "区划代码必须是12位数字"));
        }

        if (!VillageCategories.TryParse(request.Category, out var category))
        {
            errors.Add(new FieldError("category", "unknown_category", $"村类别无效，应为 {string.Join("、", VillageCategories.Codes)} 之一"));
        }

        var reason = request.Reason?.Trim() ?? string.Empty;
        if (reason.Length == 0)
        {
            errors.Add(new FieldError("reason", "required", "必须填写变更原因"));
        }
        else if (reason.Length > MaxReasonLength)
        {
            errors.Add(new FieldError("reason", "too_long", $"变更原因不能超过{MaxReasonLength}个字"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_category_change", "村类别变更请求无效", errors);
        }

        if (!scope.Covers(code))
        {
            throw GetVillage.VillageNotFound(code);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var village = await connection.QuerySingleOrDefaultAsync<(string Name, string Category)?>(new CommandDefinition(
            "SELECT name, category FROM regions WHERE code = @code AND level = 5 FOR UPDATE",
            new { code }, transaction, cancellationToken: cancellationToken));
        if (village is null)
        {
            throw GetVillage.VillageNotFound(code);
        }

        var now = DateTimeOffset.UtcNow;
        var newCode = category.Code();
        if (village.Value.Category == newCode)
        {
            return TypedResults.Ok(new VillageCategoryChangeResult(code, village.Value.Category, newCode, false, now));
        }

        var actor = http.GetActor();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE regions SET category = @category, updated_at = now() WHERE code = @code;
            INSERT INTO village_category_changes (village_code, previous_category, category, reason, changed_by)
            VALUES (@code, @previous, @category, @reason, @actor);
            """,
            new { code, category = newCode, previous = village.Value.Category, reason, actor }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction,
            new VillageCategoryChanged(code, village.Value.Name, village.Value.Category, newCode, reason, actor, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new VillageCategoryChangeResult(code, village.Value.Category, newCode, true, now));
    }
}
