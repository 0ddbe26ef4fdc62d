using System.Globalization;
using Assessment.Api.Domain;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Assessment.Api.Features.Accountability;

/// <summary>A page of entries; <see cref="Next"/> (the last id) is passed as <c>after</c> for the following page, null at the end.</summary>
public sealed record EntryPage(IReadOnlyList<AccountabilityEntryView> Items, Guid? Next);

/// <summary>The register's filters: a region prefix within the caller's scope, a subject, a kind, a year (of the China date recorded).</summary>
public sealed record EntryFilter(string? Prefix, string? SubjectKind, string? SubjectId, string? Kind, int? Year);

/// <summary>
/// Reading the register (问责台账): entries under a prefix of the caller's scope (a wider prefix is narrowed, a disjoint one
/// refused), filtered by subject, kind and year, in the order they were recorded; one entry (outside the scope: missing);
/// the register as CSV or Excel with Chinese headers. A withdrawn entry stays, with the withdrawal that withdrew it.
/// </summary>
public static class RegisterQueries
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    /// <summary>An export holds at most this many entries (narrow the prefix, subject or year for more).</summary>
    public const int MaxExport = 100_000;

    private const string Select =
        """
        SELECT e.id, e.kind, e.subject_kind, e.subject_id, e.subject_name, e.region_code, e.reason, to_jsonb(e.evidence)::text AS evidence, e.decided_by, e.decided_on, e.recorded_at,
               e.source, e.cause_key, e.proposal_id, e.withdraws_id, e.conduct_rule, w.id AS withdrawn_by
        FROM accountability_entries e LEFT JOIN accountability_entries w ON w.withdraws_id = e.id
        """;

    public static async Task<Ok<EntryPage>> ListAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null,
        string? subjectKind = null, string? subjectId = null, string? kind = null, int? year = null, Guid? after = null, int? limit = null) =>
        TypedResults.Ok(await ListCoreAsync(dataSource, scope, new EntryFilter(prefix, subjectKind, subjectId, kind, year), after, limit, cancellationToken));

    public static async Task<EntryPage> ListCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, EntryFilter filter, Guid? after, int? limit,
        CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", [new FieldError("limit", "out_of_range", $"limit 须为1至{MaxLimit}")]).ToException();
        }

        var take = limit ?? DefaultLimit;
        var rows = await QueryAsync(dataSource, scope, filter, after, take + 1, cancellationToken);
        var items = rows.Take(take).ToList();
        return new EntryPage(items, rows.Count > take ? items[^1].Id : null);
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "accountability_entry_not_found")]
    public static async Task<Ok<AccountabilityEntryView>> GetAsync(Guid id, RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        TypedResults.Ok(await GetCoreAsync(dataSource, scope, id, cancellationToken));

    public static async Task<AccountabilityEntryView> GetCoreAsync(NpgsqlDataSource dataSource, RegionScope scope, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, scope, id, cancellationToken) ?? throw NotFound();
    }

    internal static ProblemException NotFound() =>
        ApiProblems.NotFound("accountability_entry_not_found", "未找到问责记录").ToException("未找到该问责记录");

    /// <summary>One entry within the scope, null when missing or outside it.</summary>
    internal static async Task<AccountabilityEntryView?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RegionScope scope, Guid id,
        CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<EntryRow>(new CommandDefinition(
            $"{Select} WHERE e.id = @id AND e.region_code >= @From AND e.region_code < @To", new { id, scope.From, scope.To }, transaction,
            cancellationToken: cancellationToken));
        return row?.ToView();
    }

    public static async Task<FileContentHttpResult> CsvAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null,
        string? subjectKind = null, string? subjectId = null, string? kind = null, int? year = null)
    {
        var entries = await QueryAsync(dataSource, scope, new EntryFilter(prefix, subjectKind, subjectId, kind, year), null, MaxExport, cancellationToken);
        return await TableExport.CsvAsync(Headers, Rows(entries), "accountability-register.csv");
    }

    public static async Task<FileContentHttpResult> ExcelAsync(RegionScope scope, NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? prefix = null,
        string? subjectKind = null, string? subjectId = null, string? kind = null, int? year = null)
    {
        var entries = await QueryAsync(dataSource, scope, new EntryFilter(prefix, subjectKind, subjectId, kind, year), null, MaxExport, cancellationToken);
        return await TableExport.ExcelAsync(Rows(entries), "问责台账", "accountability-register.xlsx", cancellationToken);
    }

    private static async Task<List<AccountabilityEntryView>> QueryAsync(NpgsqlDataSource dataSource, RegionScope scope, EntryFilter filter, Guid? after, int take,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (filter.SubjectKind is not null && !AccountabilitySubjectKinds.IsKnown(filter.SubjectKind))
        {
            errors.Add(new FieldError("subjectKind", "unknown_subject_kind", $"subjectKind 须为 {string.Join("、", AccountabilitySubjectKinds.All)} 之一"));
        }

        if (filter.Kind is not null && !AccountabilityKinds.IsKnown(filter.Kind))
        {
            errors.Add(new FieldError("kind", "unknown_kind", $"kind 须为 {string.Join("、", AccountabilityKinds.All)} 之一"));
        }

        if (filter.Year is < 2000 or > 2100)
        {
            errors.Add(new FieldError("year", "invalid_year", "year 须为2000至2100"));
        }

        if (errors.Count > 0)
        {
            throw ApiProblems.Invalid("invalid_query", "查询参数无效", errors).ToException();
        }

        var region = scope.NarrowOrDeny(filter.Prefix);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EntryRow>(new CommandDefinition(
            $"""
            {Select}
            WHERE e.region_code >= @From AND e.region_code < @To
              AND (CAST(@SubjectKind AS text) IS NULL OR e.subject_kind = @SubjectKind)
              AND (CAST(@SubjectId AS text) IS NULL OR e.subject_id = @SubjectId)
              AND (CAST(@Kind AS text) IS NULL OR e.kind = @Kind)
              AND (CAST(@year AS integer) IS NULL OR (e.decided_on >= make_date(@year, 1, 1) AND e.decided_on < make_date(@year + 1, 1, 1)))
              AND (CAST(@after AS uuid) IS NULL OR e.id > @after)
            ORDER BY e.id
            LIMIT @take
            """,
            new
            {
                region.From, region.To, filter.SubjectKind, filter.SubjectId, filter.Kind, after, take, year = filter.Year,
            }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    private static readonly string[] Headers =
        ["记录编号", "类别", "问责对象类别", "问责对象编码", "问责对象名称", "所属区划", "事由", "佐证材料", "决定人", "决定日期", "来源", "违反条款", "撤销记录", "状态"];

    private static IEnumerable<IReadOnlyDictionary<string, object>> Rows(IEnumerable<AccountabilityEntryView> entries) => entries.Select(e => new Dictionary<string, object>
    {
        [Headers[0]] = e.Id.ToString(),
        [Headers[1]] = AccountabilityKinds.Name(e.Kind),
        [Headers[2]] = AccountabilitySubjectKinds.Name(e.SubjectKind),
        [Headers[3]] = e.SubjectId,
        [Headers[4]] = e.SubjectName,
        [Headers[5]] = e.RegionCode,
        [Headers[6]] = e.Reason,
        [Headers[7]] = string.Join("；", e.Evidence),
        [Headers[8]] = e.DecidedBy,
        [Headers[9]] = e.DecidedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        [Headers[10]] = e.Source == AccountabilityRules.Manual ? "手工录入" : $"规则：{e.Source}",
        [Headers[11]] = e.ConductRule ?? string.Empty,
        [Headers[12]] = e.WithdrawsId?.ToString() ?? string.Empty,
        [Headers[13]] = e.WithdrawnBy is { } w ? $"已撤销（{w}）" : "有效",
    });

    private sealed record EntryRow(Guid Id, string Kind, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Reason, string Evidence,
        string DecidedBy, DateOnly DecidedOn, DateTime RecordedAt, string Source, string? CauseKey, Guid? ProposalId, Guid? WithdrawsId, string? ConductRule,
        Guid? WithdrawnBy)
    {
        // The evidence list comes as JSON: Dapper does not map a text[] column to a record's constructor.
        public AccountabilityEntryView ToView() => new(Id, Kind, SubjectKind, SubjectId, SubjectName, RegionCode, Reason,
            System.Text.Json.JsonSerializer.Deserialize<string[]>(Evidence) ?? [], DecidedBy, DecidedOn, AccountabilityRegister.Utc(RecordedAt), Source, CauseKey, ProposalId, WithdrawsId, ConductRule, WithdrawnBy);
    }
}
