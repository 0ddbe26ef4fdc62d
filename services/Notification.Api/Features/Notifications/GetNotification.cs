using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Notification.Api.Recipients;
using Platform.Security;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Notification.Api.Features.Notifications;

/// <summary>
/// A notification, its rendered text and template version, and each channel's delivery state: for its recipient, an
/// official or an integration client whose scope covers the notification's division code. Anyone else finds nothing,
/// exactly as for a missing one. REST <c>GET /notifications/{id}</c> and gRPC <c>GetDeliveryStatus</c>.
/// </summary>
public static class GetNotification
{
    /// <summary>REST: <c>GET /api/notification/notifications/{id}</c>.</summary>
    [ProblemResponses(StatusCodes.Status404NotFound, "notification_not_found")]
    public static async Task<Ok<NotificationDetail>> HandleAsync(Guid id, RegionScope scope, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await GetAsync(dataSource, scope, user, id, cancellationToken));

    /// <summary>The notification, or 404 notification_not_found (NOT_FOUND on gRPC) when it is missing or not the caller's to see.</summary>
    internal static async Task<NotificationDetail> GetAsync(NpgsqlDataSource dataSource, RegionScope scope, ClaimsPrincipal user, Guid id,
        CancellationToken cancellationToken)
    {
        var detail = await FindAsync(dataSource, id, cancellationToken);
        if (detail is null || !MaySee(user, scope, detail.Recipient, detail.RegionCode))
        {
            throw ApiProblems.NotFound("notification_not_found", "未找到该通知").ToException();
        }

        return detail;
    }

    /// <summary>The caller's own inboxes, or an official (or integration client) whose scope covers the division code.</summary>
    internal static bool MaySee(ClaimsPrincipal user, RegionScope scope, string recipient, string regionCode) =>
        Address.InboxesOf(user, scope).Contains(recipient)
        || ((Inbox.IsOfficial(user) || user.IsInRole(Roles.Integration)) && scope.Covers(regionCode));

    private static async Task<NotificationDetail?> FindAsync(NpgsqlDataSource dataSource, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var n = await connection.QuerySingleOrDefaultAsync<NotificationRow>(new CommandDefinition(
            $"SELECT {Inbox.NotificationColumns} FROM notifications WHERE id = @id",
            new { id }, cancellationToken: cancellationToken));
        if (n is null)
        {
            return null;
        }

        var deliveries = (await connection.QueryAsync<DeliveryDto>(new CommandDefinition(
            $"SELECT {Inbox.DeliveryColumns} FROM deliveries WHERE notification_id = @id ORDER BY channel", new { id }, cancellationToken: cancellationToken))).ToList();
        return new NotificationDetail(n.Id, n.Rule, n.Recipient, n.RegionCode, n.Urgent, n.Title, n.Body, n.TemplateVersion, n.CreatedAt, n.DeliveredAt, n.ReadAt, deliveries);
    }

    private sealed class NotificationRow
    {
        public Guid Id { get; init; }
        public string Rule { get; init; } = string.Empty;
        public string Recipient { get; init; } = string.Empty;
        public string RegionCode { get; init; } = string.Empty;
        public bool Urgent { get; init; }
        public string Title { get; init; } = string.Empty;
        public string Body { get; init; } = string.Empty;
        public int? TemplateVersion { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? DeliveredAt { get; init; }
        public DateTime? ReadAt { get; init; }
    }
}
