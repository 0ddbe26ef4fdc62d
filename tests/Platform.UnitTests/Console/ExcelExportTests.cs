extern alias console;

using MiniExcelLibs;
using console::Platform.Web.Components.Shared;

namespace Platform.UnitTests.Console;

/// <summary>An export opens in Excel with the page's Chinese headers, in order, and exactly the rows given.</summary>
public sealed class ExcelExportTests
{
    private sealed record Village(string Code, string Name, int Gaps);

    private static readonly IReadOnlyList<ExportColumn<Village>> Columns =
        [new("村代码", v => v.Code), new("村名", v => v.Name), new("缺口", v => v.Gaps)];

    [Fact]
    public void The_workbook_has_the_headers_and_one_line_per_row()
    {
        var bytes = ExcelExport.Workbook([new Village("511702104201", "青杠村", 1), new Village("511702104202", "白鹤村", 0)], Columns);

        using var stream = new MemoryStream(bytes);
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        rows.Count.ShouldBe(2);
        rows[0].Keys.ShouldBe(["村代码", "村名", "缺口"]);
        rows[0]["村代码"].ToString().ShouldBe("511702104201");
        rows[0]["村名"].ShouldBe("青杠村");
        Convert.ToInt32(rows[1]["缺口"], System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);
    }

    [Fact]
    public void An_empty_table_exports_its_headers_and_no_rows()
    {
        var bytes = ExcelExport.Workbook([], Columns);

        using var stream = new MemoryStream(bytes);
        stream.Query(useHeaderRow: false).Cast<IDictionary<string, object>>().Select(r => r.Values.Select(v => v?.ToString()).ToList()).ToList()
            .ShouldBe([["村代码", "村名", "缺口"]]);
    }
}
