using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Json;
using Platform.ApiClients.Assessment;
using Platform.ApiClients.Dispatch;
using Platform.ApiClients.Funds;
using Platform.ApiClients.Identity;
using Platform.ApiClients.Notification;
using Platform.ApiClients.Pairing;
using Platform.Web.Session;

namespace Platform.Web.Gateway;

/// <summary>
/// The console's one client of the platform: the gateway, with the signed-in person's access token, so every service
/// decides by that person's role and region exactly as for any other client. Paths are the gateway's
/// (<c>/api/dispatch/...</c>). A failed call throws <see cref="GatewayProblem"/>.
/// Requests are built with the clients generated from the published contracts (Platform.ApiClients, docs/api/openapi):
/// <c>Api.Dispatch.Villages[code].ToGetRequestInformation()</c>, sent here with the token and the console's error
/// handling, and 2xx bodies are read into the generated models, so a contract change that breaks a page breaks the build.
/// </summary>
public sealed class GatewayApi
{
    public const string ClientName = "gateway";

    private readonly HttpClient http;
    private readonly AuthenticationStateProvider authentication;
    private readonly AccessTokens tokens;
    private readonly PrerenderHandoff handoff;

    // Builds requests only (ConvertToNativeRequestAsync): they are sent below, with the token and the error handling.
    private readonly HttpClientRequestAdapter adapter;

    public GatewayApi(HttpClient http, AuthenticationStateProvider authentication, AccessTokens tokens, PrerenderHandoff handoff)
    {
        this.http = http;
        this.authentication = authentication;
        this.tokens = tokens;
        this.handoff = handoff;
        adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress?.GetLeftPart(UriPartial.Path).TrimEnd('/'),
        };
        Dispatch = new DispatchApiClient(adapter).Api.Dispatch;
        Pairing = new PairingApiClient(adapter).Api.Pairing;
        Assessment = new AssessmentApiClient(adapter).Api.Assessment;
        Funds = new FundsApiClient(adapter).Api.Funds;
        Notification = new NotificationApiClient(adapter).Api.Notification;
        Identity = new IdentityApiClient(adapter).Api.Identity;
    }

    /// <summary>Dispatch's contract (docs/api/openapi/dispatch.json), on the gateway's address.</summary>
    public Platform.ApiClients.Dispatch.Api.Dispatch.DispatchRequestBuilder Dispatch { get; }

    /// <summary>Pairing's contract (docs/api/openapi/pairing.json).</summary>
    public Platform.ApiClients.Pairing.Api.Pairing.PairingRequestBuilder Pairing { get; }

    /// <summary>Assessment's contract (docs/api/openapi/assessment.json).</summary>
    public Platform.ApiClients.Assessment.Api.Assessment.AssessmentRequestBuilder Assessment { get; }

    /// <summary>Funds' contract (docs/api/openapi/funds.json).</summary>
    public Platform.ApiClients.Funds.Api.Funds.FundsRequestBuilder Funds { get; }

    /// <summary>Notification's contract (docs/api/openapi/notification.json).</summary>
    public Platform.ApiClients.Notification.Api.Notification.NotificationRequestBuilder Notification { get; }

    /// <summary>Identity's contract (docs/api/openapi/identity.json).</summary>
    public Platform.ApiClients.Identity.Api.Identity.IdentityRequestBuilder Identity { get; }

    /// <summary>
    /// Set for the server's render of a page (GatewayComponent): a read cut off by the prerender budget then goes on and
    /// is left for the person's circuit (<see cref="PrerenderHandoff"/>).
    /// </summary>
    internal bool Prerendering { get; set; }

    /// <summary>Reads the model a generated request builder's GET answers.</summary>
    public Task<T> GetAsync<T>(RequestInformation request, ParsableFactory<T> model, CancellationToken cancellationToken)
        where T : IParsable =>
        ReadAsync(request, node => node.GetObjectValue(model), cancellationToken);

    /// <summary>Reads the list of models a generated request builder's GET answers.</summary>
    public Task<List<T>> GetListAsync<T>(RequestInformation request, ParsableFactory<T> model, CancellationToken cancellationToken)
        where T : IParsable =>
        ReadAsync<List<T>>(request, node => [.. node.GetCollectionOfObjectValues(model)], cancellationToken);

    /// <summary>Sends a request (a POST, PUT or DELETE) and reads the model it answers.</summary>
    public async Task<T> SendAsync<T>(RequestInformation request, ParsableFactory<T> model, CancellationToken cancellationToken)
        where T : IParsable
    {
        using var response = await SendRequestAsync(request, cancellationToken);
        return await ParseAsync(response, node => node.GetObjectValue(model), cancellationToken);
    }

    /// <summary>Sends a request whose answer the page does not read.</summary>
    public async Task SendAsync(RequestInformation request, CancellationToken cancellationToken)
    {
        using var response = await SendRequestAsync(request, cancellationToken);
    }

    private Task<T> ReadAsync<T>(RequestInformation request, Func<JsonParseNode, T?> parse, CancellationToken cancellationToken)
    {
        request.PathParameters["baseurl"] = adapter.BaseUrl!;
        return ReadAsync(request.URI.PathAndQuery, async ct =>
        {
            using var response = await SendRequestAsync(request, ct);
            return await ParseAsync(response, parse, ct);
        }, cancellationToken);
    }

    // A read during the server's render is keyed by its path for the handoff, and may outlive the render.
    private async Task<T> ReadAsync<T>(string path, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
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
            return await read(cancellationToken);
        }

        var beyond = ReadBeyondThePrerenderAsync(read);
        try
        {
            return await beyond.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            handoff.Leave(session, path, beyond);
            throw;
        }
    }

    // Not cancelled with the page's render, only by the handoff's lifetime: nobody takes it after that.
    private static async Task<T> ReadBeyondThePrerenderAsync<T>(Func<CancellationToken, Task<T>> read)
    {
        using var lifetime = new CancellationTokenSource(PrerenderHandoff.Lifetime);
        return await read(lifetime.Token);
    }

    private async Task<string?> SessionIdAsync() =>
        (await authentication.GetAuthenticationStateAsync()).User.FindFirstValue(SessionClaims.SessionId);

    private async Task<HttpResponseMessage> SendRequestAsync(RequestInformation information, CancellationToken cancellationToken)
    {
        var request = await adapter.ConvertToNativeRequestAsync<HttpRequestMessage>(information, cancellationToken)
            ?? throw new InvalidOperationException("The request adapter made no request.");
        return await SendAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var sessionId = await SessionIdAsync();
            string token;
            try
            {
                token = sessionId is null ? throw new SessionExpiredException("请先登录") : await tokens.GetAsync(sessionId, cancellationToken);
            }
            catch (SessionExpiredException expired)
            {
                throw GatewayProblem.Expired(expired.Message);
            }

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
    }

    private static async Task<T> ParseAsync<T>(HttpResponseMessage response, Func<JsonParseNode, T?> parse, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return parse(new JsonParseNode(document.RootElement)) ?? throw EmptyAnswer();
    }

    private static GatewayProblem EmptyAnswer() =>
        new(StatusCodes.Status502BadGateway, "empty_answer", "服务返回了空结果", null, new Dictionary<string, string[]>());
}
