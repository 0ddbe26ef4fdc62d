using Identity.Api.Data;
using Identity.Api.Domain;
using Identity.Api.Features.Audit;
using Identity.Api.Features.Clients;
using Identity.Api.Features.Federation;
using Identity.Api.Features.Keys;
using Identity.Api.Features.SignIn;
using Identity.Api.Features.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using Platform.Data;
using Platform.Grpc.Server;
using Platform.Scheduling;
using Platform.Security;
using Platform.Security.PersonalData;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Platform.ServiceDefaults.OpenApi;

namespace Identity.Api.Extensions;

internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<IdentityServiceOptions>().Bind(builder.Configuration.GetSection(IdentityServiceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddPlatformGrpcServer();
        builder.AddPlatformDatabase(typeof(Extensions).Assembly);
        // The private parts of the token server's keys are encrypted at rest with the platform's personal-data key.
        builder.AddPersonalDataProtection();
        builder.Services.AddDbContext<IdentityDb>((provider, options) => options
            .UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>())
            .UseSnakeCaseNamingConvention()
            .UseOpenIddict());

        builder.AddAccounts();
        builder.AddTokenServer();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<PasswordSignIn>();

        builder.AddPlatformScheduling("Identity:Jobs");
        builder.Services.AddScheduledJob<KeyRotationJob>(KeyRotationJob.Name, KeyRotationJob.DefaultSchedule);
        builder.Services.AddScheduledJob<TokenPruningJob>(TokenPruningJob.Name, TokenPruningJob.DefaultSchedule);
        builder.Services.AddRazorPages();
        // Chinese in the pages' source as characters, not numeric entities (still HTML-encoded where it must be).
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddPlatformOpenApi(new ApiContract(
            "身份服务 Identity API",
            "账号与令牌：账号管理、干部账号、接入系统的客户端。令牌本身由 OpenID Connect 端点签发（/connect/token）。 / Accounts and tokens: accounts, cadre accounts, the clients of integrating systems. Tokens come from the OpenID Connect endpoints (/connect/token)."));
        return builder;
    }

    /// <summary>ASP.NET Core Identity's accounts: the standard password hasher, lockout and password rules, Chinese messages.</summary>
    private static void AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddIdentityCore<Account>()
            .AddEntityFrameworkStores<IdentityDb>()
            .AddErrorDescriber<ChineseIdentityErrors>()
            .AddDefaultTokenProviders();
        builder.Services.AddOptions<IdentityOptions>().Configure<IOptions<IdentityServiceOptions>>((identity, settings) =>
        {
            identity.Password.RequiredLength = 10;
            identity.Password.RequireDigit = true;
            identity.Password.RequireLowercase = true;
            identity.Password.RequireUppercase = true;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = settings.Value.MaxFailedSignIns;
            identity.Lockout.DefaultLockoutTimeSpan = settings.Value.LockoutDuration;
            identity.User.RequireUniqueEmail = false;
            identity.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
            identity.ClaimsIdentity.UserNameClaimType = Claims.Name;
            identity.ClaimsIdentity.UserIdClaimType = Claims.Subject;
        });
    }

    /// <summary>
    /// OpenIddict: code + PKCE for people (the console), client credentials for systems and service accounts, rolling
    /// refresh tokens; JWT access tokens (not encrypted) that the services' JwtBearer reads; keys from <see cref="SigningKeyRing"/>.
    /// </summary>
    private static void AddTokenServer(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(IdentityServiceOptions.Section).Get<IdentityServiceOptions>() ?? new IdentityServiceOptions();
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDb>())
            .AddServer(server =>
            {
                if (Uri.TryCreate(settings.Issuer, UriKind.Absolute, out var issuer))
                {
                    server.SetIssuer(issuer);
                }

                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, ClientRegistrationSync.PlatformScope);
                server.RegisterClaims(Claims.Subject, Claims.Name, PlatformClaims.Role, PlatformClaims.Region, PlatformClaims.Grant);
                server.SetAccessTokenLifetime(settings.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(settings.RefreshTokenLifetime)
                    .SetAuthorizationCodeLifetime(settings.AuthorizationCodeLifetime);
                // The services validate access tokens with plain JwtBearer from the discovery document, so they are signed, not encrypted.
                server.DisableAccessTokenEncryption();
                server.AddEventHandler(RefusalAudit.ForToken);
                server.AddEventHandler(RefusalAudit.ForAuthorization);
                server.AddEventHandler(RefusalAudit.ForUserInfo);
                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough();
                if (settings.AllowHttp)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            // The service's own REST API (accounts, audit) accepts the tokens this server issues, validated in-process.
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });

        builder.Services.AddSingleton<SigningKeyRing>();
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(provider => provider.GetRequiredService<SigningKeyRing>());
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeysConfiguration>();
        builder.Services.AddHostedService<KeyRingStartup>();
        builder.Services.AddHostedService<ClientRegistrationSync>();

        var authentication = builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                options.DefaultAuthenticateScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
            })
            .AddCookie(SessionCookie.Scheme, cookie =>
            {
                cookie.LoginPath = "/account/login";
                cookie.LogoutPath = "/connect/endsession";
                cookie.Cookie.Name = "platform.identity";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = settings.AllowHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                cookie.SlidingExpiration = true;
            });
        builder.AddFederation(authentication);
        builder.Services.AddPlatformAuthorization();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(IdentityPolicies.ManageAccounts, p => p.RequireRole(Roles.Province, Roles.City, Roles.County));
    }
}
