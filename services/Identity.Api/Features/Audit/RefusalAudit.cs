using Identity.Api.Domain;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Identity.Api.Features.Audit;

/// <summary>
/// Audits every error answer of the token, authorization and userinfo endpoints, whoever decided it: OpenIddict itself (a wrong
/// client secret, a revoked refresh token, a missing PKCE challenge, an unregistered redirect address) or the platform's
/// handlers (a disabled account, a narrowing beyond the client's own).
/// </summary>
public sealed class RefusalAudit(AuditLog audit) :
    IOpenIddictServerHandler<ApplyTokenResponseContext>,
    IOpenIddictServerHandler<ApplyAuthorizationResponseContext>,
    IOpenIddictServerHandler<ApplyUserInfoResponseContext>
{
    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.Error is { } error)
        {
            await WriteAsync(AuditActions.TokenRefused, context.Request?.ClientId, $"{context.Request?.GrantType}: {error}: {context.Response.ErrorDescription}",
                context.CancellationToken);
        }
    }

    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.Error is { } error)
        {
            await WriteAsync(AuditActions.AuthorizationRefused, context.Request?.ClientId, $"{error}: {context.Response.ErrorDescription}", context.CancellationToken);
        }
    }

    public async ValueTask HandleAsync(ApplyUserInfoResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.Error is { } error)
        {
            await WriteAsync(AuditActions.TokenRefused, context.Request?.ClientId, $"userinfo: {error}: {context.Response.ErrorDescription}", context.CancellationToken);
        }
    }

    private Task WriteAsync(string action, string? clientId, string detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(action, clientId ?? "anonymous", AuditActions.Refused, cancellationToken, clientId: clientId, detail: detail);

    public static OpenIddictServerHandlerDescriptor ForToken { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
        .UseScopedHandler<RefusalAudit>()
        .SetOrder(int.MinValue + 50_000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public static OpenIddictServerHandlerDescriptor ForUserInfo { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyUserInfoResponseContext>()
        .UseScopedHandler<RefusalAudit>()
        .SetOrder(int.MinValue + 50_000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public static OpenIddictServerHandlerDescriptor ForAuthorization { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
        .UseScopedHandler<RefusalAudit>()
        .SetOrder(int.MinValue + 50_000)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();
}
