using Dapper;
using Funds.Api.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Funds.Api.Features.Allocations;

public sealed record AllocationChangeLineView(int LineNo, Guid AccountId, string HolderKind, string HolderId, string HolderName, string VillageCode,
    string StandardItem, long TargetFen, long PreviousFen, long BookedFen, long ShortfallFen, Guid? EntryId, string Explanation);

public sealed record AllocationChangeView(Guid Id, string Cause, Guid CauseEventId, string CountyCode, string VillageCode, int Year, string Programme,
    long BookedFen, long ReturnedFen, long ShortfallFen, string Summary, string RecordedBy, DateTimeOffset RecordedAt, IReadOnlyList<AllocationChangeLineView> Lines);

public sealed record AllocationChangePage(IReadOnlyList<AllocationChangeView> Items, Guid? Next);

/// <summary>The recomputations dispatch's events caused (重算记录), newest last, each with its explained lines; in the caller's scope.</summary>
public static class AllocationChanges
{
    public static async Task<Ok<AllocationChangePage>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        string? prefix = null, int? year = null, string? programme = null, Guid? after = null, int limit = 50)
    {
        var region = scope.NarrowOrDeny(prefix);
        var errors = new List<FieldError>();
        if (programme is not null)
        {
            FundsRequests.CheckProgramme(programme, errors);
        }

        if (limit is < 1 or > 200)
        {
            errors.Add(new FieldError("limit", "invalid_limit", "limit 须在1到200之间"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var changes = (await connection.QueryAsync<ChangeRow>(new CommandDefinition(
            """
            SELECT id, cause, cause_event_id, county_code, village_code, year, programme, booked_fen, returned_fen, shortfall_fen, summary, recorded_by, recorded_at
            FROM allocation_changes
            WHERE village_code >= @From AND village_code < @To AND (@year::int IS NULL OR year = @year) AND (@programme::text IS NULL OR programme = @programme)
              AND (@after::uuid IS NULL OR id > @after)
            ORDER BY id LIMIT @take
            """, new { region.From, region.To, year, programme, after, take = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = changes.Take(limit).ToList();
        var ids = page.Select(c => c.Id).ToArray();
        var lines = (await connection.QueryAsync<LineRow>(new CommandDefinition(
            """
            SELECT change_id, line_no, account_id, holder_kind, holder_id, holder_name, village_code, standard_item, target_fen, previous_fen, booked_fen, shortfall_fen,
                   entry_id, explanation
            FROM allocation_change_lines WHERE change_id = ANY(@ids) ORDER BY change_id, line_no
            """, new { ids }, cancellationToken: cancellationToken))).ToLookup(l => l.ChangeId);
        var items = page.Select(c => new AllocationChangeView(c.Id, c.Cause, c.CauseEventId, c.CountyCode, c.VillageCode, c.Year, c.Programme, c.BookedFen,
            c.ReturnedFen, c.ShortfallFen, c.Summary, c.RecordedBy, new DateTimeOffset(DateTime.SpecifyKind(c.RecordedAt, DateTimeKind.Utc)),
            lines[c.Id].Select(l => new AllocationChangeLineView(l.LineNo, l.AccountId, l.HolderKind, l.HolderId, l.HolderName, l.VillageCode, l.StandardItem,
                l.TargetFen, l.PreviousFen, l.BookedFen, l.ShortfallFen, l.EntryId, l.Explanation)).ToList())).ToList();
        return TypedResults.Ok(new AllocationChangePage(items, changes.Count > limit ? page[^1].Id : null));
    }

    private sealed record ChangeRow(Guid Id, string Cause, Guid CauseEventId, string CountyCode, string VillageCode, int Year, string Programme, long BookedFen,
        long ReturnedFen, long ShortfallFen, string Summary, string RecordedBy, DateTime RecordedAt);

    private sealed record LineRow(Guid ChangeId, int LineNo, Guid AccountId, string HolderKind, string HolderId, string HolderName, string VillageCode,
        string StandardItem, long TargetFen, long PreviousFen, long BookedFen, long ShortfallFen, Guid? EntryId, string Explanation);
}
