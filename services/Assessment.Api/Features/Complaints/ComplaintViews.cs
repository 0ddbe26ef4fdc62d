using System.Security.Claims;
using Platform.Security.PersonalData;

namespace Assessment.Api.Features.Complaints;

public sealed record ComplaintReplyView(Guid Id, string Text, string RepliedBy, DateTimeOffset RepliedAt, bool Late);

/// <summary>
/// A complaint as a caller sees it. Status: <c>open</c> (no reply yet), <c>replied</c>, <c>closed</c>. Late: the first reply
/// came after the deadline, or none came and the deadline has passed. The complainant's name and phone are masked for
/// callers who may not see personal data in clear (<see cref="PersonalDataAccess"/>).
/// </summary>
public sealed record ComplaintView(
    Guid Id, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Channel, string ChannelName, string Content,
    string ComplainantName, string? ComplainantPhone, DateTimeOffset ReceivedAt, DateTimeOffset ReplyBy, string RegisteredBy, string Status, bool Late,
    DateTimeOffset? FirstRepliedAt, string? Verdict, DateTimeOffset? VerdictAt, string? VerdictBy, DateTimeOffset? ClosedAt, string? ClosedBy, string? CloseNote,
    IReadOnlyList<ComplaintReplyView> Replies);

/// <summary>A complaint's row as stored; <see cref="ToView"/> applies the caller's right to personal data.</summary>
internal sealed record ComplaintRow(
    Guid Id, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Channel, string Content, string ComplainantName,
    byte[]? ComplainantPhone, DateTime ReceivedAt, DateTime ReplyBy, string RegisteredBy, DateTime? FirstRepliedAt, string? Verdict, DateTime? VerdictAt,
    string? VerdictBy, DateTime? ClosedAt, string? ClosedBy, string? CloseNote)
{
    public const string Columns =
        """
        id, subject_kind, subject_id, subject_name, region_code, channel, content, complainant_name, complainant_phone, received_at, reply_by,
        registered_by, first_replied_at, verdict, verdict_at, verdict_by, closed_at, closed_by, close_note
        """;

    public ComplaintView ToView(ClaimsPrincipal user, PersonalDataProtector protector, DateTimeOffset now, IReadOnlyList<ComplaintReplyView> replies)
    {
        var replyBy = Utc(ReplyBy);
        var firstReply = FirstRepliedAt is { } f ? Utc(f) : (DateTimeOffset?)null;
        var late = firstReply is { } replied ? replied > replyBy : ClosedAt is null && now > replyBy;
        var status = ClosedAt is not null ? "closed" : firstReply is not null ? "replied" : "open";
        var clear = PersonalDataAccess.MaySeeClear(user);
        var phone = ComplainantPhone is null ? null : PersonalDataAccess.ShowPhone(user, protector.Unprotect(ComplainantPhone));
        return new ComplaintView(Id, SubjectKind, SubjectId, SubjectName, RegionCode, Channel, ComplaintChannels.Name(Channel), Content,
            clear ? ComplainantName : MaskName(ComplainantName), phone, Utc(ReceivedAt), replyBy, RegisteredBy, status, late, firstReply, Verdict,
            VerdictAt is { } v ? Utc(v) : null, VerdictBy, ClosedAt is { } c ? Utc(c) : null, ClosedBy, CloseNote, replies);
    }

    /// <summary>The family name and an asterisk per other character (张** for 张三丰).</summary>
    public static string MaskName(string name) => name.Length <= 1 ? "*" : string.Concat(name.AsSpan(0, 1), new string('*', name.Length - 1));

    public static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}

internal sealed record ComplaintReplyRow(Guid Id, Guid ComplaintId, string Text, string RepliedBy, DateTime RepliedAt, bool Late)
{
    public ComplaintReplyView ToView() => new(Id, Text, RepliedBy, ComplaintRow.Utc(RepliedAt), Late);
}

/// <summary>How a complaint reached the hotline (诉求渠道).</summary>
public static class ComplaintChannels
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["hotline"] = "12345热线", ["phone"] = "电话", ["visit"] = "来访", ["letter"] = "来信", ["online"] = "网上诉求",
    };

    public static IReadOnlyCollection<string> All => Names.Keys;

    public static bool IsKnown(string? channel) => channel is not null && Names.ContainsKey(channel);

    public static string Name(string channel) => Names.GetValueOrDefault(channel, channel);
}
