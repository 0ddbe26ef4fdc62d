using Platform.ApiClients.Dispatch.Models;

namespace Platform.Web.Features.Assignments;

/// <summary>How the pages name an assignment's holder and end, from what dispatch sends.</summary>
public static class AssignmentTerms
{
    /// <summary>The cadre, or the unit for the assisting-unit force.</summary>
    public static string Holder(AssignmentDto assignment) => assignment.CadreName ?? assignment.UnitName ?? "—";

    public static string EndKindName(AssignmentDto assignment) => DispatchTerms.NameOf(DispatchTerms.EndKinds, assignment.EndKind);
}
