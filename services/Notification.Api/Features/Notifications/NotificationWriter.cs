using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;
using Notification.Api.Recipients;

namespace Notification.Api.Features.Notifications;

/// <summary>Why a notification exists: the source (event id, job occurrence, caller key), the rule, the region it is about.</summary>
public sealed record NotificationCause(string SourceId, string Rule, string RegionCode, IReadOnlyDictionary<string, string> Variables);

/// <summary>A direct message's own text (gRPC SendNotification), instead of a template.</summary>
public sealed record DirectText(string Title, string Body, bool Urgent, IReadOnlyList<string> Channels);

/// <summary>
/// Renders a cause's notification for each recipient and queues one delivery per channel, in the caller's transaction
/// (with the consumer's inbox row). The cause key (source + rule + recipient) is unique for notifications and
/// (cause key, channel) for deliveries, so a second delivery of the same event, a restart or a concurrent replica adds nothing.
/// </summary>
public sealed class NotificationWriter(TimeProvider clock, QuietHours quietHours, IOptions<NotificationOptions> options)
{
    public static string CauseKey(string sourceId, string rule, string recipient) => $"{sourceId}|{rule}|{recipient}";

    /// <summary>Writes the notifications; returns (recipient, notification id, created) per distinct recipient.</summary>
    public async Task<IReadOnlyList<(string Recipient, Guid Id, bool Created)>> WriteAsync(
        NpgsqlTransaction transaction, NotificationCause cause, IEnumerable<string> recipients, CancellationToken cancellationToken, DirectText? direct = null)
    {
        var connection = transaction.Connection!;
        string title, body;
        int? version;
        bool urgent;
        IReadOnlyList<string> channels;
        if (direct is null)
        {
            var rule = Rules.All[cause.Rule];
            var template = await connection.QuerySingleAsync<(int Version, string Title, string Body)>(new CommandDefinition(
                "SELECT version, title, body FROM templates WHERE rule = @rule ORDER BY version DESC LIMIT 1",
                new { rule = cause.Rule }, transaction, cancellationToken: cancellationToken));
            (version, title, body) = (template.Version, TemplateText.Render(template.Title, cause.Variables), TemplateText.Render(template.Body, cause.Variables));
            urgent = rule.Urgent;
            channels = rule.Channels;
        }
        else
        {
            (version, title, body, urgent, channels) = (null, direct.Title, direct.Body, direct.Urgent, direct.Channels);
        }

        var now = clock.GetUtcNow();
        var notBefore = quietHours.NotBefore(now, urgent);
        var state = notBefore > now ? "held_quiet_hours" : "pending";
        var giveUpAt = notBefore + options.Value.Delivery.GiveUpAfter;
        var variables = JsonSerializer.Serialize(cause.Variables);
        var results = new List<(string, Guid, bool)>();
        foreach (var recipient in recipients.Distinct(StringComparer.Ordinal))
        {
            var causeKey = CauseKey(cause.SourceId, cause.Rule, recipient);
            var id = Guid.CreateVersion7();
            // One round trip: the notification and its deliveries, or nothing when the cause was already written.
            var inserted = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                WITH n AS (
                    INSERT INTO notifications (id, cause_key, source_id, rule, recipient, region_code, urgent, template_version, title, body, variables, created_at)
                    VALUES (@id, @causeKey, @sourceId, @rule, @recipient, @regionCode, @urgent, @version, @title, @body, CAST(@variables AS jsonb), @now)
                    ON CONFLICT (cause_key) DO NOTHING
                    RETURNING id),
                d AS (
                    INSERT INTO deliveries (id, cause_key, channel, notification_id, address, region_code, state, next_attempt_at, give_up_at, created_at)
                    SELECT gen_random_uuid(), @causeKey, c.channel, n.id, @recipient, @regionCode, @state, @notBefore, @giveUpAt, @now
                    FROM n CROSS JOIN unnest(CAST(@channels AS text[])) AS c (channel)
                    ON CONFLICT (cause_key, channel) DO NOTHING)
                SELECT count(*) FROM n
                """,
                new
                {
                    id, causeKey, cause.SourceId, cause.Rule, recipient, cause.RegionCode, urgent, version, title, body, variables, now,
                    channels = channels.Distinct(StringComparer.Ordinal).ToArray(), state, notBefore, giveUpAt,
                },
                transaction, cancellationToken: cancellationToken));
            if (inserted == 0)
            {
                var existing = await connection.QuerySingleAsync<Guid>(new CommandDefinition(
                    "SELECT id FROM notifications WHERE cause_key = @causeKey", new { causeKey }, transaction, cancellationToken: cancellationToken));
                results.Add((recipient, existing, false));
                continue;
            }

            results.Add((recipient, id, true));
        }

        return results;
    }
}

/// <summary>
/// Queues an event for every active webhook subscription to its type whose region prefix covers the event's division
/// code, once per (event, subscription). Webhooks are machine to machine: quiet hours do not apply.
/// </summary>
public sealed class SubscriptionFanOut(TimeProvider clock, IOptions<NotificationOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<int> PublishAsync<TEvent>(NpgsqlTransaction transaction, Guid eventId, string regionCode, DateTimeOffset? occurredAt, TEvent message,
        CancellationToken cancellationToken)
    {
        var eventType = typeof(TEvent).Name;
        var now = clock.GetUtcNow();
        var payload = JsonSerializer.Serialize(new { eventId, eventType, regionCode, occurredAt = occurredAt ?? now, data = message }, Json);
        return await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO deliveries (id, cause_key, channel, subscription_id, address, event_type, payload, region_code, state, next_attempt_at, give_up_at, created_at)
            SELECT gen_random_uuid(), @source || '|webhook|' || s.id::text, 'webhook', s.id, s.url, @eventType, CAST(@payload AS jsonb), @regionCode,
                   'pending', @now, @giveUpAt, @now
            FROM subscriptions s
            WHERE s.status = 'active' AND s.deleted_at IS NULL AND @eventType = ANY (s.event_types)
              AND left(@regionCode, length(s.region_prefix)) = s.region_prefix
            ON CONFLICT (cause_key, channel) DO NOTHING
            """,
            new { source = eventId.ToString(), eventType, payload, regionCode, now, giveUpAt = now + options.Value.Delivery.GiveUpAfter },
            transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The event types a subscription may name.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "AssignmentStarted", "AssignmentEnded", "CadreRecalled", "VillageCategoryChanged", "LeaveDecided",
        "HouseholdPaired", "PairingEnded", "HouseholdContactOverdue",
    };
}

/// <summary>What a consumer needs: recipients over gRPC, the writer and the webhook fan-out.</summary>
public sealed class NotificationPipeline(RecipientResolver recipients, NotificationWriter writer, SubscriptionFanOut fanOut)
{
    public RecipientResolver Recipients => recipients;

    public NotificationWriter Writer => writer;

    public SubscriptionFanOut FanOut => fanOut;
}
