using Platform.ApiClients.Dispatch.Models;

namespace Platform.Web.Features.VillageOrganisation;

// The village's own organisation (组织建设, domain.md §9): the words the pages use for dispatch's codes.

/// <summary>How a rectification and its problems are named (the contract carries their status codes).</summary>
public static class RectificationWords
{
    public static string StatusName(RectificationSummary rectification) =>
        rectification.Status == "lifted" ? "已摘帽" : rectification.Overdue == true ? "超期未摘帽" : "整改中";

    public static string ProblemStatusName(ProblemDto problem) => problem.Status == "closed" ? "已销号" : "待销号";
}

/// <summary>The service-centre ratings a person chooses from, with the words dispatch uses.</summary>
public static class ServiceCentreWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Ratings = [("model", "示范"), ("standard", "达标"), ("below", "未达标")];
}

/// <summary>The village committees' words (村两委) as dispatch uses them: bodies, their posts, and how a seat ends (调整撤换).</summary>
public static class CommitteeWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Bodies = [("villagers_committee", "村民委员会"), ("party_branch", "村党支部委员会")];

    public static readonly IReadOnlyList<(string Code, string Name)> Posts =
        [("director", "主任"), ("deputy_director", "副主任"), ("secretary", "书记"), ("deputy_secretary", "副书记"), ("member", "委员")];

    public static readonly IReadOnlyList<(string Code, string Name)> EndKinds =
        [("adjusted", "调整"), ("removed", "撤换"), ("resigned", "辞职"), ("term_ended", "任期届满")];
}
