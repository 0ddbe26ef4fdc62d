using MiniExcelLibs;
using Microsoft.JSInterop;

namespace Platform.Web.Components.Shared;

/// <summary>Exports rows to an .xlsx workbook with Chinese headers (MiniExcel) and hands it to the browser.</summary>
public sealed class ExcelExport(IJSRuntime js)
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The workbook: one sheet, the headers in order, one line per row.</summary>
    public static byte[] Workbook<T>(IEnumerable<T> rows, IReadOnlyList<ExportColumn<T>> columns)
    {
        var lines = rows.Select(row =>
        {
            var line = new Dictionary<string, object?>(columns.Count);
            foreach (var column in columns)
            {
                line[column.Header] = column.Value(row);
            }

            return line;
        }).ToList();
        using var stream = new MemoryStream();
        if (lines.Count == 0)
        {
            // Dictionaries tell MiniExcel the headers only through a first row: an empty export writes a table of headers.
            using var empty = new System.Data.DataTable();
            foreach (var column in columns)
            {
                empty.Columns.Add(column.Header, typeof(string));
            }

            stream.SaveAs(empty);
        }
        else
        {
            stream.SaveAs(lines);
        }

        return stream.ToArray();
    }

    public async Task DownloadAsync<T>(string fileName, IEnumerable<T> rows, IReadOnlyList<ExportColumn<T>> columns)
    {
        var bytes = Workbook(rows, columns);
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/console.js");
        using var content = new DotNetStreamReference(new MemoryStream(bytes));
        await module.InvokeVoidAsync("downloadFile", fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? fileName : fileName + ".xlsx", ContentType, content);
    }
}
