using System.Text;
using Platform.Cli.DemoData;

namespace Platform.Cli.Tests.DemoData;

public sealed class ForcesCsvWriterTests(ForcesPlanFixture plans) : IClassFixture<ForcesPlanFixture>
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void Writes_the_unit_file_with_dispatchs_header()
    {
        var bytes = ForcesCsvWriter.UnitsFile(plans.County.Units);
        var lines = Lines(bytes);

        lines[0].ShouldBe("单位编码,单位名称,层级,所在区划,负责人,编制人数");
        lines.Count.ShouldBe(plans.County.Units.Count + 1);
        lines.Skip(1).ShouldAllBe(l => l.Split(',').Length == 6);
        lines.Skip(1).Select(l => l.Split(',')[2]).Distinct().Order().ShouldBe(["乡", "县", "市", "省"], ignoreOrder: true);
    }

    [Fact]
    public void Writes_the_cadre_file_with_dispatchs_header()
    {
        var bytes = ForcesCsvWriter.CadresFile(plans.County.Cadres);
        var lines = Lines(bytes);

        lines[0].ShouldBe("身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿");
        lines.Count.ShouldBe(plans.County.Cadres.Count + 1);
        var fields = lines.Skip(1).Select(l => l.Split(',')).ToList();
        fields.ShouldAllBe(f => f.Length == 9);
        fields.ShouldAllBe(f => f[6] == "是" || f[6] == "否");
        fields.Where(f => f[7].Length > 0).ShouldAllBe(f => System.Text.RegularExpressions.Regex.IsMatch(f[7], @"^\d{4}-\d{2}-\d{2}$"));
        fields.ShouldContain(f => f[5].Contains(';'));
        fields.ShouldContain(f => f[2].Length == 0);
    }

    [Fact]
    public void Writes_one_cadre_row_exactly()
    {
        using var writer = new StringWriter();
        ForcesCsvWriter.WriteCadres(writer,
        [
            new CadreRecord("51170219850312441X", "王芳", null, "U-511702-005", "副科级", ["产业发展", "党建"], false, new DateOnly(2025, 6, 1), "愿意", CadreRole.Reserve),
            new CadreRecord("511702199001011234", "李强", "13812345678", "U-511702-T104", "科员", [], true, null, "服从安排", CadreRole.Technician),
        ]);

        writer.ToString().ShouldBe(
            "身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿\n"
            + "51170219850312441X,王芳,,U-511702-005,副科级,产业发展;党建,否,2025-06-01,愿意\n"
            + "511702199001011234,李强,13812345678,U-511702-T104,科员,,是,,服从安排\n");
    }

    [Fact]
    public void Writes_one_unit_row_exactly()
    {
        using var writer = new StringWriter();
        ForcesCsvWriter.WriteUnits(writer,
        [
            new UnitRecord("U-511702-005", "翠湖区农业农村局", RegionLevel.County, "511702000000", "王伟", 48),
            new UnitRecord("U-511702-T104", "青石镇农业综合服务中心", RegionLevel.Township, "511702104000", null, 12),
        ]);

        writer.ToString().ShouldBe(
            "单位编码,单位名称,层级,所在区划,负责人,编制人数\n"
            + "U-511702-005,翠湖区农业农村局,县,511702000000,王伟,48\n"
            + "U-511702-T104,青石镇农业综合服务中心,乡,511702104000,,12\n");
    }

    private static List<string> Lines(byte[] bytes)
    {
        bytes.Take(3).ShouldNotBe(new byte[] { 0xEF, 0xBB, 0xBF });
        bytes.ShouldNotContain((byte)'\r');
        bytes.ShouldNotContain((byte)'"');
        bytes[^1].ShouldBe((byte)'\n');
        return StrictUtf8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
