using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Security;

/// <summary>Token validation settings (section <c>Auth</c>). Either an OpenID Connect authority or a signing key.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    [Required]
    public string Issuer { get; set; } = string.Empty;

    [Required]
    public string Audience { get; set; } = string.Empty;

    /// <summary>Production: the province's OpenID Connect provider; keys come from its metadata.</summary>
    public string? Authority { get; set; }

    /// <summary>Development and tests: a symmetric HS256 key (at least 32 bytes, UTF-8).</summary>
    public string? SigningKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(SigningKey))
        {
            yield return new ValidationResult(
                "Set Auth:Authority (OpenID Connect provider) or Auth:SigningKey (development key).",
                [nameof(Authority), nameof(SigningKey)]);
        }

        if (!string.IsNullOrEmpty(SigningKey) && Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            yield return new ValidationResult("Auth:SigningKey must be at least 32 bytes.", [nameof(SigningKey)]);
        }
    }

    public SecurityKey? CreateSigningKey() =>
        string.IsNullOrEmpty(SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)) { KeyId = "platform-dev" };
}

public static class SecurityExtensions
{
    /// <summary>JWT bearer validation, the platform's policies, and a fallback policy that requires a signed-in caller.</summary>
    public static IHostApplicationBuilder AddPlatformAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));

        builder.Services.AddPlatformAuthorization();
        return builder;
    }

    /// <summary>
    /// The platform's policies and a fallback policy that requires a signed-in caller, whatever scheme authenticates it
    /// (JWT bearer in the services; the identity service validates its own tokens locally).
    /// </summary>
    public static IServiceCollection AddPlatformAuthorization(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.ImportRegistry, p => p.RequireRole(Roles.Province, Roles.City, Roles.County))
            .AddPolicy(Policies.Operate, p => p.RequireRole(Roles.Province))
            .AddPolicy(Policies.ManageForces, p => p.RequireRole(Roles.Province, Roles.City, Roles.County))
            .AddPolicy(Policies.Caller, p => p.RequireAuthenticatedUser().AddRequirements(new IntegrationReadOnlyRequirement()));
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, IntegrationReadOnlyHandler>();
        return services;
    }

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        jwt.MapInboundClaims = false;
        // Nothing reads the token back from the authentication properties (calls made as the caller copy the request's
        // Authorization header), so it is not stored there on every request.
        jwt.SaveToken = false;
        jwt.RequireHttpsMetadata = auth.Authority?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false;
        if (!string.IsNullOrEmpty(auth.Authority))
        {
            jwt.Authority = auth.Authority;
        }

        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = auth.CreateSigningKey(),
            ValidateIssuerSigningKey = true,
            RoleClaimType = PlatformClaims.Role,
            NameClaimType = PlatformClaims.Subject,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        // A signed token without a known role is no platform credential: refused here, in the gateway and in every
        // service, on REST (401) and gRPC (UNAUTHENTICATED) alike, before any policy or handler sees it.
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal is null || !Roles.AreKnown(context.Principal))
                {
                    context.Fail("The token carries no role, or a role the platform does not know.");
                }

                return Task.CompletedTask;
            },
            // The audit of a refused token at a resource server: what was wrong with it (another issuer, an unknown key,
            // expired), never the token itself. 401 follows.
            OnAuthenticationFailed = context =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Security.TokenRefused")
                    .LogWarning("token_refused: {Reason} ({Path})", context.Exception.Message, context.Request.Path.Value);
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Who did it, for audit columns.</summary>
    public static string GetActor(this ClaimsPrincipal user) =>
        user.FindFirst(PlatformClaims.Subject)?.Value ?? user.FindFirst(PlatformClaims.Name)?.Value ?? "unknown";

    public static string GetActor(this HttpContext context) => context.User.GetActor();
}
