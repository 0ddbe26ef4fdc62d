using Platform.Contracts.Grpc.Dispatch.V1;

namespace Platform.Grpc.Client.Dispatch;

/// <summary>Typed client of dispatch.v1.VillageRegistry; method descriptors come from the generated reflection class.</summary>
public sealed class VillageRegistryClient(GrpcInvoker invoker)
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = VillageRegistryReflection.Descriptor.Services[0];
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetVillageMethod = Service.FindMethodByName(nameof(GetVillage));
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListVillagesMethod = Service.FindMethodByName(nameof(ListVillages));

    public Task<Village> GetVillage(GetVillageRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<Village>(GetVillageMethod, request, options, cancellationToken);

    public IAsyncEnumerable<Village> ListVillages(ListVillagesRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.ServerStreamingAsync<Village>(ListVillagesMethod, request, options, cancellationToken);
}
