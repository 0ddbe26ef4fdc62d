using System.Globalization;
using System.Net.Sockets;
using Duende.IdentityModel.Client;
using Platform.Cli.CommandLine;

namespace Platform.Cli.Commands;

/// <summary>The identity service and the client a command gets its token from (client credentials).</summary>
internal sealed record ClientCredentials(Uri Authority, string ClientId, string ClientSecret);

/// <summary>What a script asks the token to carry instead of the client's own (the contract's narrowing form fields).</summary>
internal sealed record Narrowing(IReadOnlyList<string> Roles, string Region, IReadOnlyList<string> Grants);

/// <summary>The identity service refused the token or could not be asked: one line for the operator, exit code 1.</summary>
internal sealed class TokenRequestException(string message) : Exception(message);

/// <summary>Options of the commands that get their token from the identity service, and which of them belong to the other mode.</summary>
internal static class ClientCredentialsOptions
{
    public static readonly OptionSpec Authority = new("authority", "URL",
        "client credentials: the identity service's issuer, e.g. http://127.0.0.1:5600/ (its discovery document names the token endpoint)");

    public static readonly OptionSpec ClientId = new("client-id", "ID", "client credentials: the client at the identity service, e.g. platform-cli");

    public static readonly OptionSpec ClientSecretFile = new("client-secret-file", "PATH",
        "client credentials: file holding the client's secret, e.g. .local/identity/platform-cli.secret");

    /// <summary>Client credentials (with <c>--authority</c>), or null for the development key; mixing the two modes is a usage error.</summary>
    public static ClientCredentials? Parse(ParsedOptions options, IEnumerable<OptionSpec> developmentKeyOptions)
    {
        if (!options.IsGiven(Authority.Name))
        {
            foreach (var option in new[] { ClientId, ClientSecretFile }.Where(o => options.IsGiven(o.Name)))
            {
                throw options.Fail($"option '--{option.Name}' needs --{Authority.Name}");
            }

            return null;
        }

        foreach (var option in developmentKeyOptions.Where(o => options.IsGiven(o.Name)))
        {
            throw options.Fail($"option '--{option.Name}' belongs to the development-key mode; leave it out with --{Authority.Name}");
        }

        var text = options.GetRequired(Authority.Name);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttp && authority.Scheme != Uri.UriSchemeHttps))
        {
            throw options.Fail($"option '--{Authority.Name}' must be an absolute http or https address, got '{text}'");
        }

        var clientId = options.Get(ClientId.Name) is { Length: > 0 } id ? id : throw options.Fail($"option '--{Authority.Name}' needs --{ClientId.Name}");
        var path = options.Get(ClientSecretFile.Name) ?? throw options.Fail($"option '--{Authority.Name}' needs --{ClientSecretFile.Name}");
        return new ClientCredentials(authority, clientId, SigningOptions.ReadSecret(options, path, "client secret file"));
    }
}

/// <summary>
/// Asks the identity service for a client credentials token: the token endpoint from the discovery document of the
/// authority, the client's id and secret (HTTP Basic), and the narrowing fields <c>role</c>, <c>region</c>, <c>grant</c>
/// when given. A refused connection (the service still starting) is retried <see cref="ServiceClient.MaxRetries"/> times.
/// </summary>
internal sealed class IdentityTokenClient(HttpClient client, TextWriter error, TimeSpan retryDelay)
{
    public async Task<string> RequestAsync(ClientCredentials credentials, Narrowing? narrowing, CancellationToken cancellationToken)
    {
        var authority = credentials.Authority.AbsoluteUri;
        var document = await DiscoverAsync(authority, cancellationToken);
        var request = new ClientCredentialsTokenRequest
        {
            Address = document.TokenEndpoint,
            ClientId = credentials.ClientId,
            ClientSecret = credentials.ClientSecret,
        };
        if (narrowing is not null)
        {
            request.Parameters.Add("role", string.Join(',', narrowing.Roles));
            request.Parameters.Add("region", narrowing.Region);
            if (narrowing.Grants.Count > 0)
            {
                request.Parameters.Add("grant", string.Join(',', narrowing.Grants));
            }
        }

        using var response = await client.RequestClientCredentialsTokenAsync(request, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (response.IsError)
        {
            // The OAuth error of the body: a refused client comes with 401 (RFC 6749 5.2 allows it, and the identity
            // service does so), which IdentityModel calls an HTTP error, not a protocol one, though the body is the same.
            var refusal = response.ErrorType == ResponseErrorType.Protocol ? response.Error : response.TryGet("error");
            throw new TokenRequestException(refusal is not null
                ? $"the identity service refused a token for '{credentials.ClientId}': {refusal}"
                    + (string.IsNullOrEmpty(response.ErrorDescription) ? string.Empty : $" ({response.ErrorDescription})")
                : $"no token from {document.TokenEndpoint}: {OneLine(response.Error)}");
        }

        return string.IsNullOrEmpty(response.AccessToken)
            ? throw new TokenRequestException($"{document.TokenEndpoint} answered without an access token")
            : response.AccessToken;
    }

    private async Task<DiscoveryDocumentResponse> DiscoverAsync(string authority, CancellationToken cancellationToken)
    {
        for (var retry = 1; ; retry++)
        {
            var document = await client.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
            {
                Address = authority,
                Policy = new DiscoveryPolicy { RequireHttps = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase), RequireKeySet = false },
            }, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            if (!document.IsError)
            {
                return document;
            }

            if (document.Exception is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } && retry <= ServiceClient.MaxRetries)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"connection refused by {authority}; retry {retry}/{ServiceClient.MaxRetries} in {retryDelay.TotalSeconds:0.###} s"));
                await Task.Delay(retryDelay, cancellationToken);
                continue;
            }

            throw new TokenRequestException($"cannot read the discovery document of {authority}: {OneLine(document.Error)}");
        }
    }

    private static string OneLine(string? text) => (text ?? "unknown error").ReplaceLineEndings(" ");
}
