namespace Platform.Web.Features.Pairing;

/// <summary>A matching run as the pairing service answers it (<c>/api/pairing/matching-runs/{id}</c>).</summary>
public sealed record MatchingRun(Guid Id, string RegionPrefix, DateOnly StartsOn, string Status, int HouseholdsTotal, int HouseholdsDone, double Progress,
    int Proposals, int Unmatched, long TotalCost, string RequestedBy, DateTime RequestedAt, DateTime? FinishedAt, string? CommittedBy, DateTime? CommittedAt,
    int? Paired, int? Skipped, string? ProblemCode, string? Error)
{
    /// <summary>Still being solved: the page polls until it is not.</summary>
    public bool IsWorking => Status is "queued" or "running";

    public string StatusName => Status switch
    {
        "queued" => "排队中",
        "running" => "计算中",
        "proposed" => "待审核",
        "committed" => "已提交",
        "superseded" => "已被新运行取代",
        "failed" => "失败",
        _ => Status,
    };
}

/// <summary>One proposal with its cost term by term and the service's Chinese explanation.</summary>
public sealed record MatchingProposal(Guid HouseholdId, string HeadName, string VillageCode, string VillageName, Guid? CadreId, string? CadreName, string? UnitCode,
    int CauseCost, int DepthCost, int NearnessCost, int ContinuityCost, int LoadCost, int TotalCost, string Explanation, bool Rejected, string? Outcome)
{
    public bool HasHelper => CadreId is not null;

    /// <summary>What became of the proposal at the commit (null before it).</summary>
    public static string OutcomeName(string? outcome) => outcome switch
    {
        null => "",
        "paired" => "已结对",
        "rejected" => "已拒绝",
        "no_helper" => "无可用帮扶人",
        "household_has_helper" => "期间已人工结对",
        "helper_unavailable" => "帮扶人已召回或调整",
        "helper_load_full" => "帮扶人已满额",
        "co_helper_from_later" => "协助帮扶人起始晚于结对日",
        _ => outcome,
    };
}

public sealed record MatchingProposalPage(IReadOnlyList<MatchingProposal> Items, string? Next);
