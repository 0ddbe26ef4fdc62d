using System.Text;
using Platform.Data.Import;

namespace Platform.UnitTests;

public class CsvImportReaderTests
{
    private static readonly string[] Columns = ["编码", "名称", "人数"];

    private static async Task<(CsvImportReader Reader, List<CsvRow> Rows)> ReadAsync(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new CsvImportReader();
        var rows = new List<CsvRow>();
        await foreach (var row in reader.ReadAsync(new MemoryStream(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes), Columns, CancellationToken.None))
        {
            rows.Add(row);
        }

        return (reader, rows);
    }

    [Fact]
    public async Task Columns_come_in_any_order_and_fields_are_found_by_name()
    {
        var (reader, rows) = await ReadAsync("人数,编码,名称\n12,A1,一号\n");
        rows.ShouldHaveSingleItem();
        reader.Field(rows[0], "名称").ShouldBe("一号");
        reader.Field(rows[0], "人数").ShouldBe("12");
        rows[0].Line.ShouldBe(2);
    }

    [Fact]
    public async Task A_bom_quoted_commas_and_blank_lines_are_handled_with_physical_line_numbers()
    {
        var (reader, rows) = await ReadAsync("编码,名称,人数\n\nA1,\"一号, 东\",3\n\"A2\",\"二\n号\",4\nA3,三,5\n", bom: true);
        reader.ErrorCount.ShouldBe(0);
        rows.Select(r => reader.Field(r, "编码")).ShouldBe(["A1", "A2", "A3"]);
        reader.Field(rows[0], "名称").ShouldBe("一号, 东");
        rows[2].Line.ShouldBe(6); // the quoted line break in row A2 takes two physical lines
        reader.Rows.ShouldBe(3);
    }

    [Fact]
    public async Task Missing_and_duplicate_columns_stop_before_any_row()
    {
        var (reader, rows) = await ReadAsync("编码,名称,名称\nA1,x,y\n");
        rows.ShouldBeEmpty();
        reader.Errors.ShouldContain(e => e.Code == "duplicate_column" && e.Field == "名称");
        reader.Errors.ShouldContain(e => e.Code == "missing_column" && e.Field == "人数");
    }

    [Fact]
    public async Task An_empty_file_is_an_error()
    {
        var (reader, _) = await ReadAsync("");
        reader.Errors.ShouldHaveSingleItem().Code.ShouldBe("empty_file");
    }

    [Fact]
    public async Task Errors_beyond_the_cap_are_counted_not_kept()
    {
        var reader = new CsvImportReader();
        for (var i = 0; i < CsvImportReader.MaxReportedErrors + 5; i++)
        {
            reader.AddError(new Platform.ServiceDefaults.FieldError("x", "bad", "bad", i));
        }

        reader.ErrorCount.ShouldBe(CsvImportReader.MaxReportedErrors + 5);
        reader.Errors.Count.ShouldBe(CsvImportReader.MaxReportedErrors);
    }
}
