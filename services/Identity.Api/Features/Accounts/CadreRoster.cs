using Grpc.Core;
using Platform.Contracts.Grpc.Dispatch.V1;

namespace Identity.Api.Features.Accounts;

/// <summary>A cadre dispatch shows serving in a village of the county today: their resident post, or another force (not resident).</summary>
public sealed record RosterCadre(Guid CadreId, string Name, string VillageCode, string Force, bool Resident);

/// <summary>
/// The cadres serving a county's villages today, asked of dispatch over gRPC as the caller (its token, so dispatch's scope
/// holds too): the county's villages (<c>VillageRegistry.ListVillages</c>, streamed) and each village's active forces
/// (<c>Personnel.GetVillageForces</c>). Dispatch has no call that lists a county's cadres who serve nowhere; they are not
/// seen here. A cadre holds at most one resident post (dispatch's constraint), which is the village their account is for.
/// </summary>
public sealed class CadreRoster(VillageRegistry.VillageRegistryClient registry, Personnel.PersonnelClient personnel)
{
    /// <summary>The resident posts (first secretary, work-team leader and member): the cadres who get an account.</summary>
    public static readonly IReadOnlySet<string> ResidentForces = new HashSet<string>(StringComparer.Ordinal) { "first_secretary", "team_leader", "team_member" };

    public async Task<IReadOnlyList<RosterCadre>> ForCountyAsync(string county, CancellationToken cancellationToken)
    {
        try
        {
            var villages = new List<string>();
            using (var call = registry.ListVillages(new ListVillagesRequest { Prefix = county }, cancellationToken: cancellationToken))
            {
                await foreach (var village in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    villages.Add(village.Code);
                }
            }

            var cadres = new Dictionary<Guid, RosterCadre>();
            foreach (var village in villages)
            {
                var forces = await personnel.GetVillageForcesAsync(new GetVillageForcesRequest { VillageCode = village }, cancellationToken: cancellationToken);
                foreach (var assignment in forces.Active.Where(a => Guid.TryParse(a.CadreId, out _)))
                {
                    var cadre = new RosterCadre(Guid.Parse(assignment.CadreId), assignment.CadreName, assignment.VillageCode, assignment.Force,
                        ResidentForces.Contains(assignment.Force));
                    // The resident post wins over another force the same cadre serves elsewhere (a technician in a second village).
                    if (!cadres.TryGetValue(cadre.CadreId, out var seen) || (cadre.Resident && !seen.Resident))
                    {
                        cadres[cadre.CadreId] = cadre;
                    }
                }
            }

            return [.. cadres.Values.OrderBy(c => c.VillageCode, StringComparer.Ordinal).ThenBy(c => c.CadreId)];
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unauthenticated)
        {
            throw AccountProblems.Dispatch();
        }
    }
}
