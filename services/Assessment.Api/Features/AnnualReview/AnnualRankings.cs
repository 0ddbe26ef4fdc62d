using System.Globalization;
using System.Security.Claims;
using Assessment.Api.Domain;
using Assessment.Api.Features.Accountability;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.AnnualReview;

public sealed record AnnualRankingEntry(int Rank, string UnitCode, string UnitName, string RegionCode, int Months, decimal MeanTotal, bool Bottom, Guid? ProposalId);

public sealed record AnnualRankingView(int Year, string CityCode, decimal BottomShare, int BottomCount, int ProposalsMade, string ComputedBy, DateTimeOffset ComputedAt,
    IReadOnlyList<AnnualRankingEntry> Entries);

public sealed record ComputeAnnualRankingRequest(int? Year, string? CityCode);

/// <summary>
/// The annual ranking of a city's departments (assisting units of level city under the city's code, from dispatch's
/// ListUnits): each unit's score is the mean of its final monthly totals of the year (the latest version of each month
/// scored final; provisional months and months not scored are left out, a unit with no final month is not ranked),
/// highest first, ties by unit code. The bottom share (<see cref="AccountabilityThresholds.BottomShareForAdmonishment"/>,
/// 10% by default) is rounded up and applies only to a ranking of ten or more (a tenth of fewer than ten is less than
/// one unit); units tied with the last of that share are in it too. Each unit of the bottom share has an admonishment
/// talk (诫勉谈话) of its head proposed, rule <c>annual_bottom_decile</c>, cause key unit:year, so computing the ranking
/// again replaces the ranking but proposes nothing new.
/// </summary>
public static class AnnualRankings
{
    public const string Rule = "annual_bottom_decile";

    /// <summary>The smallest ranking that has a bottom share.</summary>
    public const int MinimumForBottomShare = 10;

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_annual_ranking")]
    public static async Task<Ok<AnnualRankingView>> ComputeAsync(ComputeAnnualRankingRequest request, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        OutboxWriter outbox, DispatchLookups dispatch, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var year = AnnualGrading.CheckYear(request.Year, errors);
        if (request.CityCode is not { Length: 4 } || !request.CityCode.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("cityCode", "invalid_city", "cityCode 须为4位市级区划代码"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_annual_ranking", "年度排名请求无效", errors).ToException();
        }

        var city = RequireWholeCity(scope, request.CityCode!);
        var departments = await dispatch.CityDepartmentsAsync(city, cancellationToken);
        var actor = user.GetActor();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('annual_ranking:' || @city || ':' || @year))", new { city, year },
            transaction, cancellationToken: cancellationToken));
        var thresholds = await AccountabilityThresholds.ForAsync(connection, year, city, cancellationToken);
        var scored = new List<(CityDepartment Unit, int Months, decimal Mean)>();
        foreach (var unit in departments)
        {
            var (months, mean) = await AnnualReviews.MonthlyAsync(connection, transaction, year, SubjectKinds.AssistingUnit, unit.Code, cancellationToken);
            if (months > 0 && mean is { } m)
            {
                scored.Add((unit, months, m));
            }
        }

        var ranked = scored.OrderByDescending(s => s.Mean).ThenBy(s => s.Unit.Code, StringComparer.Ordinal).ToList();
        var bottomCount = ranked.Count >= MinimumForBottomShare ? (int)Math.Ceiling(ranked.Count * thresholds.BottomShareForAdmonishment) : 0;
        var cut = bottomCount > 0 ? ranked[ranked.Count - bottomCount].Mean : decimal.MinValue;
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM annual_rankings WHERE year = @year AND city_code = @city", new { year, city }, transaction,
            cancellationToken: cancellationToken));
        var entries = new List<AnnualRankingEntry>();
        foreach (var (s, i) in ranked.Select((s, i) => (s, i)))
        {
            var bottom = bottomCount > 0 && s.Mean <= cut;
            Guid? proposal = null;
            if (bottom)
            {
                proposal = await AccountabilityProposals.ProposeAsync(transaction, outbox, new NewProposal(Rule, $"{s.Unit.Code}:{year}", AccountabilityKinds.Admonishment,
                    AccountabilitySubjectKinds.UnitHead, s.Unit.Code, AccountabilitySubjectKinds.UnitHeadName(s.Unit.Name, s.Unit.HeadName), SubjectKinds.Pad(s.Unit.RegionCode),
                    $"{s.Unit.Name}在{year}年度市直部门考核中排名第{i + 1}位（共{ranked.Count}个，年均{s.Mean.ToString("0.00", CultureInfo.InvariantCulture)}分），位列后{thresholds.BottomShareForAdmonishment:P0}，建议对其主要负责人{s.Unit.HeadName}诫勉谈话",
                    new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["year"] = year.ToString(CultureInfo.InvariantCulture), ["cityCode"] = city, ["rank"] = (i + 1).ToString(CultureInfo.InvariantCulture),
                        ["of"] = ranked.Count.ToString(CultureInfo.InvariantCulture), ["meanTotal"] = s.Mean.ToString("0.00", CultureInfo.InvariantCulture),
                    }), cancellationToken);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO annual_rankings (year, city_code, unit_code, unit_name, region_code, months, mean_total, rank, bottom, computed_by)
                VALUES (@year, @city, @Code, @Name, @region, @months, @mean, @rank, @bottom, @actor)
                """, new { year, city, s.Unit.Code, s.Unit.Name, region = SubjectKinds.Pad(s.Unit.RegionCode), months = s.Months, mean = s.Mean, rank = i + 1, bottom, actor },
                transaction, cancellationToken: cancellationToken));
            entries.Add(new AnnualRankingEntry(i + 1, s.Unit.Code, s.Unit.Name, SubjectKinds.Pad(s.Unit.RegionCode), s.Months, s.Mean, bottom, proposal));
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new AnnualRankingView(year, city, thresholds.BottomShareForAdmonishment, entries.Count(e => e.Bottom), entries.Count(e => e.ProposalId is not null),
            actor, DateTimeOffset.UtcNow, entries));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "annual_ranking_not_found")]
    public static async Task<Ok<AnnualRankingView>> GetAsync(int year, string city, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var region = scope.NarrowOrDeny(city);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<RankingRow>(new CommandDefinition(
            """
            SELECT rank, unit_code, unit_name, region_code, months, mean_total, bottom, computed_by, computed_at FROM annual_rankings
            WHERE year = @year AND city_code = @city AND region_code >= @From AND region_code < @To ORDER BY rank
            """, new { year, city, region.From, region.To }, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            throw ApiProblems.NotFound("annual_ranking_not_found", "未找到年度排名").ToException($"{year}年度没有该市的市直部门排名：{city}");
        }

        var thresholds = await AccountabilityThresholds.ForAsync(connection, year, city, cancellationToken);
        return TypedResults.Ok(new AnnualRankingView(year, city, thresholds.BottomShareForAdmonishment, rows.Count(r => r.Bottom), 0, rows[0].ComputedBy,
            new DateTimeOffset(DateTime.SpecifyKind(rows[0].ComputedAt, DateTimeKind.Utc)),
            rows.Select(r => new AnnualRankingEntry(r.Rank, r.UnitCode, r.UnitName, r.RegionCode, r.Months, r.MeanTotal, r.Bottom, null)).ToList()));
    }

    /// <summary>Only a caller whose scope holds the whole city ranks its departments; a narrower or other scope is refused.</summary>
    private static string RequireWholeCity(RegionScope scope, string city) =>
        city.StartsWith(scope.Prefix, StringComparison.Ordinal) ? city : throw ApiProblems.OutOfScope(city).ToException();

    private sealed record RankingRow(int Rank, string UnitCode, string UnitName, string RegionCode, int Months, decimal MeanTotal, bool Bottom, string ComputedBy,
        DateTime ComputedAt);
}
