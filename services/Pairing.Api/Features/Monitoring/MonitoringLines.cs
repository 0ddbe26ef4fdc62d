using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Pairing.Api.Features.Monitoring;

/// <summary>
/// The monitoring line and response time in force where a province has set none for the year (section
/// <c>Pairing:Monitoring</c>).
/// </summary>
public sealed class MonitoringOptions
{
    public const string Section = "Pairing:Monitoring";

    /// <summary>CNY per person per year.</summary>
    [Range(1, 99_999)]
    public decimal DefaultIncomeLine { get; set; } = 7_500m;

    /// <summary>Days a monitored household has to get a helper and measures (domain.md §9: for example 15).</summary>
    [Range(1, 90)]
    public int DefaultResponseDays { get; set; } = 15;
}

public sealed record MonitoringLineBody(decimal? IncomeLine, int? ResponseDays);

/// <summary>A monitoring line as set (<c>source</c> set) or the platform's default (<c>source</c> default, no setter).</summary>
public sealed record MonitoringLine(string ProvinceCode, int Year, decimal IncomeLine, int ResponseDays, string Source, string? SetBy, DateTimeOffset? SetAt);

/// <summary>The line in force and every earlier setting of the province and year, newest first.</summary>
public sealed record MonitoringLineDto(MonitoringLine InForce, IReadOnlyList<MonitoringLine> History);

/// <summary>
/// The monitoring line (监测线) of a province and year, in CNY of income per person per year, and the days a monitored
/// household has to get a helper and measures (domain.md §9: "configurable per province and year"). Every official of the
/// province reads it; only a province-wide scope sets it (403 province_scope_required); another province answers as
/// missing (404 province_not_found). A setting is a new row: the history stays.
/// </summary>
public static class MonitoringLines
{
    /// <summary>REST: <c>GET /api/pairing/monitoring/lines/{provinceCode}/{year}</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "province_not_found")]
    public static async Task<Results<Ok<MonitoringLineDto>, ProblemHttpResult>> GetAsync(string provinceCode, int year, RegionScope scope,
        NpgsqlDataSource dataSource, IOptions<MonitoringOptions> options, CancellationToken cancellationToken)
    {
        if (Check(provinceCode, year) is { } invalid)
        {
            return invalid;
        }

        // Everyone in the province reads its line: a county's scope (511702) shares its first two digits.
        if (!provinceCode.StartsWith(scope.Prefix[..Math.Min(2, scope.Prefix.Length)], StringComparison.Ordinal))
        {
            return NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await ReadAsync(connection, null, provinceCode, year, cancellationToken);
        return TypedResults.Ok(new MonitoringLineDto(rows.FirstOrDefault() ?? Default(provinceCode, year, options.Value), rows.Skip(1).ToList()));
    }

    /// <summary>REST: <c>PUT /api/pairing/monitoring/lines/{provinceCode}/{year}</c>; the server's clock stamps the setting.</summary>
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_monitoring_line")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "province_scope_required")]
    [ProblemResponses(StatusCodes.Status404NotFound, "province_not_found")]
    public static async Task<Results<Ok<MonitoringLineDto>, ProblemHttpResult>> PutAsync(string provinceCode, int year, MonitoringLineBody body, RegionScope scope,
        HttpContext http, NpgsqlDataSource dataSource, IOptions<MonitoringOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Check(provinceCode, year) is { } invalid)
        {
            return invalid;
        }

        var errors = new List<FieldError>();
        if (body.IncomeLine is not (> 0 and < 100_000) || decimal.Round(body.IncomeLine.Value, 2) != body.IncomeLine)
        {
            errors.Add(new FieldError("incomeLine", "out_of_range", "监测线为每人每年纯收入（元），大于0、小于100000，最多两位小数"));
        }

        if (body.ResponseDays is not (>= 1 and <= 90))
        {
            errors.Add(new FieldError("responseDays", "out_of_range", "落实帮扶的期限为1至90天"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_monitoring_line", "监测线设置无效", errors);
        }

        if (!provinceCode.StartsWith(scope.Prefix, StringComparison.Ordinal))
        {
            return scope.Prefix.StartsWith(provinceCode, StringComparison.Ordinal)
                ? ApiProblems.Create(StatusCodes.Status403Forbidden, "province_scope_required", "只有省级可设置监测线")
                : NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO monitoring_lines (province_code, year, income_line, response_days, set_by, set_at)
            VALUES (@provinceCode, @year, @IncomeLine, @ResponseDays, @actor, @now)
            """, new { provinceCode, year, body.IncomeLine, body.ResponseDays, actor = http.GetActor(), now = clock.GetUtcNow() }, transaction,
            cancellationToken: cancellationToken));
        var rows = await ReadAsync(connection, transaction, provinceCode, year, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new MonitoringLineDto(rows[0], rows.Skip(1).ToList()));
    }

    /// <summary>The line in force for a village's province in a year: the latest setting, else the default.</summary>
    internal static async Task<MonitoringLine> InForceAsync(NpgsqlTransaction transaction, string villageCode, int year, MonitoringOptions options,
        CancellationToken cancellationToken)
    {
        var province = villageCode[..2];
        var rows = await ReadAsync(transaction.Connection!, transaction, province, year, cancellationToken, latestOnly: true);
        return rows.FirstOrDefault() ?? Default(province, year, options);
    }

    private static MonitoringLine Default(string provinceCode, int year, MonitoringOptions options) =>
        new(provinceCode, year, options.DefaultIncomeLine, options.DefaultResponseDays, "default", null, null);

    private static async Task<List<MonitoringLine>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string provinceCode, int year,
        CancellationToken cancellationToken, bool latestOnly = false) =>
        (await connection.QueryAsync<LineRow>(new CommandDefinition(
            """
            SELECT province_code, year, income_line, response_days, set_by, set_at
            FROM monitoring_lines WHERE province_code = @provinceCode AND year = @year
            ORDER BY id DESC LIMIT @take
            """, new { provinceCode, year, take = latestOnly ? 1 : 100 }, transaction, cancellationToken: cancellationToken)))
        .Select(r => new MonitoringLine(r.ProvinceCode, r.Year, r.IncomeLine, r.ResponseDays, "set", r.SetBy,
            new DateTimeOffset(DateTime.SpecifyKind(r.SetAt, DateTimeKind.Utc))))
        .ToList();

    private sealed class LineRow
    {
        public string ProvinceCode { get; init; } = string.Empty;
        public int Year { get; init; }
        public decimal IncomeLine { get; init; }
        public int ResponseDays { get; init; }
        public string SetBy { get; init; } = string.Empty;
        public DateTime SetAt { get; init; }
    }

    private static ProblemHttpResult? Check(string provinceCode, int year)
    {
        var errors = new List<FieldError>();
        if (provinceCode.Length != 2 || !provinceCode.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("provinceCode", "invalid_division_code", "省级区划代码为2位数字"));
        }

        if (year is < 2020 or > 2100)
        {
            errors.Add(new FieldError("year", "out_of_range", "年度应在2020至2100之间"));
        }

        return errors.Count > 0 ? ApiProblems.Invalid("invalid_query", "查询参数无效", errors) : null;
    }

    private static ProblemHttpResult NotFound() => ApiProblems.NotFound("province_not_found", "未找到该省");
}
