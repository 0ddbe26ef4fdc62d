namespace Platform.Contracts.IntegrationEvents.Assessment.V1;

/// <summary>
/// A complaint (诉求) was registered against a subject: notification tells the subject (a unit's head, a cadre) and the
/// organisation department of the subject's county. The complainant's personal data never travels in an event.
/// </summary>
/// <param name="SubjectKind">assisting_unit (SubjectId a unit code), cadre (a cadre id) or work_team (a village code).</param>
/// <param name="RegionCode">The subject's 12-digit division code.</param>
/// <param name="ReplyBy">The reply deadline (server time).</param>
public sealed record ComplaintRegistered(
    Guid ComplaintId,
    string SubjectKind,
    string SubjectId,
    string SubjectName,
    string RegionCode,
    string Channel,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ReplyBy);

/// <summary>
/// A complaint still unanswered whose reply deadline is near (the reminder window of the deadline job): published once
/// per complaint, so notification reminds the subject and its county's organisation department.
/// </summary>
public sealed record ComplaintReplyDueSoon(
    Guid ComplaintId,
    string SubjectKind,
    string SubjectId,
    string SubjectName,
    string RegionCode,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ReplyBy);
