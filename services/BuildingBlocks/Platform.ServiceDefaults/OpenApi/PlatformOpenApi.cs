using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.OpenApi;

public static class PlatformOpenApi
{
    /// <summary>
    /// The service's published REST contract (GET /openapi/v1.json; the gateway serves it as /openapi/{service}.json),
    /// made to lint clean under Redocly's recommended rules (issue 22): title and description, the gateway as server,
    /// the bearer scheme required by every operation that is not anonymous, an <c>operationId</c> on each, and the
    /// problem responses each can give.
    /// </summary>
    public static IServiceCollection AddPlatformOpenApi(this IServiceCollection services, ApiContract contract) =>
        services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer(NullableProperties.TransformAsync);
            options.AddOperationTransformer(ContractOperations.TransformAsync);
            options.AddDocumentTransformer(new ContractDocument(contract));
        });
}
