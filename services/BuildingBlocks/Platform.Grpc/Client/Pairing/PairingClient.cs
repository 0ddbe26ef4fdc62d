using Platform.Contracts.Grpc.Pairing.V1;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace Platform.Grpc.Client.Pairing;

/// <summary>Typed client of pairing.v1.Pairing.</summary>
public sealed class PairingClient(GrpcInvoker invoker)
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = PairingReflection.Descriptor.Services[0];
    private static readonly MethodDescriptor ListVillageHelperCoverageMethod = Service.FindMethodByName(nameof(ListVillageHelperCoverage));
    private static readonly MethodDescriptor GetComplianceMethod = Service.FindMethodByName(nameof(GetCompliance));
    private static readonly MethodDescriptor GetHouseholdHelpersMethod = Service.FindMethodByName(nameof(GetHouseholdHelpers));
    private static readonly MethodDescriptor ListHelperHouseholdsMethod = Service.FindMethodByName(nameof(ListHelperHouseholds));
    private static readonly MethodDescriptor ListUncontactedHouseholdsMethod = Service.FindMethodByName(nameof(ListUncontactedHouseholds));

    public IAsyncEnumerable<VillageHelperCoverage> ListVillageHelperCoverage(ListVillageHelperCoverageRequest request, GrpcCallOptions? options = null,
        CancellationToken cancellationToken = default) =>
        invoker.ServerStreamingAsync<VillageHelperCoverage>(ListVillageHelperCoverageMethod, request, options, cancellationToken);

    public Task<ComplianceSummary> GetCompliance(GetComplianceRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<ComplianceSummary>(GetComplianceMethod, request, options, cancellationToken);

    public Task<HouseholdHelpers> GetHouseholdHelpers(GetHouseholdHelpersRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<HouseholdHelpers>(GetHouseholdHelpersMethod, request, options, cancellationToken);

    public Task<HelperHouseholds> ListHelperHouseholds(ListHelperHouseholdsRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        invoker.UnaryAsync<HelperHouseholds>(ListHelperHouseholdsMethod, request, options, cancellationToken);

    public IAsyncEnumerable<UncontactedHousehold> ListUncontactedHouseholds(ListUncontactedHouseholdsRequest request, GrpcCallOptions? options = null,
        CancellationToken cancellationToken = default) =>
        invoker.ServerStreamingAsync<UncontactedHousehold>(ListUncontactedHouseholdsMethod, request, options, cancellationToken);
}
