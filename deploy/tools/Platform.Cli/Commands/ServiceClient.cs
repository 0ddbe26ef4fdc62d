using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Json;

namespace Platform.Cli.Commands;

/// <summary>
/// One service's REST API (dispatch, pairing, assessment, identity) as the seeder calls it: every request carries the bearer token, and a refused connection (the service
/// still starting) is retried <see cref="MaxRetries"/> times, <c>retryDelay</c> apart. A 503 (the service said nothing was
/// done and to retry: <c>database_unavailable</c>, the gateway's <c>overloaded</c>) is retried
/// <see cref="MaxUnavailableRetries"/> times with a doubling delay (its Retry-After when longer): every request the seeder
/// sends is idempotent (imports leave rows already there unchanged, check-ins carry their id). Answers are read whole.
/// Requests are built with the clients generated from the published contracts (Platform.ApiClients, docs/api/openapi):
/// their paths, query parameters and bodies are the contract's, so a contract change that breaks the seeder breaks its
/// build; this class adds the token, the retries and the whole answer (status, problem code) the seeder decides on.
/// </summary>
internal sealed class ServiceClient(HttpClient client, Uri baseUri, string token, TextWriter error, TimeSpan retryDelay)
{
    /// <summary>Connection refusals retried while the service starts: about ten seconds with the default delay.</summary>
    public const int MaxRetries = 10;

    /// <summary>503 answers retried: with the default 1 s delay, after 2, 4, 8, 16 and 32 s (about a minute in all).</summary>
    public const int MaxUnavailableRetries = 5;

    // Builds requests only (ConvertToNativeRequestAsync): they are sent below, with the token and the retries.
    private readonly HttpClientRequestAdapter adapter = new(new AnonymousAuthenticationProvider(), httpClient: client)
    {
        BaseUrl = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/'),
    };

    private readonly Dictionary<Type, object> contracts = [];

    /// <summary>A generated client of this service's contract (one per type, on this client's base address).</summary>
    public T Contract<T>(Func<IRequestAdapter, T> create)
        where T : BaseRequestBuilder
    {
        lock (contracts)
        {
            if (!contracts.TryGetValue(typeof(T), out var contract))
            {
                contracts[typeof(T)] = contract = create(adapter);
            }

            return (T)contract;
        }
    }

    /// <summary>
    /// Sends the request a generated client's request builder describes; <paramref name="request"/> is called again for
    /// each attempt, so a body stream is fresh each time.
    /// </summary>
    public Task<ServiceAnswer> SendAsync(Func<RequestInformation> request, CancellationToken cancellationToken) =>
        SendAsync(async () => await adapter.ConvertToNativeRequestAsync<HttpRequestMessage>(request(), cancellationToken)
            ?? throw new InvalidOperationException("The request adapter made no request."), cancellationToken);

    /// <summary>
    /// Posts a CSV file as a request builder describes it (a fresh stream for each attempt), declared UTF-8: the contracts
    /// say <c>text/csv</c>, and the charset keeps a reader from guessing the Chinese headers' encoding.
    /// </summary>
    public Task<ServiceAnswer> SendFileAsync(Func<Stream, RequestInformation> request, byte[] file, CancellationToken cancellationToken) =>
        SendAsync(() =>
        {
            var information = request(new MemoryStream(file, writable: false));
            information.Headers.Remove("Content-Type");
            information.Headers.Add("Content-Type", "text/csv; charset=utf-8");
            return information;
        }, cancellationToken);

    /// <summary>The address a request builder's request goes to, for messages (the adapter sets the base when it sends).</summary>
    public Uri AddressOf(RequestInformation request)
    {
        request.PathParameters["baseurl"] = adapter.BaseUrl!;
        return request.URI;
    }

    /// <summary>scheme://host:port, for messages.</summary>
    public string Authority => baseUri.GetLeftPart(UriPartial.Authority);

    /// <summary>
    /// Sends a fresh request per attempt; while the service refuses connections, waits and tries again; a 503 is tried again
    /// after a doubling delay.
    /// </summary>
    private async Task<ServiceAnswer> SendAsync(Func<Task<HttpRequestMessage>> create, CancellationToken cancellationToken)
    {
        var unavailable = 0;
        for (var retry = 1; ; retry++)
        {
            using var request = await create();
            var endpoint = request.RequestUri!;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            ServiceAnswer answer;
            TimeSpan? retryAfter;
            try
            {
                var stopwatch = Stopwatch.StartNew();
                using var response = await client.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                answer = new ServiceAnswer(endpoint, response.StatusCode, response.ReasonPhrase, body, stopwatch.Elapsed);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && retry <= MaxRetries)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"connection refused by {Authority}; retry {retry}/{MaxRetries} in {retryDelay.TotalSeconds:0.###} s"));
                await Task.Delay(retryDelay, cancellationToken);
                continue;
            }

            if (answer.Status != HttpStatusCode.ServiceUnavailable || unavailable >= MaxUnavailableRetries)
            {
                return answer;
            }

            unavailable++;
            var delay = retryDelay * Math.Pow(2, unavailable);
            if (retryAfter > delay)
            {
                delay = retryAfter.Value;
            }

            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{endpoint.AbsolutePath}: {answer.StatusLine} {answer.ProblemCode}; nothing was done, retry {unavailable}/{MaxUnavailableRetries} in {delay.TotalSeconds:0.###} s"));
            await Task.Delay(delay, cancellationToken);
        }
    }
}

/// <summary>One answer of dispatch: status, body (JSON, or problem details on failure) and how long the attempt took.</summary>
internal sealed record ServiceAnswer(Uri Uri, HttpStatusCode Status, string? ReasonPhrase, string Body, TimeSpan Elapsed)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public string StatusLine => $"HTTP {(int)Status} {ReasonPhrase ?? Status.ToString()}";

    /// <summary>The <c>code</c> of a problem-details body (e.g. <c>first_secretary_taken</c>), or null.</summary>
    public string? ProblemCode
    {
        get
        {
            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code)
                    && code.ValueKind == JsonValueKind.String
                    ? code.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The <c>code</c> of each field error of a problem-details body (e.g. <c>too_old</c>), or none.</summary>
    public IReadOnlyList<string> FieldErrorCodes
    {
        get
        {
            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("errors", out var errors)
                    && errors.ValueKind == JsonValueKind.Array
                    ? [.. errors.EnumerateArray()
                        .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                        .Select(e => e.GetProperty("code").GetString()!)]
                    : [];
            }
            catch (JsonException)
            {
                return [];
            }
        }
    }

    /// <summary>The body, a JSON array, as models of the contract's generated client.</summary>
    public List<T> ReadList<T>(ParsableFactory<T> model)
        where T : IParsable
    {
        using var document = JsonDocument.Parse(Body);
        return [.. new JsonParseNode(document.RootElement).GetCollectionOfObjectValues(model)];
    }

    /// <summary>The body as a model of the contract's generated client.</summary>
    public T Read<T>(ParsableFactory<T> model)
        where T : IParsable
    {
        using var document = JsonDocument.Parse(Body);
        return new JsonParseNode(document.RootElement).GetObjectValue(model)
            ?? throw new JsonException($"{Uri.AbsolutePath} answered an empty body.");
    }
}

/// <summary>An answer the seeder did not expect: the command prints what it was doing, the status and the body, and exits 1.</summary>
internal sealed class UnexpectedAnswerException(string action, ServiceAnswer answer) : Exception($"{action}: {answer.StatusLine}")
{
    public string Action { get; } = action;

    public ServiceAnswer Answer { get; } = answer;
}
