namespace Dispatch.Api.Domain;

/// <summary>A code of the village-organisation vocabulary and the Chinese a person reads.</summary>
public sealed record VillageTerm(string Code, string Chinese);

/// <summary>
/// The words of the village's own organisation (domain.md §9, 村两委 and 双培双带): its two bodies and their posts, how a
/// seat ends (调整撤换), and the steps of the talent pipeline, in their order.
/// </summary>
public static class VillageCommittees
{
    public const string PartyBranch = "party_branch";
    public const string VillagersCommittee = "villagers_committee";

    public static readonly IReadOnlyList<VillageTerm> Bodies = [new(PartyBranch, "村党支部委员会"), new(VillagersCommittee, "村民委员会")];

    public static readonly IReadOnlyList<VillageTerm> Posts =
    [
        new("secretary", "书记"), new("deputy_secretary", "副书记"), new("director", "主任"), new("deputy_director", "副主任"), new("member", "委员"),
    ];

    /// <summary>How a seat ends: at the end of its term (换届), or changed during it (调整、撤换、辞职).</summary>
    public static readonly IReadOnlyList<VillageTerm> EndKinds =
    [
        new("term_ended", "任期届满"), new("adjusted", "调整"), new("removed", "撤换"), new("resigned", "辞职"),
    ];

    /// <summary>The pipeline's steps in order (双培双带): capable farmer, party member, reserve cadre, committee member.</summary>
    public static readonly IReadOnlyList<VillageTerm> TalentSteps =
    [
        new("capable_farmer", "致富能手"), new("party_member", "党员"), new("reserve_cadre", "后备干部"), new("committee_member", "村两委成员"),
    ];

    public const string CommitteeMemberStep = "committee_member";

    public static string? Name(IReadOnlyList<VillageTerm> terms, string? code) => terms.FirstOrDefault(t => t.Code == code)?.Chinese;

    /// <summary>Whether <paramref name="post"/> is a seat of <paramref name="body"/>: a branch has a secretary, a villagers' committee a director.</summary>
    public static bool IsPostOf(string body, string post) => body switch
    {
        PartyBranch => post is "secretary" or "deputy_secretary" or "member",
        VillagersCommittee => post is "director" or "deputy_director" or "member",
        _ => false,
    };

    /// <summary>The furthest step a person has reached, by the pipeline's order; null before the first.</summary>
    public static string? Furthest(IEnumerable<string> steps)
    {
        var reached = steps.ToHashSet(StringComparer.Ordinal);
        return TalentSteps.LastOrDefault(s => reached.Contains(s.Code))?.Code;
    }

    /// <summary>The Chinese title of a seat: 村党支部委员会书记, 村民委员会委员...</summary>
    public static string Title(string body, string post) => $"{Name(Bodies, body)}{Name(Posts, post)}";
}
