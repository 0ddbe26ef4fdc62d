using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Dispatch.Api.Features.VillageCadres;

public sealed record SetPayRequest(decimal? MonthlyPay, bool? PensionInsured, DateOnly? EffectiveFrom, string? Reason);

/// <summary>A pay change as answered: the pay in force now and the one before it (null for the first).</summary>
public sealed record PayChangeDto(Guid PersonId, VillageCadrePayDto Pay, VillageCadrePayDto? Previous);

/// <summary>
/// A village cadre's monthly pay (CNY) and pension insurance from a day on, with the reason (domain.md §9: one district
/// raised the branch secretary's pay from 1,100 to 2,000 CNY and insured their pension). Only for a person holding a
/// committee seat today (409 not_on_committee). A change adds a row: the history stays.
/// </summary>
public static class VillageCadrePay
{
    /// <summary>REST: <c>PUT /api/dispatch/village-people/{id}/pay</c>.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_village_cadre_pay")]
    [ProblemResponses(StatusCodes.Status404NotFound, "village_person_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "not_on_committee")]
    public static async Task<Results<Ok<PayChangeDto>, ProblemHttpResult>> SetAsync(Guid id, SetPayRequest request, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, DateWindow window, TimeProvider clock, CancellationToken cancellationToken)
    {
        var reason = request.Reason?.Trim() ?? string.Empty;
        var errors = new List<FieldError>();
        if (request.MonthlyPay is not (> 0 and < 100_000) || decimal.Round(request.MonthlyPay.Value, 2) != request.MonthlyPay)
        {
            errors.Add(new FieldError("monthlyPay", "out_of_range", "月报酬（元）应大于0、小于100000，最多两位小数"));
        }

        if (request.PensionInsured is null)
        {
            errors.Add(new FieldError("pensionInsured", "required", "须说明是否参加养老保险"));
        }

        if (request.EffectiveFrom is not { } from || !window.Contains(from))
        {
            errors.Add(new FieldError("effectiveFrom", "out_of_range", "须填写执行日期，" + window.Describe()));
        }

        if (reason.Length is 0 or > 2000)
        {
            errors.Add(new FieldError("reason", "required", "须写明调整依据（不超过2000字）"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_village_cadre_pay", "村干部报酬无效", errors);
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await VillagePeople.LockAsync(transaction, scope, id, cancellationToken) is null)
        {
            return VillagePeople.NotFound();
        }

        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                """
                SELECT EXISTS (SELECT 1 FROM village_committee_posts WHERE person_id = @id AND starts_on <= @today AND (ends_on IS NULL OR ends_on >= @today))
                """, new { id, today = ChinaTime.DayOf(now) }, transaction, cancellationToken: cancellationToken)))
        {
            return ApiProblems.Conflict("not_on_committee", "此人目前不在村两委任职，不发放村干部报酬");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO village_cadre_pay (person_id, monthly_pay, pension_insured, effective_from, reason, set_by, set_at)
            VALUES (@id, @MonthlyPay, @PensionInsured, @EffectiveFrom, @reason, @actor, @now)
            """, new { id, request.MonthlyPay, request.PensionInsured, request.EffectiveFrom, reason, actor = http.GetActor(), now }, transaction,
            cancellationToken: cancellationToken));
        var person = await VillagePeople.ReadAsync(connection, transaction, scope, id, ChinaTime.DayOf(now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new PayChangeDto(id, person!.PayHistory[0], person.PayHistory.Count > 1 ? person.PayHistory[1] : null));
    }
}
