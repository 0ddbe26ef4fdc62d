using System.Net.Http.Json;
using System.Text.Json;
using MiniExcelLibs;
using Microsoft.Playwright;
using Platform.Security;

namespace Platform.IntegrationTests.Console;

/// <summary>Every table exports to Excel: the villages table's workbook has the rows and the Chinese headers the page shows.</summary>
[Collection(ConsoleStack.Collection)]
public sealed class ExportTests(ConsoleStack stack)
{
    [Fact]
    public async Task The_villages_table_downloads_as_an_Excel_workbook_with_the_rows_and_headers_shown()
    {
        await using var session = await stack.SignInAsync(ConsoleStack.CountyOfficial);
        var page = session.Page;
        using var county = stack.Api(await stack.TokenAsync(Roles.County, "511702"));
        var villages = (await county.GetFromJsonAsync<JsonElement>("/api/dispatch/villages")).GetProperty("items").EnumerateArray()
            .Select(v => v.GetProperty("name").GetString()!).ToList();
        villages.Count.ShouldBeGreaterThan(0);

        var rows = page.Locator("tbody tr.ant-table-row");
        await session.StepAsync("the table", async () =>
        {
            await session.GotoAsync("/villages");
            await Assertions.Expect(rows).ToHaveCountAsync(villages.Count);
        });
        var headers = (await page.Locator("thead th").AllInnerTextsAsync()).Select(h => h.Trim()).Where(h => h.Length > 0).ToList();
        var shown = (await rows.AllAsync()).Select(async row => (await row.Locator("td").AllInnerTextsAsync()).Select(t => t.Trim()).ToList()).ToList();
        var cells = (await Task.WhenAll(shown)).ToList();
        headers.ShouldContain("村名");
        headers.ShouldContain("六个一");

        var path = Path.Combine(Path.GetTempPath(), $"villages-{Guid.NewGuid():N}.xlsx");
        await session.StepAsync("the download", async () =>
        {
            var download = await page.RunAndWaitForDownloadAsync(() =>
                page.GetByRole(AriaRole.Button, new() { Name = "导出 Excel：村列表" }).ClickAsync());
            download.SuggestedFilename.ShouldBe("村列表.xlsx");
            await download.SaveAsAsync(path);
        });

        try
        {
            MiniExcel.GetColumns(path, useHeaderRow: true).ShouldBe(headers);
            var sheet = MiniExcel.Query(path, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            sheet.Count.ShouldBe(cells.Count);
            for (var i = 0; i < sheet.Count; i++)
            {
                // Each workbook line is the table's row, column for column.
                headers.Select(h => Convert.ToString(sheet[i][h], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ShouldBe(cells[i]);
            }

            sheet.Select(r => (string)r["村名"]!).ShouldBe(villages, ignoreOrder: true);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
