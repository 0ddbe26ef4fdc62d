using Platform.ApiClients.Dispatch.Models;

namespace Platform.Web.Features.Villages;

/// <summary>A village with its six-ones flag: <c>Gaps</c> open gaps, null when the village need not have the forces or coverage is unknown.</summary>
public sealed record VillageRow(VillageDto Village, int? Gaps, bool CoverageKnown)
{
    public string FlagName => Gaps switch
    {
        null when !CoverageKnown && Assignments.DispatchTerms.NeedsForces(Village.Category) => "未知",
        null => "不适用",
        0 => "齐全",
        _ => $"缺{Gaps}项",
    };

    // The indicators are a nested object the contract may leave out: the table's columns take plain properties.
    public int? Infrastructure => Village.Indicators?.Infrastructure;

    public int? Industry => Village.Indicators?.Industry;

    public int? Governance => Village.Indicators?.Governance;
}
