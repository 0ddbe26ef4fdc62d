using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Platform.Web.Session;

namespace Platform.Web.Gateway;

/// <summary>
/// The console's one client of the platform: the gateway, with the signed-in person's access token, so every service
/// decides by that person's role and region exactly as for any other client. Paths are the gateway's
/// (<c>/api/dispatch/...</c>). A failed call throws <see cref="GatewayProblem"/>.
/// </summary>
public sealed class GatewayApi(HttpClient http, AuthenticationStateProvider authentication, AccessTokens tokens, PrerenderHandoff handoff)
{
    public const string ClientName = "gateway";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Set for the server's render of a page (GatewayComponent): a read cut off by the prerender budget then goes on and
    /// is left for the person's circuit (<see cref="PrerenderHandoff"/>).
    /// </summary>
    internal bool Prerendering { get; set; }

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        var session = await SessionIdAsync();
        if (session is not null && handoff.Take<T>(session, path) is { } left)
        {
            try
            {
                return await left.WaitAsync(cancellationToken);
            }
            // The prerender's read failed or ran out of its time: this one asks afresh and shows its own outcome.
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        if (!Prerendering || session is null)
        {
            return await ReadAsync<T>(path, cancellationToken);
        }

        var read = ReadBeyondThePrerenderAsync<T>(path);
        try
        {
            return await read.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            handoff.Leave(session, path, read);
            throw;
        }
    }

    private async Task<T> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    // Not cancelled with the page's render, only by the handoff's lifetime: nobody takes it after that.
    private async Task<T> ReadBeyondThePrerenderAsync<T>(string path)
    {
        using var lifetime = new CancellationTokenSource(PrerenderHandoff.Lifetime);
        return await ReadAsync<T>(path, lifetime.Token);
    }

    private async Task<string?> SessionIdAsync() =>
        (await authentication.GetAuthenticationStateAsync()).User.FindFirstValue(SessionClaims.SessionId);

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, path, Body(body), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task PostAsync(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, path, Body(body), cancellationToken);
    }

    public async Task<T> PutAsync<T>(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Put, path, Body(body), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task PutAsync(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Put, path, Body(body), cancellationToken);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, null, cancellationToken);
    }

    /// <summary>Uploads a file (a CSV import, say) as the request body with its content type.</summary>
    public async Task<T> PostFileAsync<T>(string path, string fileName, byte[] content, string contentType, CancellationToken cancellationToken = default)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName };
        using var response = await SendAsync(HttpMethod.Post, path, file, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private static JsonContent? Body(object? body) => body is null ? null : JsonContent.Create(body, body.GetType(), options: Json);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException("A gateway path starts with '/'.", nameof(path));
        }

        var sessionId = await SessionIdAsync();
        string token;
        try
        {
            token = sessionId is null ? throw new SessionExpiredException("请先登录") : await tokens.GetAsync(sessionId, cancellationToken);
        }
        catch (SessionExpiredException expired)
        {
            content?.Dispose();
            throw GatewayProblem.Expired(expired.Message);
        }

        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException unreachable)
        {
            throw GatewayProblem.Unavailable(unreachable.Message);
        }
        catch (TaskCanceledException timeout) when (!cancellationToken.IsCancellationRequested)
        {
            throw GatewayProblem.Unavailable("请求超时：" + timeout.Message);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await GatewayProblem.ReadAsync(response, cancellationToken);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new GatewayProblem(StatusCodes.Status502BadGateway, "empty_answer", "服务返回了空结果", null, new Dictionary<string, string[]>());
}
