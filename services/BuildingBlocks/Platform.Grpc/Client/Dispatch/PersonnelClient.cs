using Platform.Contracts.Grpc.Dispatch.V1;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace Platform.Grpc.Client.Dispatch;

/// <summary>Typed client of dispatch.v1.Personnel (cadres, units, village forces, posts, attendance).</summary>
public sealed class PersonnelClient(GrpcInvoker invoker)
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = PersonnelReflection.Descriptor.Services[0];
    private static readonly MethodDescriptor GetCadreMethod = Service.FindMethodByName(nameof(GetCadre));
    private static readonly MethodDescriptor GetUnitMethod = Service.FindMethodByName(nameof(GetUnit));
    private static readonly MethodDescriptor GetVillageForcesMethod = Service.FindMethodByName(nameof(GetVillageForces));
    private static readonly MethodDescriptor GetCadrePostMethod = Service.FindMethodByName(nameof(GetCadrePost));
    private static readonly MethodDescriptor GetMonthlyAttendanceMethod = Service.FindMethodByName(nameof(GetMonthlyAttendance));
    private static readonly MethodDescriptor ListMissingCheckInsMethod = Service.FindMethodByName(nameof(ListMissingCheckIns));

    public Task<Cadre> GetCadre(GetCadreRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<Cadre>(GetCadreMethod, request, options, cancellationToken);

    public Task<Unit> GetUnit(GetUnitRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<Unit>(GetUnitMethod, request, options, cancellationToken);

    public Task<VillageForces> GetVillageForces(GetVillageForcesRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<VillageForces>(GetVillageForcesMethod, request, options, cancellationToken);

    public Task<CadrePost> GetCadrePost(GetCadrePostRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<CadrePost>(GetCadrePostMethod, request, options, cancellationToken);

    public Task<MonthlyAttendance> GetMonthlyAttendance(GetMonthlyAttendanceRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<MonthlyAttendance>(GetMonthlyAttendanceMethod, request, options, cancellationToken);

    public Task<MissingCheckIns> ListMissingCheckIns(ListMissingCheckInsRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<MissingCheckIns>(ListMissingCheckInsMethod, request, options, cancellationToken);
}
