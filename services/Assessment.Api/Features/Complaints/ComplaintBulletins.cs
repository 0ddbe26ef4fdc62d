using Assessment.Api.Domain;
using Assessment.Api.Features.Accountability;
using Npgsql;
using Platform.Data.Outbox;

namespace Assessment.Api.Features.Complaints;

/// <summary>
/// The criticism bulletin (通报批评) a complaint earns its subject: a reply after the deadline (or none by it:
/// <c>complaint_late_reply</c>) or the complainant's unsatisfied verdict (<c>complaint_unsatisfactory</c>). Recorded in the
/// accountability register with the complaint's id as the cause key, so each is recorded once however often it is evaluated.
/// </summary>
internal static class ComplaintBulletins
{
    public static Task<AccountabilityEntryView?> LateReplyAsync(NpgsqlTransaction transaction, OutboxWriter outbox, ComplaintRow complaint, string why,
        CancellationToken cancellationToken) =>
        AppendAsync(transaction, outbox, complaint, AccountabilityRules.ComplaintLateReply, why, cancellationToken);

    public static Task<AccountabilityEntryView?> UnsatisfactoryAsync(NpgsqlTransaction transaction, OutboxWriter outbox, ComplaintRow complaint,
        CancellationToken cancellationToken) =>
        AppendAsync(transaction, outbox, complaint, AccountabilityRules.ComplaintUnsatisfactory, "诉求人对答复不满意", cancellationToken);

    private static Task<AccountabilityEntryView?> AppendAsync(NpgsqlTransaction transaction, OutboxWriter outbox, ComplaintRow complaint, string rule, string why,
        CancellationToken cancellationToken)
    {
        var received = ComplaintRow.Utc(complaint.ReceivedAt).ToOffset(Platform.Security.ChinaTime.Offset);
        var reason = $"{why}：{received:yyyy年M月d日}受理的{ComplaintChannels.Name(complaint.Channel)}诉求（{Excerpt(complaint.Content)}），答复期限{ComplaintRow.Utc(complaint.ReplyBy).ToOffset(Platform.Security.ChinaTime.Offset):yyyy年M月d日 HH:mm}";
        return AccountabilityRegister.AppendAsync(transaction, outbox, new NewEntry(
            AccountabilityKinds.CriticismBulletin, complaint.SubjectKind, complaint.SubjectId, complaint.SubjectName, complaint.RegionCode, reason,
            [$"complaint:{complaint.Id}"], rule, rule, complaint.Id.ToString()), cancellationToken);
    }

    private static string Excerpt(string content) => content.Length <= 40 ? content : string.Concat(content.AsSpan(0, 40), "…");
}
