namespace Assessment.Api.Extensions;

public sealed class AssessmentOptions
{
    public const string Section = "Assessment";

    /// <summary>Days a subject has to reply to a complaint (诉求) when the registering official gives no earlier deadline.</summary>
    public int ComplaintReplyDays { get; set; } = 7;

    /// <summary>How long before an unanswered complaint's deadline the deadline job publishes its reminder (ComplaintReplyDueSoon).</summary>
    public TimeSpan ComplaintReminderBefore { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The fewest responses a subject's month (or a closed survey) needs before low satisfaction proposes a talk (约谈).</summary>
    public int SatisfactionMinimumResponses { get; set; } = 10;
}
