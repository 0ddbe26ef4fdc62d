using System.Globalization;
using Identity.Api.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Api.Features.Clients;

/// <summary>
/// Registers the configured clients at start, and brings registered ones in line with configuration (a changed secret,
/// redirect address or role takes effect on restart). Clients not in configuration are left alone.
/// </summary>
public sealed class ClientRegistrationSync(IServiceScopeFactory scopes, IOptions<IdentityServiceOptions> options, ILogger<ClientRegistrationSync> logger)
    : IHostedService
{
    public const string PlatformScope = "platform";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var registration in options.Value.Clients)
        {
            var descriptor = Describe(registration);
            var existing = await manager.FindByClientIdAsync(registration.ClientId, cancellationToken);
            if (existing is null)
            {
                await manager.CreateAsync(descriptor, cancellationToken);
                logger.LogInformation("Client {ClientId} registered", registration.ClientId);
            }
            else
            {
                await manager.UpdateAsync(existing, descriptor, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static OpenIddictApplicationDescriptor Describe(ClientRegistration registration)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = registration.ClientId,
            ClientSecret = registration.IsConfidential ? registration.ClientSecret : null,
            ClientType = registration.IsConfidential ? ClientTypes.Confidential : ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = string.IsNullOrEmpty(registration.DisplayName) ? registration.ClientId : registration.DisplayName,
        };
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        if (registration.IsConfidential && registration.Role is not null)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        if (registration.RedirectUriList.Count > 0)
        {
            descriptor.Permissions.UnionWith(
            [
                Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Prefixes.Scope + PlatformScope,
            ]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            foreach (var uri in registration.RedirectUriList)
            {
                descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
            }

            foreach (var uri in registration.PostLogoutRedirectUriList)
            {
                descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
            }
        }

        if (registration.AccessTokenLifetime is { } lifetime)
        {
            descriptor.Settings[Settings.TokenLifetimes.AccessToken] = lifetime.ToString("c", CultureInfo.InvariantCulture);
        }

        ClientProfile.From(registration).WriteTo(descriptor.Properties);
        return descriptor;
    }
}
