using System.Security.Claims;
using Grpc.Core;
using Platform.Security;

namespace Platform.Grpc.Server;

public static class GrpcCallerExtensions
{
    /// <summary>The caller, as authenticated by the service's JWT bearer handler.</summary>
    public static ClaimsPrincipal GetUser(this ServerCallContext context) => context.GetHttpContext().User;

    /// <summary>The caller's region scope, or PERMISSION_DENIED (missing_region_scope) when the token has none.</summary>
    public static RegionScope GetRegionScope(this ServerCallContext context) => RegionScope.Require(context.GetUser());
}
