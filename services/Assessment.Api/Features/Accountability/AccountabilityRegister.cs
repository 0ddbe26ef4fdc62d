using System.Globalization;
using Assessment.Api.Domain;
using Dapper;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;

namespace Assessment.Api.Features.Accountability;

/// <summary>An entry to append to the register; <see cref="Source"/> is <c>manual</c> or a rule's name, whose <see cref="CauseKey"/> makes it once.</summary>
public sealed record NewEntry(string Kind, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Reason, IReadOnlyList<string> Evidence,
    string DecidedBy, string Source, string? CauseKey = null, Guid? ProposalId = null);

/// <summary>One entry of the register; <see cref="WithdrawnBy"/> is the withdrawal that withdrew it, if any (read, never stored on the row).</summary>
public sealed record AccountabilityEntryView(Guid Id, string Kind, string SubjectKind, string SubjectId, string SubjectName, string RegionCode, string Reason,
    IReadOnlyList<string> Evidence, string DecidedBy, DateOnly DecidedOn, DateTimeOffset RecordedAt, string Source, string? CauseKey, Guid? ProposalId,
    Guid? WithdrawsId, string? ConductRule, Guid? WithdrawnBy = null);

/// <summary>
/// The accountability register (问责台账), append-only: every way an entry is written (by hand, by a rule, on a confirmed
/// proposal, a withdrawal) goes through <see cref="AppendAsync(NpgsqlTransaction, OutboxWriter, NewEntry, CancellationToken)"/>, which
/// writes the row and its <see cref="AccountabilityEntryRecorded"/> in the caller's transaction, and after a criticism
/// bulletin evaluates the "two or more bulletins in a year → talk" rule (<see cref="AccountabilityRules.BulletinsTwice"/>).
/// </summary>
public static class AccountabilityRegister
{
    /// <summary>
    /// Appends <paramref name="entry"/> (the server's clock decides its date); null when an entry of the same source and
    /// cause was appended before, so a rule that fires again changes nothing.
    /// </summary>
    public static Task<AccountabilityEntryView?> AppendAsync(NpgsqlTransaction transaction, OutboxWriter outbox, NewEntry entry, CancellationToken cancellationToken) =>
        AppendAsync(transaction, outbox, entry, null, null, cancellationToken);

    /// <summary>The same, for a withdrawal (the entry it withdraws) or a conduct violation (the rule broken).</summary>
    internal static async Task<AccountabilityEntryView?> AppendAsync(NpgsqlTransaction transaction, OutboxWriter outbox, NewEntry entry, Guid? withdraws,
        string? conductRule, CancellationToken cancellationToken)
    {
        if (!AccountabilityKinds.IsKnown(entry.Kind) || !AccountabilitySubjectKinds.IsKnown(entry.SubjectKind))
        {
            throw new ArgumentException($"Unknown entry kind {entry.Kind} or subject kind {entry.SubjectKind}.", nameof(entry));
        }

        var connection = transaction.Connection!;
        var regionCode = SubjectKinds.Pad(entry.RegionCode);
        if (entry.Kind == AccountabilityKinds.CriticismBulletin)
        {
            // Bulletins of one subject are counted one after the other: two recorded at once still propose the talk.
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('accountability-subject:' || @SubjectKind || ':' || @SubjectId))",
                new { entry.SubjectKind, entry.SubjectId }, transaction, cancellationToken: cancellationToken));
        }

        var id = Guid.CreateVersion7();
        var row = await connection.QuerySingleOrDefaultAsync<(DateTime RecordedAt, DateTime DecidedOn)?>(new CommandDefinition(
            """
            INSERT INTO accountability_entries (id, kind, subject_kind, subject_id, subject_name, region_code, reason, evidence, decided_by, decided_on, recorded_at,
                                                source, cause_key, proposal_id, withdraws_id, conduct_rule)
            VALUES (@id, @Kind, @SubjectKind, @SubjectId, @SubjectName, @regionCode, @Reason, @evidence, @DecidedBy,
                    CAST((now() AT TIME ZONE 'UTC') + interval '8 hours' AS date), now(), @Source, @CauseKey, @ProposalId, @withdraws, @conductRule)
            ON CONFLICT (source, cause_key) WHERE cause_key IS NOT NULL DO NOTHING
            RETURNING recorded_at, decided_on
            """,
            new
            {
                id, entry.Kind, entry.SubjectKind, entry.SubjectId, entry.SubjectName, regionCode, entry.Reason, evidence = entry.Evidence.ToArray(), entry.DecidedBy,
                entry.Source, entry.CauseKey, entry.ProposalId, withdraws, conductRule,
            }, transaction, cancellationToken: cancellationToken));
        if (row is not { } written)
        {
            return null;
        }

        var conductRuleTitle = conductRule is null ? null : await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT title FROM conduct_rules WHERE code = @conductRule", new { conductRule }, transaction, cancellationToken: cancellationToken));
        var view = new AccountabilityEntryView(id, entry.Kind, entry.SubjectKind, entry.SubjectId, entry.SubjectName, regionCode, entry.Reason, entry.Evidence,
            entry.DecidedBy, DateOnly.FromDateTime(written.DecidedOn), Utc(written.RecordedAt), entry.Source, entry.CauseKey, entry.ProposalId, withdraws, conductRule);
        await outbox.EnqueueAsync(transaction, new AccountabilityEntryRecorded(view.Id, view.Kind, view.SubjectKind, view.SubjectId, view.SubjectName, view.RegionCode,
            view.Reason, view.Evidence, view.DecidedBy, view.DecidedOn, view.Source, view.CauseKey, view.ProposalId, view.WithdrawsId, view.ConductRule,
            view.RecordedAt, conductRuleTitle), cancellationToken);
        if (entry.Kind == AccountabilityKinds.CriticismBulletin)
        {
            await ProposeTalkOnBulletinsAsync(transaction, outbox, view, cancellationToken);
        }

        return view;
    }

    /// <summary>
    /// Two or more criticism bulletins (the year's model sets how many) of one subject in a year, not withdrawn, propose a talk
    /// (约谈) with the unit's head and the person directly responsible: once per subject and year (the cause key).
    /// </summary>
    private static async Task ProposeTalkOnBulletinsAsync(NpgsqlTransaction transaction, OutboxWriter outbox, AccountabilityEntryView bulletin,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var year = bulletin.DecidedOn.Year;
        var thresholds = await AccountabilityThresholds.ForAsync(connection, year, bulletin.RegionCode[..6], cancellationToken);
        var bulletins = (await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            SELECT e.id FROM accountability_entries e
            WHERE e.subject_kind = @SubjectKind AND e.subject_id = @SubjectId AND e.kind = 'criticism_bulletin' AND e.decided_on >= @from AND e.decided_on < @to
              AND NOT EXISTS (SELECT 1 FROM accountability_entries w WHERE w.withdraws_id = e.id)
            ORDER BY e.recorded_at, e.id
            """, new { bulletin.SubjectKind, bulletin.SubjectId, from = new DateOnly(year, 1, 1), to = new DateOnly(year + 1, 1, 1) }, transaction,
            cancellationToken: cancellationToken))).ToList();
        if (bulletins.Count < thresholds.BulletinsForTalk)
        {
            return;
        }

        await AccountabilityProposals.ProposeAsync(transaction, outbox, new NewProposal(AccountabilityRules.BulletinsTwice,
            $"{bulletin.SubjectKind}:{bulletin.SubjectId}:{year}", AccountabilityKinds.Talk, bulletin.SubjectKind, bulletin.SubjectId, bulletin.SubjectName,
            bulletin.RegionCode, $"{bulletin.SubjectName}{year}年被通报批评{bulletins.Count}次（达到{thresholds.BulletinsForTalk}次），建议约谈单位主要负责人和直接责任人",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["year"] = year.ToString(CultureInfo.InvariantCulture),
                ["bulletins"] = bulletins.Count.ToString(CultureInfo.InvariantCulture),
                ["threshold"] = thresholds.BulletinsForTalk.ToString(CultureInfo.InvariantCulture),
                ["bulletinIds"] = string.Join(",", bulletins),
            }), cancellationToken);
    }

    internal static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
