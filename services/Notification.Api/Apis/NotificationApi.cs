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
        inbox.MapGet("/inbox", Inbox.ListAsync).WithSummary("调用方的站内通知，最新在前，附未读数 / The caller's in-app notifications, newest first, with the unread count.");
        inbox.MapGet("/inbox/unread-count", Inbox.UnreadAsync).WithSummary("调用方未读通知的数量 / How many of the caller's notifications are unread.");
        inbox.MapPost("/inbox/{id:guid}/read", Inbox.MarkReadAsync).WithSummary("将一条通知标为已读 / Mark one notification read.");
        inbox.MapPost("/inbox/read-all", Inbox.MarkAllReadAsync).WithSummary("将调用方的全部通知标为已读 / Mark all the caller's notifications read.");
        inbox.MapGet("/notifications/{id:guid}", GetNotification.HandleAsync).WithSummary("一条通知、其渲染文本与模板版本，以及各渠道的送达状态 / A notification, its rendered text and template version, and each channel's delivery state.");
        inbox.MapGet("/deliveries", Inbox.ListDeliveriesAsync).WithSummary("调用方范围内的送达记录，可按状态、渠道或接收人筛选（官员） / Deliveries in the caller's scope by state, channel or recipient (officials).");

        var templates = app.MapGroup("/api/notification").WithTags("Templates")
            .WithoutRegionScope("rules and templates are the province's, the same for every region");
        templates.MapGet("/rules", Templates.Rules).WithSummary("通知规则及其紧急程度、渠道和模板变量 / The notification rules, their urgency, channels and template variables.");
        templates.MapGet("/templates", Templates.CurrentAsync).WithSummary("各规则的现行模板 / The current template of each rule.");
        templates.MapGet("/templates/{rule}", Templates.VersionsAsync).WithSummary("某规则模板的全部版本，最新在前 / Every version of a rule's template, newest first.");
        templates.MapPost("/templates/{rule}", Templates.SaveAsync).RequireAuthorization(Policies.Operate)
            .WithSummary("保存某规则模板的新版本；其变量按规则检查 / Save a new version of a rule's template; its variables are checked against the rule.");

        var subscriptions = app.MapGroup("/api/notification/subscriptions").WithTags("Subscriptions").RequireAuthorization(ManageSubscriptions);
        subscriptions.MapPost("/", Subscriptions.CreateAsync).WithSummary("为 webhook 订阅某区划前缀内的事件类型；签名密钥仅显示一次 / Subscribe a webhook to event types within a region prefix; the signing secret is shown once.");

        // After creation a subscription is its owner's alone (the token's sub), and only while the owner's scope covers its
        // region: a caller whose scope moved elsewhere finds it missing.
        var owned = subscriptions.MapGroup("");
        owned.MapGet("/", Subscriptions.ListAsync).WithSummary("调用方的订阅 / The caller's subscriptions.");
        owned.MapPost("/{id:guid}/pause", Subscriptions.PauseAsync).WithSummary("暂停：恢复前不排队、不发送 / Pause: nothing is queued or sent until resumed.");
        owned.MapPost("/{id:guid}/resume", Subscriptions.ResumeAsync).WithSummary("恢复已暂停的订阅 / Resume a paused subscription.");
        owned.MapDelete("/{id:guid}", Subscriptions.DeleteAsync).WithSummary("删除订阅 / Delete a subscription.");
        owned.MapGet("/{id:guid}/deliveries", Subscriptions.DeliveriesAsync).WithSummary("订阅的送达记录，如 ?state=failed / The subscription's deliveries, e.g. ?state=failed.");
        owned.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/replay", Subscriptions.ReplayAsync).WithSummary("重新发送一次失败的送达 / Send a failed delivery again.");
        return app;
    }
}
