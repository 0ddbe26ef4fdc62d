namespace Platform.Web.Features.Notifications;

/// <summary>A notification of the signed-in person's inbox (notification service, <c>GET /api/notification/inbox</c>).</summary>
public sealed record InboxItem(Guid Id, string Rule, string Recipient, string RegionCode, bool Urgent, string Title, string Body, int? TemplateVersion,
    DateTime CreatedAt, DateTime DeliveredAt, DateTime? ReadAt);

public sealed record InboxPage(IReadOnlyList<InboxItem> Items, long Unread);

public sealed record UnreadCount(long Count);

/// <summary>A webhook subscription the signed-in person owns (<c>GET /api/notification/subscriptions</c>).</summary>
public sealed record Subscription(Guid Id, string Url, string[] EventTypes, string RegionPrefix, string Status, DateTime CreatedAt);
