using Microsoft.Extensions.Options;
using Platform.Security;

namespace Platform.Grpc.Client;

/// <summary>
/// The service's own client at the identity service (section <c>ServiceAccount</c>): with both set, its token comes from
/// the client credentials grant at the token endpoint of <c>Auth:Authority</c>'s discovery document.
/// </summary>
public sealed class ServiceAccountOptions
{
    public const string Section = "ServiceAccount";

    /// <summary>The client id registered at the identity service, e.g. <c>assessment-service</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client's secret; never logged.</summary>
    public string? ClientSecret { get; set; }

    public bool HasClient => !string.IsNullOrEmpty(ClientId) && !string.IsNullOrEmpty(ClientSecret);
}

/// <summary>The start fails, naming the settings, where a service could not get a token for its calls outside requests.</summary>
internal sealed class ServiceAccountOptionsValidation(IOptions<AuthOptions> auth) : IValidateOptions<ServiceAccountOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceAccountOptions options)
    {
        if (string.IsNullOrEmpty(options.ClientId) != string.IsNullOrEmpty(options.ClientSecret))
        {
            return ValidateOptionsResult.Fail("Set both ServiceAccount:ClientId and ServiceAccount:ClientSecret (the service's client at the identity service), or neither.");
        }

        if (options.HasClient && string.IsNullOrWhiteSpace(auth.Value.Authority))
        {
            return ValidateOptionsResult.Fail("ServiceAccount:ClientId needs Auth:Authority: the token endpoint comes from the identity service's discovery document.");
        }

        if (!options.HasClient && string.IsNullOrEmpty(auth.Value.SigningKey))
        {
            return ValidateOptionsResult.Fail(
                "Set ServiceAccount:ClientId and ServiceAccount:ClientSecret (the service's client at the identity service of Auth:Authority): "
                + "consumers and jobs call other services as the service. Only development and tests mint its token from Auth:SigningKey.");
        }

        return ValidateOptionsResult.Success;
    }
}
