namespace Platform.Web.Features.VillageOrganisation;

// The village's own organisation (组织建设, domain.md §9) as the dispatch service answers it.

public sealed record RectificationRegion(string Code, string Name, int Open, int Overdue, int Lifted, int OpenProblems, int ClosedProblems);

public sealed record RectificationRegionsReport(string Scope, string Level, string LevelName, int Open, int Overdue, int Lifted, IReadOnlyList<RectificationRegion> Regions);

public sealed record RectificationSummary(Guid Id, string VillageCode, string VillageName, string Reason, DateOnly Deadline, string Status, bool Overdue,
    int Problems, int OpenProblems, DateTimeOffset FlaggedAt, DateTimeOffset? LiftedAt)
{
    public string StatusName => Status == "lifted" ? "已摘帽" : Overdue ? "超期未摘帽" : "整改中";
}

public sealed record ServiceCentreRegion(string Code, string Name, int Villages, int Model, int Standard, int Below, int Unrated);

public sealed record ServiceCentreRegionsReport(string Scope, string Level, string LevelName, int Villages, int Model, int Standard, int Below, int Unrated,
    IReadOnlyList<ServiceCentreRegion> Regions);

public sealed record TalentRegion(string Code, string Name, int People, int CapableFarmers, int PartyMembers, int ReserveCadres, int CommitteeMembers, int PensionInsured);

public sealed record TalentRegionsReport(string Scope, string Level, string LevelName, int ReserveCadres, int CommitteeMembers, IReadOnlyList<TalentRegion> Regions);

public sealed record BranchPoints(string VillageCode, string VillageName, int Members, int Earners, int Points, decimal Average, int Rank);

public sealed record BranchPointsReport(string Month, string Scope, int Branches, IReadOnlyList<BranchPoints> Items);

public sealed record RectificationProblem(Guid Id, string Description, string Owner, string Measures, string Status, string? Evidence, string? CheckedBy,
    DateTimeOffset? ClosedAt, string RecordedBy, DateTimeOffset RecordedAt)
{
    public string StatusName => Status == "closed" ? "已销号" : "待销号";
}

public sealed record Rectification(Guid Id, string VillageCode, string VillageName, string Reason, DateOnly Deadline, string Status, bool Overdue,
    string FlaggedBy, DateTimeOffset FlaggedAt, string? LiftedBy, DateTimeOffset? LiftedAt, string? ReviewNote, int OpenProblems,
    IReadOnlyList<RectificationProblem> Problems);

public sealed record ServiceCentreRating(Guid Id, string VillageCode, string Rating, string RatingName, DateOnly RatedOn, string Evidence, string RatedBy,
    DateTimeOffset RecordedAt);

public sealed record ServiceCentreView(string VillageCode, string VillageName, ServiceCentreRating? Current, IReadOnlyList<ServiceCentreRating> Ratings);

public sealed record CommitteePost(Guid Id, Guid PersonId, string PersonName, string VillageCode, string Body, string Post, string Title, DateOnly StartsOn,
    DateOnly TermEndsOn, DateOnly? EndsOn, string? EndKind, string? EndKindName, string? EndReason, string AppointedBy, DateTimeOffset AppointedAt,
    decimal? MonthlyPay, bool? PensionInsured);

public sealed record VillageCommittee(string VillageCode, string VillageName, IReadOnlyList<CommitteePost> Current, IReadOnlyList<CommitteePost> Upcoming,
    IReadOnlyList<CommitteePost> Past);

/// <summary>The service-centre ratings a person chooses from, with the words dispatch uses.</summary>
public static class ServiceCentreWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Ratings = [("model", "示范"), ("standard", "达标"), ("below", "未达标")];
}

public sealed record VillagePersonSummary(Guid Id, string VillageCode, string VillageName, string Name, string Gender, int BirthYear, string? Stage,
    string? StageName, IReadOnlyList<string> Seats);

public sealed record VillagePersonPage(IReadOnlyList<VillagePersonSummary> Items, string? Next);

/// <summary>The village committees' words (村两委) as dispatch uses them: bodies, their posts, and how a seat ends (调整撤换).</summary>
public static class CommitteeWords
{
    public static readonly IReadOnlyList<(string Code, string Name)> Bodies = [("villagers_committee", "村民委员会"), ("party_branch", "村党支部委员会")];

    public static readonly IReadOnlyList<(string Code, string Name)> Posts =
        [("director", "主任"), ("deputy_director", "副主任"), ("secretary", "书记"), ("deputy_secretary", "副书记"), ("member", "委员")];

    public static readonly IReadOnlyList<(string Code, string Name)> EndKinds =
        [("adjusted", "调整"), ("removed", "撤换"), ("resigned", "辞职"), ("term_ended", "任期届满")];
}
