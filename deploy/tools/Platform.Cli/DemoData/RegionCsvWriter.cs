using System.Globalization;
using System.Text;

namespace Platform.Cli.DemoData;

/// <summary>
/// Writes the region import file: UTF-8 without BOM, LF line ends, RFC 4180 quoting only where a field needs it,
/// village-only columns empty on other levels.
/// </summary>
public static class RegionCsvWriter
{
    public const string Header = "区划代码,名称,层级,上级代码,村类别,基础设施,产业发展,社会治理,人口,贫困户数,经度,纬度";

    /// <summary>UTF-8 without the byte-order mark, which some CSV readers would take for part of the first header.</summary>
    public static Encoding Encoding { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static void WriteHeader(TextWriter writer) => writer.Write(Header + "\n");

    public static void WriteRow(TextWriter writer, RegionRecord row)
    {
        var culture = CultureInfo.InvariantCulture;
        writer.Write(row.Code);
        writer.Write(',');
        writer.Write(Escape(row.Name));
        writer.Write(',');
        writer.Write(row.Level.ChineseName());
        writer.Write(',');
        writer.Write(row.ParentCode);
        if (row.Village is { } v)
        {
            writer.Write(string.Create(culture,
                $",{v.Category.ChineseName()},{v.InfrastructureScore},{v.IndustryScore},{v.GovernanceScore},{v.Population},{v.PoorHouseholds},{v.Longitude:F6},{v.Latitude:F6}\n"));
        }
        else
        {
            writer.Write(",,,,,,,,\n");
        }
    }

    /// <summary>Quotes a field only when it holds a comma, a quote or a line break (RFC 4180 §2.6-2.7).</summary>
    public static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
