using Assessment.Api.Domain;
using Assessment.Api.Features.Accountability;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Complaints;

/// <summary>A subject of the villagers' voice as dispatch knows it: its name and the 12-digit region the scope rule compares.</summary>
public sealed record VoiceSubject(string Kind, string Id, string Name, string RegionCode);

/// <summary>
/// The subject a complaint names: an assisting unit, a cadre or a work team, found as the register finds its subjects
/// (<see cref="AccountabilitySubjects"/>: a cadre's region is the village of their resident post, else their unit's),
/// so a bulletin the complaint leads to is filed against the same subject. Missing and outside the caller's scope
/// answer alike: 404 <c>subject_not_found</c>.
/// </summary>
public sealed class ComplaintSubjects(AccountabilitySubjects subjects)
{
    public static readonly IReadOnlyList<string> Kinds = [AccountabilitySubjectKinds.AssistingUnit, AccountabilitySubjectKinds.Cadre, AccountabilitySubjectKinds.WorkTeam];

    public async Task<VoiceSubject> FindAsync(RegionScope scope, string kind, string id, CancellationToken cancellationToken)
    {
        var subject = Kinds.Contains(kind, StringComparer.Ordinal) ? await subjects.FindAsync(kind, id, cancellationToken) : null;
        return subject is not null && scope.Covers(subject.RegionCode)
            ? new VoiceSubject(subject.Kind, subject.Id, subject.Name, subject.RegionCode)
            : throw NotFound();
    }

    public static ProblemException NotFound() => ApiProblems.NotFound("subject_not_found", "未找到诉求对象").ToException("未找到该诉求对象");
}
