using Assessment.Api.Features.Names;
using Grpc.Core;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.ServiceDefaults;

namespace Assessment.Api.Features.AnnualReview;

/// <summary>A county, village or unit as dispatch knows it.</summary>
public sealed record DispatchRegion(string Code, string Name);

/// <summary>The unit whose head answers for a village (the dispatching unit of its first secretary, else its assisting unit).</summary>
public sealed record ResponsibleUnit(string Code, string Name, string RegionCode, string? HeadName, string Reason);

/// <summary>A city department (assisting unit of level city) under a prefix.</summary>
public sealed record CityDepartment(string Code, string Name, string RegionCode, string? HeadName);

/// <summary>
/// What the year-end features ask dispatch over gRPC, as the service account (the caller's scope is checked by the
/// feature before it asks): counties and villages (through <see cref="RegionNames"/>), a village's forces and units. Called with no connection open.
/// </summary>
public sealed class DispatchLookups(RegionNames regionNames, Personnel.PersonnelClient personnel)
{
    /// <summary>The county with this 6-digit code, or null when dispatch has none.</summary>
    public Task<DispatchRegion?> CountyAsync(string countyCode, CancellationToken cancellationToken) => RegionAsync(countyCode, RegionNames.County, cancellationToken);

    /// <summary>The village with this 12-digit code, or null when dispatch has none.</summary>
    public Task<DispatchRegion?> VillageAsync(string villageCode, CancellationToken cancellationToken) => RegionAsync(villageCode, RegionNames.Village, cancellationToken);

    private Task<DispatchRegion?> RegionAsync(string code, string level, CancellationToken cancellationToken) => Ask(async () =>
        await regionNames.FindAsync(code, level, cancellationToken) is { } name ? new DispatchRegion(code, name) : null);

    /// <summary>
    /// The unit that answers for a village on a day: the unit that dispatched its first secretary (选派单位), else the
    /// assisting unit serving it (the first by code); null when neither serves it.
    /// </summary>
    public Task<ResponsibleUnit?> ResponsibleUnitAsync(string villageCode, DateOnly onDate, CancellationToken cancellationToken) => Ask(async () =>
    {
        var forces = await personnel.GetVillageForcesAsync(new GetVillageForcesRequest { VillageCode = villageCode, OnDate = onDate.ToString("yyyy-MM-dd") },
            cancellationToken: cancellationToken);
        var secretary = forces.Active.FirstOrDefault(a => a.Force == "first_secretary" && a.UnitCode.Length > 0);
        var chosen = secretary is not null
            ? (secretary.UnitCode, Reason: $"第一书记{secretary.CadreName}的派出单位")
            : forces.Active.Where(a => a.Force == "assisting_unit").OrderBy(a => a.UnitCode, StringComparer.Ordinal)
                .Select(a => (a.UnitCode, Reason: "帮扶单位")).FirstOrDefault();
        if (chosen.UnitCode is null)
        {
            return null;
        }

        try
        {
            var unit = await personnel.GetUnitAsync(new GetUnitRequest { Code = chosen.UnitCode }, cancellationToken: cancellationToken);
            return new ResponsibleUnit(unit.Code, unit.Name, unit.RegionCode, unit.HeadName, chosen.Reason);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound)
        {
            return new ResponsibleUnit(chosen.UnitCode, chosen.UnitCode, villageCode, null, chosen.Reason);
        }
    });

    /// <summary>The assisting units of level city whose region lies under the city's prefix.</summary>
    public Task<IReadOnlyList<CityDepartment>> CityDepartmentsAsync(string cityCode, CancellationToken cancellationToken) => Ask(async () =>
    {
        var departments = new List<CityDepartment>();
        using var call = personnel.ListUnits(new ListUnitsRequest { Prefix = cityCode }, cancellationToken: cancellationToken);
        await foreach (var unit in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (unit.Level == "city")
            {
                departments.Add(new CityDepartment(unit.Code, unit.Name, unit.RegionCode, unit.HeadName));
            }
        }

        return (IReadOnlyList<CityDepartment>)departments;
    });

    private static async Task<T> Ask<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal)
        {
            throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable", "选派服务暂不可用，请稍后重试",
                $"dispatch answered {ex.StatusCode}.").ToException("选派服务暂不可用，请稍后重试");
        }
    }
}
