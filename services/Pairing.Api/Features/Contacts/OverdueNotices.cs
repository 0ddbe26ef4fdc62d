using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Pairing.V1;
using Platform.Data.Outbox;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Pairing.Api.Features.Contacts;

public sealed record NoticeResult(string Month, int Published, int AlreadyPublished);

/// <summary>
/// HouseholdContactOverdue, once per household and period, for the households that missed a month's contact or
/// two-monthly visit (每月联系、两月走访, domain.md §4): by hand (REST, for the caller's scope) and by the monthly
/// <see cref="OverdueNoticeJob"/> (the whole province).
/// A province has about 2 million households, about half of them overdue in a bad month: the work goes county by county,
/// each county in its own transaction with one statement that writes its notices and one that writes their outbox rows.
/// A run stopped half way keeps the counties it finished; the next run finds them published (the notice's key) and
/// does the rest, so a run can always be repeated.
/// </summary>
public static class OverdueNotices
{
    /// <summary>REST: <c>POST /api/pairing/compliance/{month}/overdue-notices</c>; safe to repeat.</summary>
    public static async Task<Results<Ok<NoticeResult>, ProblemHttpResult>> HandleAsync(
        string month, RegionScope scope, NpgsqlDataSource dataSource, OutboxWriter outbox, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (ContactRecords.ParseMonth(month) is not { } start)
        {
            return ApiProblems.Invalid("invalid_query", "参数无效", [new FieldError("month", "invalid_month", "month 应为 yyyy-MM")]);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await PublishAsync(connection, outbox, scope, start, loggers.CreateLogger(typeof(OverdueNotices)), cancellationToken));
    }

    /// <summary>
    /// Publishes the notices of <paramref name="scope"/> for the month starting <paramref name="start"/>, one county per
    /// transaction on <paramref name="connection"/> (which must have none open), logging each county's progress.
    /// </summary>
    internal static async Task<NoticeResult> PublishAsync(NpgsqlConnection connection, OutboxWriter outbox, RegionScope scope, DateOnly start, ILogger logger,
        CancellationToken cancellationToken)
    {
        var period = ContactRecords.Format(start);
        var counties = await CountiesAsync(connection, scope, cancellationToken);
        var published = 0;
        var already = 0;
        for (var i = 0; i < counties.Count; i++)
        {
            var (countyPublished, countyAlready) = await PublishCountyAsync(connection, outbox, counties[i], start, period, cancellationToken);
            published += countyPublished;
            already += countyAlready;
            logger.LogInformation("Overdue notices for {Period}: {Region} done ({Done}/{Counties}), {Published} published, {Already} already out",
                period, counties[i].Prefix, i + 1, counties.Count, countyPublished, countyAlready);
        }

        return new NoticeResult(period, published, already);
    }

    /// <summary>
    /// The parts the scope is published in: each county under it that has households (from the kept village counts,
    /// tens of thousands of rows), or the scope itself when it is a county or narrower.
    /// </summary>
    private static async Task<IReadOnlyList<RegionScope>> CountiesAsync(NpgsqlConnection connection, RegionScope scope, CancellationToken cancellationToken)
    {
        if (scope.Prefix.Length >= RegionGrouping.County.PrefixLength)
        {
            return [scope];
        }

        var counties = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT substr(village_code, 1, @length) FROM village_helper_counts
            WHERE village_code >= @From AND village_code < @To AND households > 0 ORDER BY 1
            """, new { length = RegionGrouping.County.PrefixLength, scope.From, scope.To }, cancellationToken: cancellationToken));
        return counties.Select(RegionScope.Parse).ToList();
    }

    /// <summary>
    /// One county's notices in one transaction: the overdue households are worked out and their notices inserted by one
    /// statement (a household already notified for the period is skipped by the key, also when another run is inserting
    /// it at the same moment), then the outbox rows of the new ones in batches.
    /// </summary>
    private static async Task<(int Published, int Already)> PublishCountyAsync(NpgsqlConnection connection, OutboxWriter outbox, RegionScope county,
        DateOnly start, string period, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OverdueRow>(new CommandDefinition(
            $"""
            WITH status AS MATERIALIZED ({ContactRecords.StatusSql}),
            overdue AS MATERIALIZED (SELECT * FROM status WHERE missing_contact OR missing_visit),
            inserted AS (
                INSERT INTO overdue_notices (household_id, period)
                SELECT household_id, @period FROM overdue ORDER BY household_id
                ON CONFLICT DO NOTHING
                RETURNING household_id)
            SELECT o.household_id, o.village_code, o.helper_cadre_id, o.unit_code, o.missing_contact, o.missing_visit, i.household_id IS NOT NULL AS published
            FROM overdue o LEFT JOIN inserted i USING (household_id)
            ORDER BY o.village_code, o.household_id
            """, new { county.From, county.To, start, end = start.AddMonths(1).AddDays(-1), previous = start.AddMonths(-1), period }, transaction,
            cancellationToken: cancellationToken))).ToList();
        var events = rows.Where(r => r.Published)
            .Select(r => new HouseholdContactOverdue(r.HouseholdId, r.VillageCode, r.HelperCadreId, r.UnitCode, period, r.MissingContact, r.MissingVisit))
            .ToList();
        await outbox.EnqueueManyAsync(transaction, events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (events.Count, rows.Count - events.Count);
    }

    private sealed record OverdueRow(Guid HouseholdId, string VillageCode, Guid? HelperCadreId, string? UnitCode, bool MissingContact, bool MissingVisit,
        bool Published);
}
