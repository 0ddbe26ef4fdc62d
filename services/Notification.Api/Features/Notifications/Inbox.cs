using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Notification.Api.Recipients;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Notification.Api.Features.Notifications;

public sealed record InboxItem(Guid Id, string Rule, string Recipient, string RegionCode, bool Urgent, string Title, string Body, int? TemplateVersion,
    DateTime CreatedAt, DateTime DeliveredAt, DateTime? ReadAt);

public sealed record InboxPage(IReadOnlyList<InboxItem> Items, long Unread);

public sealed record UnreadCount(long Count);

public sealed record DeliveryDto(Guid Id, string Channel, string Address, string State, int Attempts, DateTime NextAttemptAt, DateTime? SentAt, string? LastError,
    DateTime CreatedAt, Guid? NotificationId, Guid? SubscriptionId, string? EventType, string RegionCode);

public sealed record NotificationDetail(Guid Id, string Rule, string Recipient, string RegionCode, bool Urgent, string Title, string Body, int? TemplateVersion,
    DateTime CreatedAt, DateTime? DeliveredAt, DateTime? ReadAt, IReadOnlyList<DeliveryDto> Deliveries);

/// <summary>
/// The in-app inbox (站内信): the notifications addressed to the caller's inboxes (Address.InboxesOf: the cadre, the
/// unit head, the organisation department of the caller's region scope) whose in_app delivery is done (so quiet hours
/// hold them too). Read state per notification.
/// </summary>
public static class Inbox
{
    public const string DeliveryColumns =
        "id AS Id, channel AS Channel, address AS Address, state AS State, attempts AS Attempts, next_attempt_at AS NextAttemptAt, sent_at AS SentAt, " +
        "last_error AS LastError, created_at AS CreatedAt, notification_id AS NotificationId, subscription_id AS SubscriptionId, event_type AS EventType, " +
        "region_code AS RegionCode";

    public const string NotificationColumns =
        "id AS Id, rule AS Rule, recipient AS Recipient, region_code AS RegionCode, urgent AS Urgent, title AS Title, body AS Body, " +
        "template_version AS TemplateVersion, created_at AS CreatedAt, delivered_at AS DeliveredAt, read_at AS ReadAt";

    public static async Task<Ok<InboxPage>> ListAsync(RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken,
        bool unreadOnly = false, DateTime? before = null, int limit = 50)
    {
        var inboxes = Address.InboxesOf(user, scope).ToArray();
        limit = Math.Clamp(limit, 1, 200);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var items = (await connection.QueryAsync<InboxItem>(new CommandDefinition(
            $"""
            SELECT {NotificationColumns} FROM notifications
            WHERE recipient = ANY (@inboxes) AND delivered_at IS NOT NULL AND (NOT @unreadOnly OR read_at IS NULL)
              AND (CAST(@before AS timestamptz) IS NULL OR created_at < @before)
            ORDER BY created_at DESC LIMIT @limit
            """, new { inboxes, unreadOnly, before, limit }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok(new InboxPage(items, await CountUnreadAsync(connection, inboxes, cancellationToken)));
    }

    public static async Task<Ok<UnreadCount>> UnreadAsync(RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(new UnreadCount(await CountUnreadAsync(connection, Address.InboxesOf(user, scope).ToArray(), cancellationToken)));
    }

    [ProblemResponses(StatusCodes.Status404NotFound, "notification_not_found")]
    public static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            WITH mine AS (SELECT id, read_at FROM notifications WHERE id = @id AND recipient = ANY (@inboxes) AND delivered_at IS NOT NULL),
            marked AS (UPDATE notifications n SET read_at = @now FROM mine WHERE n.id = mine.id AND mine.read_at IS NULL RETURNING n.id)
            SELECT EXISTS (SELECT 1 FROM mine)
            """, new { id, inboxes = Address.InboxesOf(user, scope).ToArray(), now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        return found ? TypedResults.NoContent() : ApiProblems.NotFound("notification_not_found", "未找到该通知");
    }

    public static async Task<Ok<UnreadCount>> MarkAllReadAsync(RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notifications SET read_at = @now WHERE recipient = ANY (@inboxes) AND delivered_at IS NOT NULL AND read_at IS NULL",
            new { inboxes = Address.InboxesOf(user, scope).ToArray(), now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        return TypedResults.Ok(new UnreadCount(marked));
    }

    /// <summary>
    /// Deliveries of notifications in the caller's scope (officials), filtered by state, channel or recipient, newest
    /// first. Webhook deliveries are their subscriber's business (GET /subscriptions/{id}/deliveries).
    /// </summary>
    [ProblemResponses(StatusCodes.Status403Forbidden, "not_an_official")]
    public static async Task<Results<Ok<IReadOnlyList<DeliveryDto>>, ProblemHttpResult>> ListDeliveriesAsync(RegionScope scope, ClaimsPrincipal user,
        NpgsqlDataSource dataSource, CancellationToken cancellationToken, string? state = null, string? channel = null, string? recipient = null, int limit = 100)
    {
        if (!IsOfficial(user))
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "not_an_official", "仅组织部门可查询投递状态");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<DeliveryDto>(new CommandDefinition(
            $"""
            SELECT {DeliveryColumns} FROM deliveries
            WHERE region_code >= @From AND region_code < @To AND subscription_id IS NULL AND (CAST(@state AS text) IS NULL OR state = @state)
              AND (CAST(@channel AS text) IS NULL OR channel = @channel) AND (CAST(@recipient AS text) IS NULL OR address = @recipient)
            ORDER BY created_at DESC LIMIT @limit
            """, new { scope.From, scope.To, state, channel, recipient, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: cancellationToken))).ToList();
        return TypedResults.Ok<IReadOnlyList<DeliveryDto>>(rows);
    }

    public static bool IsOfficial(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Province) || user.IsInRole(Roles.City) || user.IsInRole(Roles.County) || user.IsInRole(Roles.Township) || user.IsInRole(Roles.Auditor);

    private static Task<long> CountUnreadAsync(NpgsqlConnection connection, string[] inboxes, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM notifications WHERE recipient = ANY (@inboxes) AND delivered_at IS NOT NULL AND read_at IS NULL",
            new { inboxes }, cancellationToken: cancellationToken));
}
