using System.Globalization;
using Funds.Api.Domain;
using Platform.Contracts.Grpc.Dispatch.V1;
using Platform.Grpc.Server;

namespace Funds.Api.Features.Allocations;

/// <summary>
/// What a recomputation caused by an assignment event needs from dispatch (over gRPC, as the service, before any
/// transaction): the village's name and category, and the assignment (its holder's name and start) as dispatch has it.
/// An error of dispatch fails the message, which is retried and then parked, never lost.
/// </summary>
public sealed class AllocationFacts(VillageRegistry.VillageRegistryClient registry, Personnel.PersonnelClient personnel)
{
    public sealed record Posting(VillageFacts Village, Assignment Assignment);

    /// <summary>The programme a force's working funds come from, or null for a force funds does not pay per person.</summary>
    public static Programme? ProgrammeOf(string force) => force switch
    {
        "first_secretary" => Programmes.Find(Programmes.FirstSecretaryFunds),
        "agricultural_technician" => Programmes.Find(Programmes.TechnicianFunds),
        _ => null,
    };

    /// <summary>A day as dispatch's gRPC writes it (yyyy-MM-dd).</summary>
    public static DateOnly Day(string value) => DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string PostName(string force) => force == "first_secretary" ? "第一书记" : "农技员";

    public static string EndKindName(string endKind) => endKind switch
    {
        "recalled" => "召回", "adjusted" => "调整", "completed" => "期满", _ => "离任",
    };

    /// <summary>The posting of a first secretary's or technician's assignment on a day; null for other forces (nothing to recompute).</summary>
    public async Task<Posting?> ForCadreAsync(string force, Guid? cadreId, string villageCode, Guid assignmentId, DateOnly onDate, CancellationToken cancellationToken) =>
        ProgrammeOf(force) is null || cadreId is null ? null : await PostingAsync(villageCode, assignmentId, onDate, cancellationToken);

    public async Task<Posting> PostingAsync(string villageCode, Guid assignmentId, DateOnly onDate, CancellationToken cancellationToken)
    {
        var village = await registry.GetVillageAsync(new GetVillageRequest { Code = villageCode }, cancellationToken: cancellationToken);
        var forces = await personnel.GetVillageForcesAsync(new GetVillageForcesRequest { VillageCode = villageCode, OnDate = GrpcFields.Format(onDate) },
            cancellationToken: cancellationToken);
        var assignment = forces.Active.FirstOrDefault(a => a.Id == assignmentId.ToString())
            ?? throw new InvalidOperationException($"Dispatch does not list assignment {assignmentId} in {villageCode} on {onDate:yyyy-MM-dd}.");
        return new Posting(new VillageFacts(village.Code, village.Name, AllocationTargets.CategoryCode(village.Category)), assignment);
    }
}
