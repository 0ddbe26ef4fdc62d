using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.IntegrationTests.Cli;

/// <summary>A request as the seeder sent it (before <see cref="FaultInjectingHandler.Before"/> touched it).</summary>
public sealed record SentRequest(HttpMethod Method, Uri Uri, string? ContentType, AuthenticationHeaderValue? Authorization, byte[] Body)
{
    public string Path => Uri.AbsolutePath;

    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// Sits between the seeder and the real services: records every request, and lets a test put a fault in the way of
/// one (<see cref="Before"/> may throw as a refused connection does, answer in the service's place, or change the
/// request, e.g. spoil one row of a file so that the service itself rejects it). Everything else reaches the service.
/// </summary>
public sealed class FaultInjectingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Lock gate = new();
    private readonly List<SentRequest> requests = [];

    /// <summary>Gets each request and how many came before it to the same path; an answer it returns is the seeder's.</summary>
    public Func<HttpRequestMessage, int, Task<HttpResponseMessage?>>? Before { get; init; }

    public IReadOnlyList<SentRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToList();
            }
        }
    }

    public IReadOnlyList<SentRequest> To(HttpMethod method, string pathEnd) =>
        Requests.Where(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal)).ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        int earlier;
        lock (gate)
        {
            earlier = requests.Count(r => r.Path == request.RequestUri!.AbsolutePath && r.Method == request.Method);
            requests.Add(new SentRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), request.Headers.Authorization, body));
        }

        if (Before is not null && await Before(request, earlier) is { } answer)
        {
            answer.RequestMessage = request;
            return answer;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
