using Notification.Api.Features.Notifications;
using Notification.Api.Features.Subscriptions;
using Notification.Api.Features.Templates;
using Platform.Security;

namespace Notification.Api.Apis;

/// <summary>Inbox, delivery state, templates and webhook subscriptions (docs/integration/notifications.md).</summary>
public static class NotificationApi
{
    /// <summary>Integration clients (and officials) manage their own webhook subscriptions, without grant=write.</summary>
    public const string ManageSubscriptions = "manage-subscriptions";

    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder app)
    {
        var inbox = app.MapGroup("/api/notification").WithTags("Inbox");
        inbox.MapGet("/inbox", Inbox.ListAsync).WithSummary("The caller's in-app notifications, newest first, with the unread count.");
        inbox.MapGet("/inbox/unread-count", Inbox.UnreadAsync).WithSummary("How many of the caller's notifications are unread.");
        inbox.MapPost("/inbox/{id:guid}/read", Inbox.MarkReadAsync).WithSummary("Mark one notification read.");
        inbox.MapPost("/inbox/read-all", Inbox.MarkAllReadAsync).WithSummary("Mark all the caller's notifications read.");
        inbox.MapGet("/notifications/{id:guid}", GetNotification.HandleAsync).WithSummary("A notification, its rendered text and template version, and each channel's delivery state.");
        inbox.MapGet("/deliveries", Inbox.ListDeliveriesAsync).WithSummary("Deliveries in the caller's scope by state, channel or recipient (officials).");

        var templates = app.MapGroup("/api/notification").WithTags("Templates")
            .WithoutRegionScope("rules and templates are the province's, the same for every region");
        templates.MapGet("/rules", Templates.Rules).WithSummary("The notification rules, their urgency, channels and template variables.");
        templates.MapGet("/templates", Templates.CurrentAsync).WithSummary("The current template of each rule.");
        templates.MapGet("/templates/{rule}", Templates.VersionsAsync).WithSummary("Every version of a rule's template, newest first.");
        templates.MapPost("/templates/{rule}", Templates.SaveAsync).RequireAuthorization(Policies.Operate)
            .WithSummary("Save a new version of a rule's template; its variables are checked against the rule.");

        var subscriptions = app.MapGroup("/api/notification/subscriptions").WithTags("Subscriptions").RequireAuthorization(ManageSubscriptions);
        subscriptions.MapPost("/", Subscriptions.CreateAsync).WithSummary("Subscribe a webhook to event types within a region prefix; the signing secret is shown once.");

        // After creation a subscription is its owner's alone (the token's sub), and only while the owner's scope covers its
        // region: a caller whose scope moved elsewhere finds it missing.
        var owned = subscriptions.MapGroup("");
        owned.MapGet("/", Subscriptions.ListAsync).WithSummary("The caller's subscriptions.");
        owned.MapPost("/{id:guid}/pause", Subscriptions.PauseAsync).WithSummary("Pause: nothing is queued or sent until resumed.");
        owned.MapPost("/{id:guid}/resume", Subscriptions.ResumeAsync).WithSummary("Resume a paused subscription.");
        owned.MapDelete("/{id:guid}", Subscriptions.DeleteAsync).WithSummary("Delete a subscription.");
        owned.MapGet("/{id:guid}/deliveries", Subscriptions.DeliveriesAsync).WithSummary("The subscription's deliveries, e.g. ?state=failed.");
        owned.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/replay", Subscriptions.ReplayAsync).WithSummary("Send a failed delivery again.");
        return app;
    }
}
