using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;

namespace Notification.Api.Features.Notifications;

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
        "HouseholdPaired", "PairingEnded", "HouseholdContactOverdue", "HouseholdRiskFlagged", "MonitoringResponseOverdue", "HouseholdRiskClosed",
        "VillageRectificationFlagged", "RectificationProblemClosed", "VillageRectificationLifted", "ServiceCentreRated", "VillageCommitteeChanged", "TownshipPostingChanged",
    };
}
