using Assessment.Api.Domain;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;

namespace Assessment.Api.Features.Accountability;

/// <summary>
/// Bundled accountability (捆绑评价问责, domain.md §6): a failure recorded against a cadre serving a village (a first
/// secretary, a team member) or against a village's work team also counts against the village's contact leader (联系县领导),
/// the dispatching unit's head, the work team's leader and the township's party secretary, found through dispatch
/// (GetCadrePost, GetVillageForces, GetUnit) as they were on the day of the failure.
/// <para>
/// It proposes rather than records: whether those four share the blame for one cadre's failure is an official's judgement
/// (the issue lists bundling among the rules that propose entries), and the forces dispatch names on that day may have
/// changed since; an official confirms each (the same kind of entry is then appended against them) or rejects it with a
/// reason. Once per failure and person (the cause key: entry, subject kind, subject id). Entries that came from bundling are
/// not bundled again, so a confirmed bundled entry against a team leader does not spread further.
/// </para>
/// </summary>
public sealed class BundledAccountability(Personnel.PersonnelClient personnel, AccountabilitySubjects subjects)
{
    private static readonly HashSet<string> ResidentForces = new(StringComparer.Ordinal) { "first_secretary", "team_leader", "team_member" };

    /// <summary>The proposals a recorded entry calls for (none for an entry that is no failure, not about a village's force, or itself bundled).</summary>
    public async Task<IReadOnlyList<NewProposal>> PlanAsync(AccountabilityEntryRecorded entry, CancellationToken cancellationToken)
    {
        if (!AccountabilityKinds.Failures.Contains(entry.Kind) || entry.Source == AccountabilityRules.Bundled
            || entry.SubjectKind is not (AccountabilitySubjectKinds.Cadre or AccountabilitySubjectKinds.WorkTeam))
        {
            return [];
        }

        var day = entry.DecidedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string village;
        if (entry.SubjectKind == AccountabilitySubjectKinds.Cadre)
        {
            CadrePost post;
            try
            {
                post = await personnel.GetCadrePostAsync(new GetCadrePostRequest { CadreId = entry.SubjectId, OnDate = day }, cancellationToken: cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
            {
                return [];
            }

            if (!post.HasPost)
            {
                return [];
            }

            village = post.Assignment.VillageCode;
        }
        else
        {
            village = entry.SubjectId;
        }

        var forces = await personnel.GetVillageForcesAsync(new GetVillageForcesRequest { VillageCode = village, OnDate = day }, cancellationToken: cancellationToken);
        // The dispatching unit: the failing cadre's own; for a work team, the units of its resident cadres.
        var units = forces.Active.Where(a => ResidentForces.Contains(a.Force) && a.UnitCode.Length > 0
                && (entry.SubjectKind == AccountabilitySubjectKinds.WorkTeam || a.CadreId == entry.SubjectId))
            .Select(a => a.UnitCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var bundled = new List<(string Role, AccountabilitySubject Subject)>();
        foreach (var leader in forces.Active.Where(a => a.Force is "contact_leader" or "team_leader" && a.CadreId.Length > 0))
        {
            bundled.Add((leader.Force == "contact_leader" ? "联系县领导" : "驻村工作队队长",
                new AccountabilitySubject(AccountabilitySubjectKinds.Cadre, leader.CadreId, leader.CadreName, village)));
        }

        foreach (var code in units)
        {
            try
            {
                var unit = await personnel.GetUnitAsync(new GetUnitRequest { Code = code }, cancellationToken: cancellationToken);
                bundled.Add(("派出单位主要负责人", new AccountabilitySubject(AccountabilitySubjectKinds.UnitHead, code,
                    AccountabilitySubjectKinds.UnitHeadName(unit.Name, unit.HeadName), SubjectKinds.Pad(unit.RegionCode))));
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound)
            {
                // A unit dispatch no longer knows has no head to name.
            }
        }

        if (await subjects.FindAsync(AccountabilitySubjectKinds.TownshipSecretary, village[..9], cancellationToken) is { } secretary)
        {
            bundled.Add(("乡镇党委书记", secretary));
        }

        return bundled
            .Where(b => !(b.Subject.Kind == entry.SubjectKind && b.Subject.Id == entry.SubjectId))
            .DistinctBy(b => (b.Subject.Kind, b.Subject.Id))
            .Select(b => new NewProposal(AccountabilityRules.Bundled, $"{entry.EntryId}:{b.Subject.Kind}:{b.Subject.Id}", entry.Kind, b.Subject.Kind, b.Subject.Id,
                b.Subject.Name, b.Subject.RegionCode,
                $"捆绑评价问责：{entry.SubjectName}受到{AccountabilityKinds.Name(entry.Kind)}（{entry.Reason}），建议同时追究{b.Role}{b.Subject.Name}的责任",
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["entryId"] = entry.EntryId.ToString(), ["villageCode"] = village, ["role"] = b.Role, ["failedSubject"] = entry.SubjectName,
                }))
            .ToList();
    }

    /// <summary>Proposes what <see cref="PlanAsync"/> planned, in the consumer's transaction; a cause proposed before changes nothing.</summary>
    public static async Task ProposeAsync(NpgsqlTransaction transaction, OutboxWriter outbox, IReadOnlyList<NewProposal> proposals, CancellationToken cancellationToken)
    {
        foreach (var proposal in proposals)
        {
            await AccountabilityProposals.ProposeAsync(transaction, outbox, proposal, cancellationToken);
        }
    }
}
