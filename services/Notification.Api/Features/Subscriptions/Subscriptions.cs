using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Features.Notifications;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Notification.Api.Features.Subscriptions;

public sealed record CreateSubscriptionRequest(string? Url, IReadOnlyList<string>? EventTypes, string? RegionPrefix);

public sealed record SubscriptionDto
{
    public Guid Id { get; init; }

    public string Url { get; init; } = string.Empty;

    public string[] EventTypes { get; init; } = [];

    public string RegionPrefix { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public DateTime CreatedAt { get; init; }
}

/// <summary>The secret is in this answer only: the subscriber stores it to verify X-Platform-Signature.</summary>
public sealed record CreatedSubscription(Guid Id, string Url, string[] EventTypes, string RegionPrefix, string Status, DateTime CreatedAt, string Secret);

/// <summary>
/// Webhook subscriptions of other government systems (integration clients, and officials): event types within a
/// region prefix no wider than the caller's token scope (bound when the subscription is created). A subscription
/// belongs to the token's subject, and is theirs to see and change only while their current scope covers its region:
/// another caller, or the owner with a scope elsewhere, finds it missing (404 subscription_not_found, as for an unknown id).
/// </summary>
public static class Subscriptions
{
    private const string Columns = "id AS Id, url AS Url, event_types AS EventTypes, region_prefix AS RegionPrefix, status AS Status, created_at AS CreatedAt";

    /// <summary>The caller's live subscriptions whose region their scope covers (parameters @owner and @scope, the scope's prefix).</summary>
    private const string Mine = "owner = @owner AND deleted_at IS NULL AND starts_with(region_prefix, @scope)";

    [ProblemResponses(StatusCodes.Status400BadRequest, "invalid_subscription")]
    [ProblemResponses(StatusCodes.Status403Forbidden, "subscription_scope_too_wide")]
    public static async Task<Results<Created<CreatedSubscription>, ProblemHttpResult>> CreateAsync(CreateSubscriptionRequest request, RegionScope tokenScope,
        HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, IOptions<NotificationOptions> options, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var webhooks = options.Value.Webhooks;
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || (webhooks.AllowHttp && url.Scheme == Uri.UriSchemeHttp))
            || !string.IsNullOrEmpty(url.UserInfo))
        {
            errors.Add(new FieldError("url", "invalid_url", webhooks.AllowHttp ? "须为 http(s) 绝对地址" : "须为 https 绝对地址"));
        }
        else if (!webhooks.AllowPrivateNetworks && IsPrivate(url))
        {
            errors.Add(new FieldError("url", "private_url", "不能订阅到内网、本机或链路本地地址"));
        }

        var types = request.EventTypes?.Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (types.Length == 0)
        {
            errors.Add(new FieldError("eventTypes", "required", "须至少订阅一种事件"));
        }

        foreach (var unknown in types.Where(t => !SubscriptionFanOut.EventTypes.Contains(t)))
        {
            errors.Add(new FieldError("eventTypes", "unknown_event_type", $"未知事件类型 {unknown}"));
        }

        var requested = RegionScope.Everything;
        if (request.RegionPrefix is { } prefix && !RegionScope.TryParse(prefix, out requested))
        {
            errors.Add(new FieldError("regionPrefix", "invalid_region_prefix", "区划前缀须为 0-12 位数字"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid("invalid_subscription", "订阅无效", errors);
        }

        // No prefix: the token's own scope. A prefix wider than (or beside) the token's scope is refused.
        var scope = request.RegionPrefix is null ? tokenScope : requested;
        if (!tokenScope.Covers(scope.Prefix))
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "subscription_scope_too_wide", "订阅范围超出令牌的区划范围",
                $"The token's scope is '{tokenScope}'.");
        }

        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var created = await connection.QuerySingleAsync<SubscriptionDto>(new CommandDefinition(
            $"""
            INSERT INTO subscriptions (id, owner, region_prefix, url, event_types, secret, status, created_at)
            VALUES (@id, @owner, @prefix, @url, @types, @secret, 'active', @now) RETURNING {Columns}
            """, new { id = Guid.CreateVersion7(), owner = http.GetActor(), prefix = scope.Prefix, url = url!.ToString(), types, secret, now = clock.GetUtcNow() },
            cancellationToken: cancellationToken));
        return TypedResults.Created($"/api/notification/subscriptions/{created.Id}",
            new CreatedSubscription(created.Id, created.Url, created.EventTypes, created.RegionPrefix, created.Status, created.CreatedAt, secret));
    }

    public static async Task<Ok<IReadOnlyList<SubscriptionDto>>> ListAsync(RegionScope scope, HttpContext http, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SubscriptionDto>(new CommandDefinition(
            $"SELECT {Columns} FROM subscriptions WHERE {Mine} ORDER BY created_at", new { owner = http.GetActor(), scope = scope.Prefix },
            cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<SubscriptionDto>>(rows.ToList());
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "subscription_not_found")]
    public static Task<Results<Ok<SubscriptionDto>, ProblemHttpResult>> PauseAsync(Guid id, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken) =>
        SetStatusAsync(id, "paused", scope, http, dataSource, cancellationToken);

    [ProblemResponses(StatusCodes.Status404NotFound, "subscription_not_found")]
    public static Task<Results<Ok<SubscriptionDto>, ProblemHttpResult>> ResumeAsync(Guid id, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken) =>
        SetStatusAsync(id, "active", scope, http, dataSource, cancellationToken);

    /// <summary>Deleted: nothing more is queued or sent for it; its delivery history stays.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "subscription_not_found")]
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, RegionScope scope, HttpContext http, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE subscriptions SET deleted_at = @now WHERE id = @id AND {Mine}",
            new { id, owner = http.GetActor(), scope = scope.Prefix, now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        return deleted == 1 ? TypedResults.NoContent() : NotFound();
    }

    /// <summary>The subscription's deliveries, by state (failed = given up), newest first.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "subscription_not_found")]
    public static async Task<Results<Ok<IReadOnlyList<DeliveryDto>>, ProblemHttpResult>> DeliveriesAsync(Guid id, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? state = null, int limit = 100)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await OwnsAsync(connection, id, scope, http, cancellationToken))
        {
            return NotFound();
        }

        var rows = await connection.QueryAsync<DeliveryDto>(new CommandDefinition(
            $"""
            SELECT {Inbox.DeliveryColumns} FROM deliveries WHERE subscription_id = @id AND (CAST(@state AS text) IS NULL OR state = @state)
            ORDER BY created_at DESC LIMIT @limit
            """, new { id, state, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<DeliveryDto>>(rows.ToList());
    }

    /// <summary>Queues a failed delivery again (same delivery id, so the receiver can still de-duplicate), with a fresh give-up time.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "delivery_not_found", "subscription_not_found")]
    [ProblemResponses(StatusCodes.Status409Conflict, "delivery_not_failed")]
    public static async Task<Results<Ok<DeliveryDto>, ProblemHttpResult>> ReplayAsync(Guid id, Guid deliveryId, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, TimeProvider clock, IOptions<NotificationOptions> options, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await OwnsAsync(connection, id, scope, http, cancellationToken))
        {
            return NotFound();
        }

        var now = clock.GetUtcNow();
        var replayed = await connection.QuerySingleOrDefaultAsync<DeliveryDto>(new CommandDefinition(
            $"""
            UPDATE deliveries SET state = 'pending', next_attempt_at = @now, give_up_at = @giveUpAt, lease_until = NULL
            WHERE id = @deliveryId AND subscription_id = @id AND state = 'failed'
            RETURNING {Inbox.DeliveryColumns}
            """, new { id, deliveryId, now, giveUpAt = now + options.Value.Delivery.GiveUpAfter }, cancellationToken: cancellationToken));
        if (replayed is not null)
        {
            return TypedResults.Ok(replayed);
        }

        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = @deliveryId AND subscription_id = @id)", new { id, deliveryId }, cancellationToken: cancellationToken));
        return exists
            ? ApiProblems.Conflict("delivery_not_failed", "只有失败的投递可以重放")
            : ApiProblems.NotFound("delivery_not_found", "未找到该投递");
    }

    private static async Task<Results<Ok<SubscriptionDto>, ProblemHttpResult>> SetStatusAsync(Guid id, string status, RegionScope scope, HttpContext http,
        NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionDto>(new CommandDefinition(
            $"UPDATE subscriptions SET status = @status WHERE id = @id AND {Mine} RETURNING {Columns}",
            new { id, status, owner = http.GetActor(), scope = scope.Prefix }, cancellationToken: cancellationToken));
        return row is null ? NotFound() : TypedResults.Ok(row);
    }

    private static Task<bool> OwnsAsync(NpgsqlConnection connection, Guid id, RegionScope scope, HttpContext http, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT EXISTS (SELECT 1 FROM subscriptions WHERE id = @id AND {Mine})",
            new { id, owner = http.GetActor(), scope = scope.Prefix }, cancellationToken: cancellationToken));

    /// <summary>Literal loopback, private (RFC 1918, unique local), link-local or unspecified addresses, and localhost.</summary>
    public static bool IsPrivate(Uri url)
    {
        if (url.IsLoopback || url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!System.Net.IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
        {
            return false; // a name: resolved when sent (see docs: names resolving to private addresses are not refused)
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        return System.Net.IPAddress.IsLoopback(address) || address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal
            || (bytes.Length == 4 && (bytes[0] == 10 || (bytes[0] == 172 && bytes[1] >= 16 && bytes[1] <= 31) || (bytes[0] == 192 && bytes[1] == 168)
                || (bytes[0] == 169 && bytes[1] == 254) || bytes[0] == 0 || (bytes[0] == 100 && bytes[1] >= 64 && bytes[1] <= 127)));
    }

    private static ProblemHttpResult NotFound() => ApiProblems.NotFound("subscription_not_found", "未找到该订阅");
}
