using System.Globalization;

namespace Platform.Cli.DemoData;

/// <summary>
/// Writes dispatch's unit and cadre import files (docs/integration/units-and-cadres.md) and assignment import files
/// (docs/integration/assignments-import.md) the way <see cref="RegionCsvWriter"/> writes the region file: UTF-8 without BOM (<see cref="RegionCsvWriter.Encoding"/>), LF line ends, quoting only where needed.
/// </summary>
public static class ForcesCsvWriter
{
    public const string UnitHeader = "单位编码,单位名称,层级,所在区划,负责人,编制人数";

    public const string CadreHeader = "身份证号,姓名,手机号,单位编码,职级,专长,农村工作经历,最近提拔日期,派驻意愿";

    public const string AssignmentHeader = "村区划代码,帮扶力量,干部身份证号,单位编码,开始日期,选派原因";

    public static void WriteUnits(TextWriter writer, IEnumerable<UnitRecord> units)
    {
        writer.Write(UnitHeader + "\n");
        foreach (var unit in units)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{unit.Code},{RegionCsvWriter.Escape(unit.Name)},{unit.Level.ChineseName()},{unit.RegionCode},{RegionCsvWriter.Escape(unit.HeadName ?? string.Empty)},{unit.StaffCount}\n"));
        }

        writer.Flush();
    }

    public static void WriteCadres(TextWriter writer, IEnumerable<CadreRecord> cadres)
    {
        writer.Write(CadreHeader + "\n");
        foreach (var cadre in cadres)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{cadre.CitizenId},{RegionCsvWriter.Escape(cadre.Name)},{cadre.Phone},{cadre.UnitCode},{cadre.Rank},{string.Join(';', cadre.Skills)},{(cadre.RuralExperience ? "是" : "否")},{cadre.LastPromotedOn:yyyy-MM-dd},{cadre.Willingness}\n"));
        }

        writer.Flush();
    }

    /// <summary>
    /// Open-ended assignments, the force by its Chinese name: a person by citizen ID with the unit column empty (the unit is the
    /// cadre's), an assisting unit by its code with the citizen ID column empty.
    /// </summary>
    public static void WriteAssignments(TextWriter writer, IEnumerable<AssignmentRecord> assignments)
    {
        writer.Write(AssignmentHeader + "\n");
        foreach (var a in assignments)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{a.VillageCode},{ForceCodes.ChineseName(a.Force)},{a.CadreCitizenId},{a.UnitCode},{a.StartsOn:yyyy-MM-dd},{RegionCsvWriter.Escape(a.Reason)}\n"));
        }

        writer.Flush();
    }

    /// <summary>The unit file as the bytes to upload.</summary>
    public static byte[] UnitsFile(IEnumerable<UnitRecord> units) => ToBytes(writer => WriteUnits(writer, units));

    /// <summary>The cadre file as the bytes to upload.</summary>
    public static byte[] CadresFile(IEnumerable<CadreRecord> cadres) => ToBytes(writer => WriteCadres(writer, cadres));

    /// <summary>An assignment file as the bytes to upload.</summary>
    public static byte[] AssignmentsFile(IEnumerable<AssignmentRecord> assignments) => ToBytes(writer => WriteAssignments(writer, assignments));

    private static byte[] ToBytes(Action<TextWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, RegionCsvWriter.Encoding, leaveOpen: true))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
