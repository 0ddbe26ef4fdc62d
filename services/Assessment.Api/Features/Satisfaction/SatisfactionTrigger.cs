using System.Globalization;
using Assessment.Api.Domain;
using Assessment.Api.Features.Accountability;
using Assessment.Api.Features.Complaints;
using Npgsql;
using Platform.Data.Outbox;

namespace Assessment.Api.Features.Satisfaction;

/// <summary>
/// The rule <c>satisfaction_below_threshold</c>: a subject whose month (or a closed survey) has at least the minimum number of
/// responses and a share satisfied below the year's threshold (<see cref="AccountabilityThresholds.SatisfactionForTalk"/>,
/// 70% by default) gets a talk (约谈) proposed, keyed by subject and month so that it is proposed once.
/// </summary>
internal static class SatisfactionTrigger
{
    public static string CauseKey(string subjectKind, string subjectId, string month) => $"{subjectKind}:{subjectId}:{month}";

    /// <summary>The proposal's id when this call proposed it; null when the tally does not call for one or it was proposed before.</summary>
    public static async Task<Guid?> EvaluateAsync(NpgsqlTransaction transaction, OutboxWriter outbox, VoiceSubject subject, string month, SatisfactionTally tally,
        int minimumResponses, string scopeText, CancellationToken cancellationToken)
    {
        if (tally.Responses < minimumResponses || tally.ShareSatisfied is not { } share)
        {
            return null;
        }

        var year = int.Parse(month.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var thresholds = await AccountabilityThresholds.ForAsync(transaction.Connection!, year, subject.RegionCode[..6], cancellationToken);
        if (share >= thresholds.SatisfactionForTalk)
        {
            return null;
        }

        var reason = $"{scopeText}群众满意度{share:P0}（{tally.Responses}份评价，满意{tally.Satisfied}、基本满意{tally.BasicallySatisfied}、不满意{tally.Unsatisfied}），"
            + $"低于{thresholds.SatisfactionForTalk:P0}，建议约谈";
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["month"] = month, ["responses"] = Text(tally.Responses), ["satisfied"] = Text(tally.Satisfied),
            ["basicallySatisfied"] = Text(tally.BasicallySatisfied), ["unsatisfied"] = Text(tally.Unsatisfied),
            ["shareSatisfied"] = share.ToString(CultureInfo.InvariantCulture), ["threshold"] = thresholds.SatisfactionForTalk.ToString(CultureInfo.InvariantCulture),
        };
        return await AccountabilityProposals.ProposeAsync(transaction, outbox, new NewProposal(AccountabilityRules.SatisfactionBelowThreshold,
            CauseKey(subject.Kind, subject.Id, month), AccountabilityKinds.Talk, subject.Kind, subject.Id, subject.Name, subject.RegionCode, reason, facts),
            cancellationToken);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
