using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;

namespace Notification.Api.Deliveries;

/// <summary>A delivery claimed by a worker: what to send, to whom, and the attempt number it was claimed with.</summary>
public sealed record ClaimedDelivery(
    Guid Id, string Channel, string Address, int Attempts, Guid? NotificationId, Guid? SubscriptionId, string? EventType,
    string? Payload, string? Title, string? Body, string? Secret, DateTime GiveUpAt);

public sealed record SendOutcome(bool Sent, string? Error = null)
{
    public static readonly SendOutcome Ok = new(true);
}

/// <summary>
/// A channel other than the inbox (webhook, sms, wechat, email). Production adapters for SMS / WeChat / e-mail gateways
/// implement this and replace the local adapter in DI; a send must be safe to repeat with the same delivery id.
/// </summary>
public interface IChannelAdapter
{
    string Channel { get; }

    Task<SendOutcome> SendAsync(ClaimedDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>Records what it would send (table local_channel_messages), once per delivery: no external network here.</summary>
public sealed class LocalChannelAdapter(string channel, NpgsqlDataSource dataSource, TimeProvider clock) : IChannelAdapter
{
    public string Channel => channel;

    public async Task<SendOutcome> SendAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO local_channel_messages (delivery_id, channel, address, text, recorded_at) VALUES (@Id, @channel, @Address, @text, @now)
            ON CONFLICT (delivery_id) DO NOTHING
            """,
            new { delivery.Id, channel, delivery.Address, text = $"【{delivery.Title}】{delivery.Body}", now = clock.GetUtcNow() },
            cancellationToken: cancellationToken));
        return SendOutcome.Ok;
    }
}

/// <summary>
/// POSTs the event envelope to the subscriber's URL, signed: <c>X-Platform-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex
/// HMAC-SHA256(secret, t + "." + body)&gt;</c>; <c>X-Platform-Delivery</c> is the stable delivery id (the same on every
/// retry, for the receiver's de-duplication). Any 2xx is success. The signature's timestamp is the real clock's (the
/// receiver compares it with its own clock to refuse replays), not the injected TimeProvider's.
/// </summary>
public sealed class WebhookChannelAdapter(IHttpClientFactory httpClients, IOptions<NotificationOptions> options) : IChannelAdapter
{
    public const string HttpClientName = "webhooks";

    public string Channel => "webhook";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    public async Task<SendOutcome> SendAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var body = delivery.Payload ?? "{}";
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Address)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("X-Platform-Signature", Sign(delivery.Secret ?? string.Empty, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.Add("X-Platform-Delivery", delivery.Id.ToString());
        request.Headers.Add("X-Platform-Event-Type", delivery.EventType ?? string.Empty);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Delivery.WebhookTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? SendOutcome.Ok : new SendOutcome(false, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new SendOutcome(false, ex is OperationCanceledException ? "timeout" : ex.Message);
        }
    }
}
