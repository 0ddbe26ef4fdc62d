using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using MiniExcelLibs;

namespace Platform.ServiceDefaults;

/// <summary>
/// A table as CSV (UTF-8 with a BOM, so that Excel opens the Chinese text as UTF-8) or as an Excel workbook, with Chinese
/// headers: the services' exports (assessment's rankings and register, funds' village statements).
/// </summary>
public static class TableExport
{
    public const string ExcelType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static async Task<FileContentHttpResult> CsvAsync(IReadOnlyList<string> headers, IEnumerable<IReadOnlyDictionary<string, object>> rows, string fileName)
    {
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        await using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var header in headers)
            {
                csv.WriteField(header);
            }

            await csv.NextRecordAsync();
            foreach (var row in rows)
            {
                foreach (var header in headers)
                {
                    csv.WriteField(row[header]);
                }

                await csv.NextRecordAsync();
            }
        }

        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", fileName);
    }

    public static async Task<FileContentHttpResult> ExcelAsync(IEnumerable<IReadOnlyDictionary<string, object>> rows, string sheetName, string fileName,
        CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await stream.SaveAsAsync(rows.Select(r => r.ToDictionary(p => p.Key, p => p.Value)).ToList(), sheetName: sheetName, cancellationToken: cancellationToken);
        return TypedResults.File(stream.ToArray(), ExcelType, fileName);
    }
}
