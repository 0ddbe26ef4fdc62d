using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Platform.Security;

/// <summary>Other government systems (role integration) read; they change data only when their token carries grant=write.</summary>
public sealed class IntegrationReadOnlyRequirement : IAuthorizationRequirement;

public sealed class IntegrationReadOnlyHandler : AuthorizationHandler<IntegrationReadOnlyRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, IntegrationReadOnlyRequirement requirement)
    {
        var user = context.User;
        var onlyIntegration = user.IsInRole(Roles.Integration) && !Roles.All.Any(r => r != Roles.Integration && user.IsInRole(r));
        var method = (context.Resource as HttpContext)?.Request.Method ?? HttpMethods.Get;
        var reads = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || IsGrpc(context.Resource as HttpContext);
        if (!onlyIntegration || reads || user.HasClaim(PlatformClaims.Grant, Grants.Write))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    // gRPC calls are POSTs whatever they do; the gRPC contracts exposed to integrators are queries.
    private static bool IsGrpc(HttpContext? http) =>
        http?.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) ?? false;
}
