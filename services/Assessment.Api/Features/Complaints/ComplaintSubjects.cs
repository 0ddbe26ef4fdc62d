using Assessment.Api.Domain;
using Grpc.Core;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Complaints;

/// <summary>A subject of the villagers' voice as dispatch knows it: its name and the 12-digit region the scope rule compares.</summary>
public sealed record VoiceSubject(string Kind, string Id, string Name, string RegionCode);

/// <summary>
/// Finds the subject a complaint names in dispatch's registry (as the service account; the caller's scope is applied
/// here, on the region found): an assisting unit by its code (its region), a cadre by id (the village of their resident
/// post, else their unit's region, as the register files a cadre), a work team by its village's code. Missing and
/// outside the caller's scope answer alike: 404 <c>subject_not_found</c>.
/// </summary>
public sealed class ComplaintSubjects(Personnel.PersonnelClient personnel, VillageRegistry.VillageRegistryClient registry)
{
    public static readonly IReadOnlyList<string> Kinds = [AccountabilitySubjectKinds.AssistingUnit, AccountabilitySubjectKinds.Cadre, AccountabilitySubjectKinds.WorkTeam];

    public async Task<VoiceSubject> FindAsync(RegionScope scope, string kind, string id, CancellationToken cancellationToken)
    {
        VoiceSubject? subject;
        try
        {
            subject = kind switch
            {
                AccountabilitySubjectKinds.AssistingUnit => await UnitAsync(id, cancellationToken),
                AccountabilitySubjectKinds.Cadre when Guid.TryParse(id, out var cadreId) => await CadreAsync(cadreId, cancellationToken),
                AccountabilitySubjectKinds.WorkTeam when id.Length == RegionScope.CodeLength && id.All(char.IsAsciiDigit) => await WorkTeamAsync(id, cancellationToken),
                _ => null,
            };
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            subject = null;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "服务暂不可用", $"dispatch answered {ex.StatusCode}.")
                .ToException("选派服务暂不可用，请稍后重试");
        }

        return subject is not null && scope.Covers(subject.RegionCode)
            ? subject
            : throw NotFound();
    }

    public static ProblemException NotFound() => ApiProblems.NotFound("subject_not_found", "未找到诉求对象").ToException("未找到该诉求对象");

    private async Task<VoiceSubject> UnitAsync(string code, CancellationToken cancellationToken)
    {
        var unit = await personnel.GetUnitAsync(new GetUnitRequest { Code = code }, cancellationToken: cancellationToken);
        return new VoiceSubject(AccountabilitySubjectKinds.AssistingUnit, unit.Code, unit.Name, Pad(unit.RegionCode));
    }

    private async Task<VoiceSubject> CadreAsync(Guid id, CancellationToken cancellationToken)
    {
        var cadre = await personnel.GetCadreAsync(new GetCadreRequest { CadreId = id.ToString() }, cancellationToken: cancellationToken);
        var post = await personnel.GetCadrePostAsync(new GetCadrePostRequest { CadreId = cadre.Id }, cancellationToken: cancellationToken);
        var region = post.HasPost ? post.Assignment.VillageCode : cadre.RegionCode;
        return new VoiceSubject(AccountabilitySubjectKinds.Cadre, cadre.Id, cadre.Name, Pad(region));
    }

    private async Task<VoiceSubject> WorkTeamAsync(string villageCode, CancellationToken cancellationToken)
    {
        var village = await registry.GetVillageAsync(new GetVillageRequest { Code = villageCode }, cancellationToken: cancellationToken);
        return new VoiceSubject(AccountabilitySubjectKinds.WorkTeam, village.Code, village.Name + "驻村工作队", village.Code);
    }

    private static string Pad(string code) => code.PadRight(RegionScope.CodeLength, '0');
}
