using System.Globalization;
using System.Security.Claims;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MiniExcelLibs;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.AnnualReview;

public sealed record AnnualGradeView(Guid Id, int Year, Guid CadreId, string CadreName, string VillageCode, string CountyCode, string UnitCode, decimal? MonthlyMean,
    int Months, decimal? ReviewScore, decimal? ComputedScore, string? ComputedGrade, string Grade, bool Promotion, string? Note, string ConfirmedBy,
    DateTimeOffset ConfirmedAt);

public sealed record ConfirmGradeRequest(string? Grade, bool? Promotion, string? Note);

/// <summary>
/// The annual grade (优秀 / 称职 / 基本称职 / 不称职) an official confirms, once, beside the computed one of the review
/// (<see cref="AnnualReviews"/>). A grade outside the four is invalid_grade (400). 优秀 or a promotion mark for a first
/// secretary of a county vetoed that year is county_vetoed (409); 优秀 beyond the year's quota
/// (<see cref="AccountabilityThresholds.ExcellentQuota"/>, a share of the county's first secretaries scored that year,
/// rounded down) is excellent_quota_full (409). Published as AnnualGradeConfirmed; exported as Excel.
/// </summary>
public static class AnnualGrades
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_grade")]
    [ProblemResponses(StatusCodes.Status404NotFound, "first_secretary_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "county_vetoed", "excellent_quota_full", "grade_already_confirmed")]
    public static async Task<Ok<AnnualGradeView>> ConfirmAsync(int year, Guid cadreId, ConfirmGradeRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, IOptions<AnnualGrading> grading, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ConfirmCoreAsync(dataSource, outbox, grading.Value, scope, user, year, cadreId, request, cancellationToken));

    public static async Task<AnnualGradeView> ConfirmCoreAsync(NpgsqlDataSource dataSource, OutboxWriter outbox, AnnualGrading grading, RegionScope scope, ClaimsPrincipal user,
        int year, Guid cadreId, ConfirmGradeRequest request, CancellationToken cancellationToken)
    {
        // The REST route's policy says the same; gRPC has no route policy, so the core asks.
        if (!(user.IsInRole(Roles.County) || user.IsInRole(Roles.City) || user.IsInRole(Roles.Province)))
        {
            throw ApiProblems.Create(StatusCodes.Status403Forbidden, "forbidden", "无权执行此操作", "Only county, city and province officials confirm grades.")
                .ToException("只有县、市、省组织部门可以确定年度考核等次");
        }

        var actor = user.GetActor();
        if (request.Grade is null || !AnnualGrading.Grades.Contains(request.Grade, StringComparer.Ordinal))
        {
            throw ApiProblems.Invalid("invalid_grade", "年度考核等次无效",
                [new FieldError("grade", "unknown_grade", $"等次须为 {string.Join("、", AnnualGrading.Grades)} 之一")]).ToException();
        }

        var promotion = request.Promotion ?? false;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var secretary = await AnnualReviews.FirstSecretaryAsync(connection, transaction, scope, year, cadreId, cancellationToken);
        // One county's grades of a year are confirmed one at a time: the quota counts them, and a veto lowers them.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('annual_grades:' || @county || ':' || @year))",
            new { county = secretary.CountyCode, year }, transaction, cancellationToken: cancellationToken));
        await RefuseWhenConfirmedAsync(connection, transaction, year, cadreId, cancellationToken);
        if ((request.Grade == AnnualGrading.Excellent || promotion) && await CountyVetoes.IsVetoedAsync(connection, transaction, year, secretary.CountyCode, cancellationToken))
        {
            throw ApiProblems.Conflict("county_vetoed", "该县本年度被一票否决",
                "The county missed its annual target: none of its forces may be graded excellent or marked for promotion this year.")
                .ToException("该县本年度被一票否决，其驻村力量不得评为优秀或推荐提拔");
        }

        if (request.Grade == AnnualGrading.Excellent)
        {
            await RefuseBeyondQuotaAsync(connection, transaction, year, secretary.CountyCode, cancellationToken);
        }

        var review = await AnnualReviews.ReviewAsync(connection, transaction, grading, secretary, cancellationToken);
        var row = await connection.QuerySingleAsync<GradeRow>(new CommandDefinition(
            """
            INSERT INTO annual_grades (id, year, cadre_id, cadre_name, village_code, county_code, unit_code, monthly_mean, months, review_score, computed_score,
                                       computed_grade, grade, promotion, note, confirmed_by)
            VALUES (@id, @year, @cadreId, @CadreName, @VillageCode, @CountyCode, @UnitCode, @MonthlyMean, @MonthsScored, @ReviewScore, @ComputedScore,
                    @ComputedGrade, @grade, @promotion, @note, @actor)
            RETURNING *
            """, new
            {
                id = Guid.CreateVersion7(), year, cadreId, review.CadreName, review.VillageCode, review.CountyCode, review.UnitCode, review.MonthlyMean, review.MonthsScored,
                review.ReviewScore, review.ComputedScore, review.ComputedGrade, grade = request.Grade, promotion, note = request.Note, actor,
            }, transaction, cancellationToken: cancellationToken));
        await outbox.EnqueueAsync(transaction, row.ToEvent(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row.ToView();
    }

    public static async Task<Ok<IReadOnlyList<AnnualGradeView>>> ListAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null) =>
        TypedResults.Ok(await ListCoreAsync(dataSource, scope, year, prefix, cancellationToken));

    public static async Task<IReadOnlyList<AnnualGradeView>> ListCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, int year, string? prefix,
        CancellationToken cancellationToken)
    {
        var region = scope.NarrowOrDeny(prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<GradeRow>(new CommandDefinition(
            "SELECT * FROM annual_grades WHERE year = @year AND village_code >= @From AND village_code < @To ORDER BY county_code, village_code, cadre_id",
            new { year, region.From, region.To }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    /// <summary>A year's confirmed grades as an Excel workbook with Chinese headers.</summary>
    public static async Task<FileContentHttpResult> ExcelAsync(int year, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null)
    {
        var grades = await ListCoreAsync(dataSource, scope, year, prefix, cancellationToken);
        var rows = grades.Select(g => new Dictionary<string, object>
        {
            [Headers[0]] = g.Year, [Headers[1]] = g.CadreName, [Headers[2]] = g.CadreId.ToString(), [Headers[3]] = g.VillageCode, [Headers[4]] = g.UnitCode,
            [Headers[5]] = g.Months, [Headers[6]] = Text(g.MonthlyMean), [Headers[7]] = Text(g.ReviewScore), [Headers[8]] = Text(g.ComputedScore),
            [Headers[9]] = g.ComputedGrade ?? "", [Headers[10]] = g.Grade, [Headers[11]] = g.Promotion ? "是" : "否", [Headers[12]] = g.Note ?? "",
            [Headers[13]] = g.ConfirmedBy, [Headers[14]] = g.ConfirmedAt.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        }).ToList();
        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows, sheetName: "年度考核等次", cancellationToken: cancellationToken);
        return TypedResults.File(stream.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"annual-grades-{year}.xlsx");
    }

    private static readonly string[] Headers =
        ["年度", "第一书记", "干部编号", "驻村", "派出单位", "正式考核月数", "月度平均分", "评议得分", "综合得分", "测算等次", "确定等次", "推荐提拔", "备注", "确认人", "确认时间"];

    private static string Text(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";

    public static async Task<AnnualGradeView?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, Guid cadreId, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<GradeRow>(new CommandDefinition(
            "SELECT * FROM annual_grades WHERE year = @year AND cadre_id = @cadreId", new { year, cadreId }, transaction, cancellationToken: cancellationToken)))?.ToView();

    public static async Task RefuseWhenConfirmedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, Guid cadreId, CancellationToken cancellationToken)
    {
        if (await FindAsync(connection, transaction, year, cadreId, cancellationToken) is not null)
        {
            throw ApiProblems.Conflict("grade_already_confirmed", "年度考核等次已确定").ToException("该第一书记本年度考核等次已确定");
        }
    }

    /// <summary>The quota: floor(share × the county's first secretaries with a final month in the year) grades of 优秀.</summary>
    private static async Task RefuseBeyondQuotaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int year, string countyCode, CancellationToken cancellationToken)
    {
        var thresholds = await AccountabilityThresholds.ForAsync(connection, year, countyCode, cancellationToken);
        if (thresholds.ExcellentQuota is not { } quota)
        {
            return;
        }

        var counts = await connection.QuerySingleAsync<(long Scored, long Excellent)>(new CommandDefinition(
            """
            SELECT (SELECT count(DISTINCT subject_id) FROM scores WHERE subject_kind = 'first_secretary' AND group_code = @countyCode AND month LIKE @months AND NOT provisional),
                   (SELECT count(*) FROM annual_grades WHERE year = @year AND county_code = @countyCode AND grade = '优秀')
            """, new { countyCode, year, months = $"{year}-%" }, transaction, cancellationToken: cancellationToken));
        var allowed = (long)Math.Floor(counts.Scored * quota);
        if (counts.Excellent >= allowed)
        {
            throw ApiProblems.Conflict("excellent_quota_full", "优秀等次名额已满", $"The county's quota of excellent grades is {allowed}.")
                .ToException($"该县本年度优秀等次名额（{allowed}名）已满");
        }
    }

    /// <summary>A row of annual_grades (also lowered by a veto, <see cref="CountyVetoes"/>).</summary>
    public sealed record GradeRow(Guid Id, int Year, Guid CadreId, string CadreName, string VillageCode, string CountyCode, string UnitCode, decimal? MonthlyMean, int Months,
        decimal? ReviewScore, decimal? ComputedScore, string? ComputedGrade, string Grade, bool Promotion, string? Note, string ConfirmedBy, DateTime ConfirmedAt)
    {
        private DateTimeOffset At => new(DateTime.SpecifyKind(ConfirmedAt, DateTimeKind.Utc));

        public AnnualGradeView ToView() => new(Id, Year, CadreId, CadreName, VillageCode, CountyCode, UnitCode, MonthlyMean, Months, ReviewScore, ComputedScore,
            ComputedGrade, Grade, Promotion, Note, ConfirmedBy, At);

        public AnnualGradeConfirmed ToEvent() => new(Id, Year, CadreId, CadreName, UnitCode, VillageCode, Grade, Promotion, Note, ConfirmedBy, At);
    }
}
