using Assessment.Api.Domain;
using Assessment.Api.Features.Complaints;
using Grpc.Core;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Satisfaction;

/// <summary>
/// The village a survey asks and the force it is about, from dispatch's registry (as the service account; the caller's
/// scope is applied here, on the village): the village's work team, or a cadre or assisting unit serving the village
/// today. A village outside the scope answers as a missing one (404 <c>village_not_found</c>); a force not serving the
/// village is a 400 <c>invalid_survey</c>.
/// </summary>
public sealed class SurveySubjects(Personnel.PersonnelClient personnel, VillageRegistry.VillageRegistryClient registry)
{
    public static readonly IReadOnlyList<string> Kinds = ComplaintSubjects.Kinds;

    public async Task<(string VillageCode, VoiceSubject Subject)> FindAsync(RegionScope scope, string villageCode, string kind, string? id,
        CancellationToken cancellationToken)
    {
        try
        {
            if (villageCode.Length != RegionScope.CodeLength || !villageCode.All(char.IsAsciiDigit) || !scope.Covers(villageCode))
            {
                throw VillageNotFound();
            }

            var village = await registry.GetVillageAsync(new GetVillageRequest { Code = villageCode }, cancellationToken: cancellationToken);
            if (kind == AccountabilitySubjectKinds.WorkTeam)
            {
                return string.IsNullOrEmpty(id) || id == village.Code
                    ? (village.Code, new VoiceSubject(kind, village.Code, village.Name + "驻村工作队", village.Code))
                    : throw NotServing("工作队须为本村的驻村工作队");
            }

            var forces = await personnel.GetVillageForcesAsync(new GetVillageForcesRequest { VillageCode = village.Code }, cancellationToken: cancellationToken);
            if (kind == AccountabilitySubjectKinds.Cadre)
            {
                var post = forces.Active.FirstOrDefault(a => a.CadreId.Length > 0 && string.Equals(a.CadreId, id, StringComparison.OrdinalIgnoreCase))
                    ?? throw NotServing("该干部未在本村帮扶");
                return (village.Code, new VoiceSubject(kind, post.CadreId, post.CadreName, village.Code));
            }

            var unit = forces.Active.FirstOrDefault(a => a.Force == "assisting_unit" && a.UnitCode == id) ?? throw NotServing("该单位未帮扶本村");
            var found = await personnel.GetUnitAsync(new GetUnitRequest { Code = unit.UnitCode }, cancellationToken: cancellationToken);
            return (village.Code, new VoiceSubject(kind, found.Code, found.Name, found.RegionCode.PadRight(RegionScope.CodeLength, '0')));
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            throw VillageNotFound();
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "服务暂不可用", $"dispatch answered {ex.StatusCode}.")
                .ToException("选派服务暂不可用，请稍后重试");
        }
    }

    private static ProblemException VillageNotFound() => ApiProblems.NotFound("village_not_found", "未找到该村").ToException("未找到该村");

    private static ProblemException NotServing(string message) =>
        ApiProblems.Invalid("invalid_survey", "满意度测评无效", [new FieldError("subjectId", "not_serving", message)]).ToException();
}
