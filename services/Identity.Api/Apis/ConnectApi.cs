using Identity.Api.Features.SignIn;
using Identity.Api.Features.Tokens;
using Platform.Security;
using Platform.ServiceDefaults;

namespace Identity.Api.Apis;

/// <summary>
/// The OpenID Connect endpoints OpenIddict passes through to the platform's code once it has validated the request
/// (discovery, JWKS and revocation it answers itself). They are protocol endpoints, not REST resources: no region scope.
/// </summary>
public static class ConnectApi
{
    public static IEndpointRouteBuilder MapConnectApi(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("/connect").AllowAnonymous().ExcludeFromDescription().WithoutRegionScope("OpenID Connect protocol endpoints")
            .WithMetadata(ProtocolParameters.Instance);
        connect.MapPost("/token", TokenEndpoint.ExchangeAsync);
        connect.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeEndpoint.AuthorizeAsync);
        connect.MapMethods("/endsession", [HttpMethods.Get, HttpMethods.Post], EndSessionEndpoint.EndAsync);
        connect.MapMethods("/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoEndpoint.GetAsync);
        return app;
    }
}
