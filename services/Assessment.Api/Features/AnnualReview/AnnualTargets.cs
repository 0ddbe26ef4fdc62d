using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.AnnualReview;

public sealed record AnnualTargetView(int Year, string CountyCode, string CountyName, string RegionCode, int? Households, int? Villages, string SetBy, DateTimeOffset SetAt,
    int? HouseholdsExited, int? VillagesExited, string? OutcomeRecordedBy, DateTimeOffset? OutcomeRecordedAt, bool? Met);

public sealed record SetAnnualTargetRequest(int? Year, string? CountyCode, int? Households, int? Villages);

public sealed record RecordOutcomeRequest(int? HouseholdsExited, int? VillagesExited);

public sealed record TargetOutcomeView(AnnualTargetView Target, CountyVetoView? Veto);

/// <summary>
/// A county's annual poverty-reduction target (年度减贫任务: households and/or villages to exit), set by a province or city
/// official within scope, and its outcome. The outcome is recorded by an official (the province's exit verification,
/// 退出认定, is the authority; assessment's household events are not a count of verified exits); a county whose
/// outcome falls short of either part of its target is vetoed for the year (<see cref="CountyVetoes"/>) in the same
/// transaction. A target may be set again until its outcome is recorded; an outcome is recorded once.
/// </summary>
public static class AnnualTargets
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_annual_target")]
    [ProblemResponses(StatusCodes.Status404NotFound, "region_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "target_outcome_recorded")]
    public static async Task<Ok<AnnualTargetView>> SetAsync(SetAnnualTargetRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        DispatchLookups dispatch, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var year = AnnualGrading.CheckYear(request.Year, errors);
        if (request.CountyCode is not { Length: 6 } || !request.CountyCode.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("countyCode", "invalid_county", "countyCode 须为6位县级区划代码"));
        }

        if (request.Households is null && request.Villages is null)
        {
            errors.Add(new FieldError("households", "required", "须给出退出户数或退出村数目标"));
        }

        if (request.Households < 0 || request.Villages < 0)
        {
            errors.Add(new FieldError(request.Households < 0 ? "households" : "villages", "negative", "目标不能为负"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_annual_target", "年度减贫目标无效", errors).ToException();
        }

        var county = await CountyInScopeAsync(scope, dispatch, request.CountyCode!, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TargetRow>(new CommandDefinition(
            """
            INSERT INTO annual_targets (year, county_code, county_name, region_code, households, villages, set_by)
            VALUES (@year, @code, @name, @region, @Households, @Villages, @actor)
            ON CONFLICT (year, county_code) DO UPDATE SET county_name = EXCLUDED.county_name, households = EXCLUDED.households, villages = EXCLUDED.villages, set_by = EXCLUDED.set_by, set_at = now()
            WHERE annual_targets.outcome_recorded_at IS NULL
            RETURNING *
            """, new { year, code = county.Code, name = county.Name, region = SubjectKinds.Pad(county.Code), request.Households, request.Villages, actor = user.GetActor() },
            cancellationToken: cancellationToken))
            ?? throw ApiProblems.Conflict("target_outcome_recorded", "年度目标已认定完成情况，不能再修改").ToException("该县年度目标已认定完成情况，不能再修改");
        return TypedResults.Ok(row.ToView());
    }

    public static async Task<Ok<IReadOnlyList<AnnualTargetView>>> ListAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TargetRow>(new CommandDefinition(
            "SELECT * FROM annual_targets WHERE year = @year AND region_code >= @From AND region_code < @To ORDER BY county_code",
            new { year, region.From, region.To }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<AnnualTargetView>>(rows.Select(r => r.ToView()).ToList());
    }

    /// <summary>Records the year's outcome once; a county that missed its target is vetoed in the same transaction.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_target_outcome")]
    [ProblemResponses(StatusCodes.Status404NotFound, "annual_target_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "target_outcome_recorded")]
    public static async Task<Ok<TargetOutcomeView>> RecordOutcomeAsync(int year, string county, RecordOutcomeRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (request.HouseholdsExited is null && request.VillagesExited is null)
        {
            errors.Add(new FieldError("householdsExited", "required", "须给出实际退出户数或退出村数"));
        }

        if (request.HouseholdsExited < 0 || request.VillagesExited < 0)
        {
            errors.Add(new FieldError(request.HouseholdsExited < 0 ? "householdsExited" : "villagesExited", "negative", "实际退出数不能为负"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_target_outcome", "年度目标完成情况无效", errors).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var target = await connection.QuerySingleOrDefaultAsync<TargetRow>(new CommandDefinition(
            "SELECT * FROM annual_targets WHERE year = @year AND county_code = @county AND region_code >= @From AND region_code < @To FOR UPDATE",
            new { year, county, scope.From, scope.To }, transaction, cancellationToken: cancellationToken))
            ?? throw ApiProblems.NotFound("annual_target_not_found", "未找到年度减贫目标").ToException("未找到该县该年度的减贫目标");
        if (target.OutcomeRecordedAt is not null)
        {
            throw ApiProblems.Conflict("target_outcome_recorded", "年度目标已认定完成情况").ToException("该县年度目标已认定完成情况");
        }

        // A part of the target that was set needs its outcome: a missing one cannot be judged.
        if ((target.Households is not null && request.HouseholdsExited is null) || (target.Villages is not null && request.VillagesExited is null))
        {
            throw ApiProblems.Invalid("invalid_target_outcome", "年度目标完成情况无效",
                [new FieldError(target.Households is not null && request.HouseholdsExited is null ? "householdsExited" : "villagesExited", "required", "目标所列的每一项都须给出实际数")])
                .ToException();
        }

        var actor = user.GetActor();
        var recorded = await connection.QuerySingleAsync<TargetRow>(new CommandDefinition(
            """
            UPDATE annual_targets SET households_exited = @HouseholdsExited, villages_exited = @VillagesExited, outcome_recorded_by = @actor, outcome_recorded_at = now()
            WHERE year = @year AND county_code = @county RETURNING *
            """, new { request.HouseholdsExited, request.VillagesExited, actor, year, county }, transaction, cancellationToken: cancellationToken));
        var view = recorded.ToView();
        CountyVetoView? veto = null;
        if (view.Met == false)
        {
            var reason = MissReason(recorded);
            veto = await CountyVetoes.VetoAsync(connection, transaction, outbox, year, county, recorded.CountyName, reason, actor, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new TargetOutcomeView(view, veto));
    }

    private static string MissReason(TargetRow t)
    {
        var parts = new List<string>();
        if (t.Households is { } h && t.HouseholdsExited < h)
        {
            parts.Add($"脱贫退出{t.HouseholdsExited}户，目标{h}户");
        }

        if (t.Villages is { } v && t.VillagesExited < v)
        {
            parts.Add($"退出{t.VillagesExited}个村，目标{v}个村");
        }

        return $"{t.Year}年度减贫目标未完成（{string.Join("；", parts)}）";
    }

    private static async Task<DispatchRegion> CountyInScopeAsync(RegionScope scope, DispatchLookups dispatch, string countyCode, CancellationToken cancellationToken) =>
        scope.Covers(SubjectKinds.Pad(countyCode)) && await dispatch.CountyAsync(countyCode, cancellationToken) is { } county
            ? county
            : throw ApiProblems.NotFound("region_not_found", "未找到该区划").ToException("未找到该县：" + countyCode);

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    private sealed record TargetRow(int Year, string CountyCode, string CountyName, string RegionCode, int? Households, int? Villages, string SetBy, DateTime SetAt, int? HouseholdsExited,
        int? VillagesExited, string? OutcomeRecordedBy, DateTime? OutcomeRecordedAt)
    {
        public AnnualTargetView ToView() => new(Year, CountyCode, CountyName, RegionCode, Households, Villages, SetBy, Utc(SetAt), HouseholdsExited, VillagesExited, OutcomeRecordedBy,
            OutcomeRecordedAt is { } at ? Utc(at) : null,
            OutcomeRecordedAt is null ? null : !((Households is { } h && HouseholdsExited < h) || (Villages is { } v && VillagesExited < v)));
    }
}
