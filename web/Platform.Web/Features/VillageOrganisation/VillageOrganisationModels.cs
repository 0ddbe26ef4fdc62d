using Platform.ApiClients.Dispatch.Models;
using Platform.Web.Components.Shared;

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

/// <summary>The talent pipeline's steps (双培双带) in their order, with the words dispatch uses.</summary>
public static class TalentWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Steps =
        [("capable_farmer", "致富能手"), ("party_member", "党员"), ("reserve_cadre", "后备干部"), ("committee_member", "村两委成员")];
}

/// <summary>The activities party members earn points for (积分制); the points and caps are the rules dispatch keeps.</summary>
public static class PointWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Activities =
        [("party_meeting", "三会一课"), ("party_day", "主题党日"), ("household_service", "联系服务群众"), ("learning", "学习教育")];
}

/// <summary>How a dispatched cadre serves at a township (充实到乡镇, or a first secretary on its party committee).</summary>
public static class TownshipWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Roles = [("posted", "充实乡镇工作"), ("party_committee_member", "兼任乡镇党委委员")];
}

/// <summary>Who may change the village organisation's records, as the services decide it.</summary>
public static class OrganisationRoles
{
    /// <summary>Seats, pay, talent steps, township postings and joint committees: the organisation departments (dispatch's manage-forces policy).</summary>
    public static bool MayManage(ConsoleUser user) =>
        user.HasRole(Platform.Security.Roles.Province, Platform.Security.Roles.City, Platform.Security.Roles.County);

    /// <summary>Member points are recorded by whoever works in the village's scope; an auditor only reads.</summary>
    public static bool MayRecordPoints(ConsoleUser user) => !user.HasRole(Platform.Security.Roles.Auditor, Platform.Security.Roles.Integration) && user.Roles.Count > 0;
}
