using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Platform.ServiceDefaults;

namespace Platform.Data.Import;

/// <summary>One data row of an imported file with its physical line number (the header is line 1).</summary>
public readonly record struct CsvRow(long Line, string[] Fields);

/// <summary>
/// The shared discipline of every CSV import (regions, units, cadres, households): UTF-8 with or without BOM,
/// RFC 4180, Chinese headers in any order, streamed row by row, every error with its line, at most
/// <see cref="MaxReportedErrors"/> errors reported while all are counted. Every field of every row keeps the platform's
/// input rules (<see cref="InputRules"/>): no control characters, no bytes that are not UTF-8 (a GBK file, say: they
/// decode to U+FFFD), at most <see cref="MaxFieldLength"/> characters; a row that breaks them is an error at its line
/// and column and is not handed to the import.
/// </summary>
public sealed class CsvImportReader
{
    public const int MaxReportedErrors = 1000;

    /// <summary>The longest field of any imported file (names, addresses and lists of skills are far shorter).</summary>
    public const int MaxFieldLength = 1000;

    private string[] headerNames = [];

    private readonly List<FieldError> errors = [];
    private Dictionary<string, int> columns = new(StringComparer.Ordinal);

    /// <summary>Errors found so far (the first <see cref="MaxReportedErrors"/>).</summary>
    public IReadOnlyList<FieldError> Errors => errors;

    public int ErrorCount { get; private set; }

    public int Rows { get; private set; }

    public void AddError(FieldError error)
    {
        ErrorCount++;
        if (errors.Count < MaxReportedErrors)
        {
            errors.Add(error);
        }
    }

    /// <summary>
    /// Reads the file into a staging table by binary COPY (<paramref name="copyCommand"/>, <c>COPY t (...) FROM STDIN (FORMAT
    /// BINARY)</c>): each row is parsed (its errors recorded with its line) and, while the file has no error, written by
    /// <paramref name="stage"/>; every <paramref name="progressEvery"/> rows <paramref name="progress"/> is told. The COPY is
    /// completed only for a file without errors; otherwise false, the staging table is left empty and the caller rejects
    /// the file with <see cref="Errors"/>. The imports of assignments, cadres and the like share this loop.
    /// </summary>
    public async Task<bool> StageAsync<T>(
        Npgsql.NpgsqlConnection connection, string copyCommand, Stream body, IReadOnlyCollection<string> expectedColumns,
        Func<Func<string, string>, long, List<FieldError>, T?> parse, Func<Npgsql.NpgsqlBinaryImporter, T, CancellationToken, Task> stage,
        int progressEvery, Action<int, int> progress, CancellationToken cancellationToken)
        where T : class
    {
        await using var importer = await connection.BeginBinaryImportAsync(copyCommand, cancellationToken);
        await foreach (var row in ReadAsync(body, expectedColumns, cancellationToken))
        {
            var rowErrors = new List<FieldError>();
            var parsed = parse(column => Field(row, column), row.Line, rowErrors);
            rowErrors.ForEach(AddError);
            if (parsed is not null && ErrorCount == 0)
            {
                await stage(importer, parsed, cancellationToken);
            }

            if (Rows % progressEvery == 0)
            {
                progress(Rows, ErrorCount);
            }
        }

        if (ErrorCount > 0)
        {
            return false; // disposed without CompleteAsync: the COPY is cancelled and nothing is staged
        }

        await importer.CompleteAsync(cancellationToken);
        return true;
    }

    /// <summary>The trimmed value of <paramref name="column"/> in <paramref name="row"/>, empty when absent.</summary>
    public string Field(CsvRow row, string column) =>
        columns.TryGetValue(column, out var i) && i < row.Fields.Length ? row.Fields[i].Trim() : string.Empty;

    /// <summary>
    /// Yields the data rows after checking the header against <paramref name="expectedColumns"/>. A missing or
    /// duplicated column, an empty file or a malformed quote is recorded as an error; with a bad header no row is read.
    /// </summary>
    public async IAsyncEnumerable<CsvRow> ReadAsync(Stream body, IReadOnlyCollection<string> expectedColumns, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        long? badLine = null;
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Mode = CsvMode.RFC4180,
            BadDataFound = args => badLine = args.Context.Parser?.RawRow,
        });

        if (!await parser.ReadAsync())
        {
            AddError(new FieldError("(file)", "empty_file", "文件为空", 1));
            yield break;
        }

        if (!MapHeader(parser.Record ?? [], expectedColumns))
        {
            yield break;
        }

        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = parser.Record ?? [];
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue; // a blank line
            }

            Rows++;
            if (badLine is { } line)
            {
                AddError(new FieldError("(row)", "malformed_csv", "CSV 格式错误（引号不匹配）", line));
                badLine = null;
                continue;
            }

            if (!FieldsKeepTheRules(record, parser.RawRow))
            {
                continue;
            }

            yield return new CsvRow(parser.RawRow, record);
        }
    }

    private bool FieldsKeepTheRules(string[] record, long line)
    {
        var kept = true;
        for (var i = 0; i < record.Length; i++)
        {
            if (InputRules.CheckText(record[i], MaxFieldLength) is { } broken)
            {
                var column = i < headerNames.Length ? headerNames[i] : $"(第{i + 1}列)";
                AddError(new FieldError(column, broken.Code, $"第{line}行第{i + 1}列“{column}”{broken.Message}", line));
                kept = false;
            }
        }

        return kept;
    }

    private bool MapHeader(IReadOnlyList<string> header, IReadOnlyCollection<string> expected)
    {
        headerNames = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        var before = ErrorCount;
        columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF');
            if (!columns.TryAdd(name, i) && expected.Contains(name))
            {
                AddError(new FieldError(name, "duplicate_column", $"列“{name}”重复", 1));
            }
        }

        foreach (var missing in expected.Where(h => !columns.ContainsKey(h)))
        {
            AddError(new FieldError(missing, "missing_column", $"缺少列“{missing}”", 1));
        }

        return ErrorCount == before;
    }
}
