using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Platform.Grpc.Server;

/// <summary>gRPC callers get UNAUTHENTICATED / PERMISSION_DENIED as a gRPC status with a Chinese message; REST callers a 401 / 403 problem.</summary>
public sealed class GrpcAwareAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && GrpcStatusResponse.IsGrpc(context.Request))
        {
            return authorizeResult.Challenged
                ? GrpcStatusResponse.WriteTrailersOnlyAsync(context.Response, StatusCode.Unauthenticated, "未认证或令牌无效")
                : GrpcStatusResponse.WriteTrailersOnlyAsync(context.Response, StatusCode.PermissionDenied, "无权执行此操作");
        }

        return fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
