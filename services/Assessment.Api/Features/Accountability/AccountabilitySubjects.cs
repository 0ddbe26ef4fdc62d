using Assessment.Api.Domain;
using Assessment.Api.Features.Names;
using Dapper;
using Grpc.Core;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.Accountability;

/// <summary>A subject of the register as resolved: its name and its 12-digit region code (what the scope rule compares).</summary>
public sealed record AccountabilitySubject(string Kind, string Id, string Name, string RegionCode);

/// <summary>
/// Resolves who an entry is about. Regions and units come from the local copy of dispatch's registry
/// (<c>region_names</c>, <c>unit_names</c>), else from dispatch itself (a name not copied yet: a month not scored);
/// a cadre always from dispatch (GetCadre, and GetCadrePost for the village the cadre serves, which is then the
/// cadre's region here: a county records against the city's cadre posted in its village). Dispatch is asked as the
/// service; the caller's scope is applied here, and a subject outside it is missing, exactly like one that does not exist.
/// </summary>
public sealed class AccountabilitySubjects(Personnel.PersonnelClient personnel, RegionNames regionNames, NpgsqlDataSource dataSource)
{
    /// <summary>The subject within <paramref name="scope"/>; 404 subject_not_found when it is missing or outside the scope.</summary>
    public async Task<AccountabilitySubject> RequireAsync(RegionScope scope, string kind, string id, CancellationToken cancellationToken)
    {
        var subject = await FindAsync(kind, id, cancellationToken);
        return subject is not null && scope.Covers(subject.RegionCode)
            ? subject
            : throw ApiProblems.NotFound("subject_not_found", "未找到问责对象").ToException("未找到该问责对象");
    }

    /// <summary>The subject wherever it is (the service's own rules), null when dispatch does not know it.</summary>
    public async Task<AccountabilitySubject?> FindAsync(string kind, string id, CancellationToken cancellationToken)
    {
        try
        {
            return kind switch
            {
                AccountabilitySubjectKinds.Cadre => await CadreAsync(id, cancellationToken),
                AccountabilitySubjectKinds.AssistingUnit => await UnitAsync(id, withHead: false, cancellationToken) is { } unit
                    ? new AccountabilitySubject(kind, id, unit.Name, unit.RegionCode) : null,
                AccountabilitySubjectKinds.UnitHead => await UnitAsync(id, withHead: true, cancellationToken) is { } unit
                    ? new AccountabilitySubject(kind, id, AccountabilitySubjectKinds.UnitHeadName(unit.Name, unit.HeadName), unit.RegionCode) : null,
                AccountabilitySubjectKinds.County when IsCode(id, 6) => await RegionAsync(kind, id, RegionNames.County, name => name, cancellationToken),
                AccountabilitySubjectKinds.Township when IsCode(id, 9) => await RegionAsync(kind, id, RegionNames.Township, name => name, cancellationToken),
                AccountabilitySubjectKinds.TownshipSecretary when IsCode(id, 9) => await RegionAsync(kind, id, RegionNames.Township, name => $"{name}党委书记", cancellationToken),
                AccountabilitySubjectKinds.WorkTeam when IsCode(id, 12) => await WorkTeamAsync(id, cancellationToken),
                _ => null,
            };
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal)
        {
            throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "服务暂不可用",
                $"dispatch answered {ex.StatusCode} for the subject {kind} {id}.").ToException("选派服务暂不可用，无法核实问责对象");
        }
    }

    private static bool IsCode(string id, int length) => id.Length == length && id.All(char.IsAsciiDigit);

    private async Task<AccountabilitySubject?> CadreAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var cadreId))
        {
            return null;
        }

        Cadre cadre;
        try
        {
            cadre = await personnel.GetCadreAsync(new GetCadreRequest { CadreId = cadreId.ToString() }, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return null;
        }

        var post = await personnel.GetCadrePostAsync(new GetCadrePostRequest { CadreId = cadre.Id }, cancellationToken: cancellationToken);
        var region = post.HasPost ? post.Assignment.VillageCode : cadre.RegionCode;
        return new AccountabilitySubject(AccountabilitySubjectKinds.Cadre, cadre.Id, cadre.Name, SubjectKinds.Pad(region));
    }

    /// <summary>
    /// A unit's name and region: the local copy, else dispatch. A unit's head is always asked of dispatch (the copy
    /// keeps no head), so that the entry names the person: 通川区农业农村局主要负责人王局长.
    /// </summary>
    private async Task<(string Name, string RegionCode, string? HeadName)?> UnitAsync(string code, bool withHead, CancellationToken cancellationToken)
    {
        if (!withHead)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var local = await connection.QuerySingleOrDefaultAsync<(string Name, string RegionCode)?>(new CommandDefinition(
                "SELECT name, region_code FROM unit_names WHERE code = @code", new { code }, cancellationToken: cancellationToken));
            if (local is { } known)
            {
                return (known.Name, SubjectKinds.Pad(known.RegionCode), null);
            }
        }

        try
        {
            var unit = await personnel.GetUnitAsync(new GetUnitRequest { Code = code }, cancellationToken: cancellationToken);
            return (unit.Name, SubjectKinds.Pad(unit.RegionCode), unit.HeadName);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return null;
        }
    }

    private async Task<AccountabilitySubject?> RegionAsync(string kind, string code, string level, Func<string, string> name, CancellationToken cancellationToken) =>
        await regionNames.FindAsync(code, level, cancellationToken) is { } found ? new AccountabilitySubject(kind, code, name(found), SubjectKinds.Pad(code)) : null;

    private async Task<AccountabilitySubject?> WorkTeamAsync(string village, CancellationToken cancellationToken)
    {
        var name = await regionNames.FindAsync(village, RegionNames.Village, cancellationToken);
        if (name is null)
        {
            return null;
        }

        var township = await regionNames.FindAsync(village[..9], RegionNames.Township, cancellationToken) ?? string.Empty;
        return new AccountabilitySubject(AccountabilitySubjectKinds.WorkTeam, village, $"{township}{name}驻村工作队", village);
    }
}
