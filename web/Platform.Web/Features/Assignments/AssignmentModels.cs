namespace Platform.Web.Features.Assignments;

/// <summary>An assignment as dispatch answers it (<c>/api/dispatch/assignments</c>, a village's forces).</summary>
public sealed record Assignment(
    Guid Id,
    string VillageCode,
    string Force,
    string ForceName,
    Guid? CadreId,
    string? CadreName,
    string UnitCode,
    string UnitName,
    DateOnly StartsOn,
    DateOnly? EndsOn,
    string? EndKind,
    string? EndReason)
{
    /// <summary>The cadre, or the unit for the assisting-unit force.</summary>
    public string Holder => CadreName ?? UnitName;

    public string EndKindName => DispatchTerms.NameOf(DispatchTerms.EndKinds, EndKind);
}

/// <summary><c>GET /api/dispatch/villages/{code}/forces</c>: who serves today, which of the five forces is missing, and the history.</summary>
public sealed record VillageForces(string VillageCode, DateOnly On, IReadOnlyList<Assignment> Active, IReadOnlyList<string> Missing, IReadOnlyList<Assignment> History);

public sealed record StartAssignmentRequest(string VillageCode, string Force, Guid? CadreId, string? UnitCode, DateOnly StartsOn, string? Reason);

public sealed record EndAssignmentRequest(DateOnly EndsOn, string Kind, string Reason);
