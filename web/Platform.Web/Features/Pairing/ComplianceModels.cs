namespace Platform.Web.Features.Pairing;

/// <summary>A row of a compliance table: the group named for a person.</summary>
public sealed record ComplianceRow(string Key, string Name, int Households, int Compliant, int Overdue, double Rate)
{
    /// <summary>A helper's, unit's or county's households and how many of them are overdue (pairing sends the two counts).</summary>
    public static ComplianceRow Of(string key, string name, int households, int overdue) =>
        new(key, name, households, households - overdue, overdue, households == 0 ? 1 : (double)(households - overdue) / households);
}
