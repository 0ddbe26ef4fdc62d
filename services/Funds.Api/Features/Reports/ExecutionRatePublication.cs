using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Funds.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Funds.Api.Features.Reports;

public sealed record PublishExecutionRateRequest(string? Month, string? Prefix);

/// <param name="Published">True when this call published it; false when the same figures had been published before.</param>
public sealed record ExecutionRatePublicationView(Guid Id, string CountyCode, string Month, int Version, long AllocatedFen, long SpentFen, decimal? Rate,
    IReadOnlyList<ExecutionRateFigure> Villages, string PublishedBy, DateTimeOffset PublishedAt, bool Published);

public sealed record ExecutionRatePublicationsView(string Month, IReadOnlyList<ExecutionRatePublicationView> Counties);

/// <summary>
/// The month's execution rate published to assessment (ExecutionRatePublished through the outbox, in the transaction that
/// records the publication): per county with accounts of the month's year, the county's and each village's allocated and
/// spent up to the month's end (China time), over all programmes, computed as the report does. Idempotent per county and
/// month: figures equal to the last published ones publish nothing, so the monthly job firing twice or an official asking
/// again changes nothing; changed figures (a month still running) publish the next version.
/// </summary>
public static class ExecutionRatePublication
{
    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_publication")]
    public static async Task<Ok<ExecutionRatePublicationsView>> PublishAsync(PublishExecutionRateRequest request, RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var region = scope.NarrowOrDeny(request.Prefix);
        var month = ParseMonth(request.Month, ChinaTime.Today(clock), "invalid_publication");
        var counties = await PublishMonthAsync(dataSource, outbox, region, month, user.GetActor(), cancellationToken);
        return TypedResults.Ok(new ExecutionRatePublicationsView(Text(month), counties));
    }

    public static async Task<Ok<ExecutionRatePublicationsView>> ListAsync(string month, RegionScope scope, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken, string? prefix = null)
    {
        var region = scope.NarrowOrDeny(prefix);
        var first = ParseMonth(month, ChinaTime.Today(clock), "invalid_query");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT DISTINCT ON (county_code) {Columns} FROM execution_rate_publications
            WHERE month = @month AND county_code || '000000' >= @From AND county_code || '000000' < @To
            ORDER BY county_code, version DESC
            """, new { month = Text(first), region.From, region.To }, cancellationToken: cancellationToken));
        return TypedResults.Ok(new ExecutionRatePublicationsView(Text(first), rows.Select(r => r.ToView(false)).ToList()));
    }

    /// <summary>Publishes the month (its first day) of every county under <paramref name="region"/> with accounts of its year; the job's and REST's one path.</summary>
    public static async Task<IReadOnlyList<ExecutionRatePublicationView>> PublishMonthAsync(NpgsqlDataSource dataSource, OutboxWriter outbox, RegionScope region,
        DateOnly month, string actor, CancellationToken cancellationToken)
    {
        List<string> counties;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            counties = (await connection.QueryAsync<string>(new CommandDefinition(
                """
                SELECT DISTINCT substr(region_code, 1, 6) FROM accounts
                WHERE kind IN ('village', 'cadre') AND year = @Year AND region_code >= @From AND region_code < @To ORDER BY 1
                """, new { month.Year, region.From, region.To }, cancellationToken: cancellationToken))).ToList();
        }

        var published = new List<ExecutionRatePublicationView>(counties.Count);
        foreach (var county in counties)
        {
            published.Add(await PublishCountyAsync(dataSource, outbox, county, month, actor, cancellationToken));
        }

        return published;
    }

    private const string Columns = "id, county_code, month, version, allocated_fen, spent_fen, rate, villages::text AS villages, published_by, published_at";

    private static async Task<ExecutionRatePublicationView> PublishCountyAsync(NpgsqlDataSource dataSource, OutboxWriter outbox, string county, DateOnly month,
        string actor, CancellationToken cancellationToken)
    {
        var text = Text(month);
        var until = ChinaTime.StartOfDay(month.AddMonths(1));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Publishers of one county's month queue here, so two at once cannot both write the same version or both publish.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key = $"execution-rate:{county}:{text}" },
            transaction, cancellationToken: cancellationToken));
        var lines = await ExecutionRate.LinesAsync(connection, transaction, month.Year, RegionScope.Parse(county), until, "village", cancellationToken);
        var villages = lines.GroupBy(l => l.RegionCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ExecutionRateFigure(g.Key, g.Sum(l => l.AllocatedFen), g.Sum(l => l.SpentFen), ExecutionRate.Rate(g.Sum(l => l.AllocatedFen), g.Sum(l => l.SpentFen))))
            .ToList();
        var allocated = villages.Sum(v => v.AllocatedFen);
        var spent = villages.Sum(v => v.SpentFen);
        var figures = JsonSerializer.Serialize(villages, OutboxWriter.SerializerOptions);
        var fingerprint = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { allocated, spent, figures })));

        var latest = await connection.QuerySingleOrDefaultAsync<(int Version, string Fingerprint, Guid Id)>(new CommandDefinition(
            "SELECT version, fingerprint, id FROM execution_rate_publications WHERE county_code = @county AND month = @text ORDER BY version DESC LIMIT 1",
            new { county, text }, transaction, cancellationToken: cancellationToken));
        if (latest.Fingerprint == fingerprint)
        {
            var kept = await connection.QuerySingleAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM execution_rate_publications WHERE id = @Id", new { latest.Id },
                transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return kept.ToView(false);
        }

        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(
            $"""
            INSERT INTO execution_rate_publications (id, county_code, month, version, fingerprint, allocated_fen, spent_fen, rate, villages, published_by)
            VALUES (@id, @county, @text, @version, @fingerprint, @allocated, @spent, @rate, CAST(@figures AS jsonb), @actor)
            RETURNING {Columns}
            """, new
            {
                id = Guid.CreateVersion7(), county, text, version = latest.Version + 1, fingerprint, allocated, spent, rate = ExecutionRate.Rate(allocated, spent), figures,
                actor,
            }, transaction, cancellationToken: cancellationToken));
        var view = row.ToView(true);
        await outbox.EnqueueAsync(transaction, new ExecutionRatePublished(view.Id, county, text, view.Version, allocated, spent, view.Rate, villages, actor,
            view.PublishedAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return view;
    }

    /// <summary>A month as yyyy-MM, from 2000 to the current one (China time): a month not yet begun has nothing to publish.</summary>
    private static DateOnly ParseMonth(string? month, DateOnly today, string code)
    {
        if (DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) && first.Year >= 2000
            && first <= today)
        {
            return first;
        }

        throw ApiProblems.Invalid(code, code == "invalid_query" ? "查询参数无效" : "发布请求无效",
            [new FieldError("month", "invalid_month", "month 须为 yyyy-MM 格式，自2000年至本月")]).ToException();
    }

    private static string Text(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private sealed record Row(Guid Id, string CountyCode, string Month, int Version, long AllocatedFen, long SpentFen, decimal? Rate, string Villages, string PublishedBy,
        DateTime PublishedAt)
    {
        public ExecutionRatePublicationView ToView(bool published) => new(Id, CountyCode, Month, Version, AllocatedFen, SpentFen, Rate,
            JsonSerializer.Deserialize<List<ExecutionRateFigure>>(Villages, OutboxWriter.SerializerOptions)!, PublishedBy,
            new DateTimeOffset(DateTime.SpecifyKind(PublishedAt, DateTimeKind.Utc)), published);
    }
}
