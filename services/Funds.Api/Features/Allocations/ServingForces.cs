using Grpc.Core;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.ServiceDefaults;

namespace Funds.Api.Features.Allocations;

/// <summary>A village of a county with its category and the first secretaries and technicians serving it on a day.</summary>
public sealed record ServedVillage(string Code, string Name, VillageCategory Category, IReadOnlyList<Assignment> Forces);

/// <summary>
/// Who serves where, asked of dispatch over gRPC as the service account (allocations are the county's budget, not the
/// caller's view of people): the county's villages (streamed) and each village's forces on a day.
/// </summary>
public sealed class ServingForces(VillageRegistry.VillageRegistryClient registry, Personnel.PersonnelClient personnel)
{
    public async Task<IReadOnlyList<ServedVillage>> ForCountyAsync(string countyCode, DateOnly onDate, CancellationToken cancellationToken)
    {
        try
        {
            var villages = new List<Village>();
            using (var call = registry.ListVillages(new ListVillagesRequest { Prefix = countyCode }, cancellationToken: cancellationToken))
            {
                await foreach (var village in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    villages.Add(village);
                }
            }

            var served = new List<ServedVillage>(villages.Count);
            foreach (var village in villages)
            {
                var forces = await personnel.GetVillageForcesAsync(new GetVillageForcesRequest { VillageCode = village.Code, OnDate = onDate.ToString("yyyy-MM-dd") },
                    cancellationToken: cancellationToken);
                served.Add(new ServedVillage(village.Code, village.Name, village.Category, forces.Active.ToList()));
            }

            return served;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal)
        {
            throw ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "dispatch_unavailable", "选派服务暂不可用",
                $"dispatch answered {ex.StatusCode} for the villages and forces of {countyCode}.").ToException("选派服务暂不可用，无法取得村和驻村力量");
        }
    }
}
