using Platform.ApiClients.Pairing.Models;
using Platform.Web.Gateway;

namespace Platform.Web.Features.Pairing;

/// <summary>
/// A matching run as the page shows and polls it (<c>/api/pairing/matching-runs/{id}</c>), read from the contract's model: the
/// page decides on its status (working, its Chinese name), so it holds values, not the model's nullable ones.
/// </summary>
public sealed record MatchingRun(Guid Id, string RegionPrefix, DateOnly StartsOn, string Status, int HouseholdsTotal, int HouseholdsDone, double Progress,
    int Proposals, int Unmatched, long TotalCost, string RequestedBy, DateTime RequestedAt, DateTime? FinishedAt, string? CommittedBy, DateTime? CommittedAt,
    int? Paired, int? Skipped, string? ProblemCode, string? Error)
{
    public static MatchingRun From(MatchingRunDto run) =>
        new(run.Id ?? Guid.Empty, run.RegionPrefix ?? "", Dates.ToDateOnly(run.StartsOn) ?? default, run.Status ?? "", run.HouseholdsTotal ?? 0,
            run.HouseholdsDone ?? 0, run.Progress ?? 0, run.Proposals ?? 0, run.Unmatched ?? 0, run.TotalCost ?? 0, run.RequestedBy ?? "",
            run.RequestedAt?.UtcDateTime ?? default, run.FinishedAt?.UtcDateTime, run.CommittedBy, run.CommittedAt?.UtcDateTime, run.Paired, run.Skipped,
            run.ProblemCode, run.Error);

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

/// <summary>One proposal with its cost term by term and the service's Chinese explanation (the page selects and rejects them by household).</summary>
public sealed record MatchingProposal(Guid HouseholdId, string HeadName, string VillageCode, string VillageName, Guid? CadreId, string? CadreName, string? UnitCode,
    int CauseCost, int DepthCost, int NearnessCost, int ContinuityCost, int LoadCost, int TotalCost, string Explanation, bool Rejected, string? Outcome)
{
    public static MatchingProposal From(ProposalDto proposal) =>
        new(proposal.HouseholdId ?? Guid.Empty, proposal.HeadName ?? "—", proposal.VillageCode ?? "", proposal.VillageName ?? "—", proposal.CadreId,
            proposal.CadreName, proposal.UnitCode, proposal.CauseCost ?? 0, proposal.DepthCost ?? 0, proposal.NearnessCost ?? 0, proposal.ContinuityCost ?? 0,
            proposal.LoadCost ?? 0, proposal.TotalCost ?? 0, proposal.Explanation ?? "", proposal.Rejected ?? false, proposal.Outcome);

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
