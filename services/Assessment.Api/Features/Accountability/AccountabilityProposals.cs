using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;

namespace Assessment.Api.Features.Accountability;

/// <summary>What a rule proposes: an entry of <see cref="EntryKind"/> against a subject, once per <see cref="Rule"/> and <see cref="CauseKey"/>.</summary>
public sealed record NewProposal(string Rule, string CauseKey, string EntryKind, string SubjectKind, string SubjectId, string SubjectName, string RegionCode,
    string Reason, IReadOnlyDictionary<string, string>? Facts = null);

/// <summary>
/// Proposals of the accountability rules (问责建议): a rule proposes, an official of the subject's region confirms (the
/// entry is appended with the proposal's id) or rejects with a reason, once.
/// </summary>
public static class AccountabilityProposals
{
    /// <summary>Inserts an open proposal and publishes <see cref="AccountabilityProposed"/>; null when the rule proposed for this cause before.</summary>
    public static async Task<Guid?> ProposeAsync(NpgsqlTransaction transaction, OutboxWriter outbox, NewProposal proposal, CancellationToken cancellationToken)
    {
        var facts = proposal.Facts ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var id = Guid.CreateVersion7();
        var regionCode = Domain.SubjectKinds.Pad(proposal.RegionCode);
        var proposedAt = await transaction.Connection!.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(
            """
            INSERT INTO accountability_proposals (id, rule, cause_key, entry_kind, subject_kind, subject_id, subject_name, region_code, reason, facts)
            VALUES (@id, @Rule, @CauseKey, @EntryKind, @SubjectKind, @SubjectId, @SubjectName, @regionCode, @Reason, CAST(@facts AS jsonb))
            ON CONFLICT (rule, cause_key) DO NOTHING
            RETURNING proposed_at
            """,
            new
            {
                id, proposal.Rule, proposal.CauseKey, proposal.EntryKind, proposal.SubjectKind, proposal.SubjectId, proposal.SubjectName, regionCode, proposal.Reason,
                facts = JsonSerializer.Serialize(facts),
            }, transaction, cancellationToken: cancellationToken));
        if (proposedAt is not { } at)
        {
            return null;
        }

        await outbox.EnqueueAsync(transaction, new AccountabilityProposed(id, proposal.Rule, proposal.CauseKey, proposal.EntryKind, proposal.SubjectKind,
            proposal.SubjectId, proposal.SubjectName, regionCode, proposal.Reason, facts, AccountabilityRegister.Utc(at)), cancellationToken);
        return id;
    }
}
