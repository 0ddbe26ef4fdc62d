using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Notification.Api.Domain;

namespace Notification.Api.Features.Notifications;

/// <summary>Why a notification exists: the source (event id, job occurrence, caller key), the rule, the region it is about.</summary>
public sealed record NotificationCause(string SourceId, string Rule, string RegionCode, IReadOnlyDictionary<string, string> Variables);

/// <summary>A direct message's own text (gRPC SendNotification), instead of a template.</summary>
public sealed record DirectText(string Title, string Body, bool Urgent, IReadOnlyList<string> Channels);

/// <summary>
/// Renders a cause's notification for each recipient and queues one delivery per channel, in the caller's transaction
/// (with the consumer's inbox row), in one statement for all recipients. The cause key (source + rule + recipient) is
/// unique for notifications and (cause key, channel) for deliveries, so a second delivery of the same event, a restart
/// or a concurrent replica adds nothing.
/// </summary>
public sealed class NotificationWriter(TemplateCache templates, TimeProvider clock, QuietHours quietHours, IOptions<NotificationOptions> options)
{
    public static string CauseKey(string sourceId, string rule, string recipient) => $"{sourceId}|{rule}|{recipient}";

    /// <summary>Writes the notifications; returns (recipient, notification id, created) per distinct recipient.</summary>
    public async Task<IReadOnlyList<(string Recipient, Guid Id, bool Created)>> WriteAsync(
        NpgsqlTransaction transaction, NotificationCause cause, IEnumerable<string> recipients, CancellationToken cancellationToken, DirectText? direct = null)
    {
        var distinct = recipients.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            return [];
        }

        // A template saved on another replica since it was cached fails the statement's check: forget it and render again.
        for (var attempt = 0; ; attempt++)
        {
            var written = await TryWriteAsync(transaction, cause, distinct, direct, cancellationToken);
            if (written is not null)
            {
                return written;
            }

            templates.Forget(cause.Rule);
            if (attempt > 0)
            {
                throw new InvalidOperationException($"The template of {cause.Rule} changed twice while one notification was written.");
            }
        }
    }

    private async Task<IReadOnlyList<(string Recipient, Guid Id, bool Created)>?> TryWriteAsync(
        NpgsqlTransaction transaction, NotificationCause cause, string[] recipients, DirectText? direct, CancellationToken cancellationToken)
    {
        string title, body;
        int? version;
        bool urgent;
        IReadOnlyList<string> channels;
        if (direct is null)
        {
            var rule = Rules.All[cause.Rule];
            var template = await templates.GetAsync(transaction, cause.Rule, cancellationToken);
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
        var causeKeys = recipients.Select(r => CauseKey(cause.SourceId, cause.Rule, r)).ToArray();
        var ids = recipients.Select(_ => Guid.CreateVersion7()).ToArray();

        // One round trip for every recipient: the notifications and their deliveries, none for a cause already written
        // (its id is read back instead), and nothing at all when a higher template version exists than the one rendered.
        var rows = (await transaction.Connection!.QueryAsync<WrittenRow>(new CommandDefinition(
            """
            WITH current AS (
                SELECT @version IS NULL OR NOT EXISTS (SELECT 1 FROM templates WHERE rule = @rule AND version > @version) AS ok),
            n AS (
                INSERT INTO notifications (id, cause_key, source_id, rule, recipient, region_code, urgent, template_version, title, body, variables, created_at)
                SELECT r.id, r.cause_key, @sourceId, @rule, r.recipient, @regionCode, @urgent, @version, @title, @body, CAST(@variables AS jsonb), @now
                FROM unnest(@ids, @causeKeys, @recipients) AS r (id, cause_key, recipient), current
                WHERE current.ok
                ON CONFLICT (cause_key) DO NOTHING
                RETURNING id, cause_key, recipient),
            d AS (
                INSERT INTO deliveries (id, cause_key, channel, notification_id, address, region_code, state, next_attempt_at, give_up_at, created_at)
                SELECT gen_random_uuid(), n.cause_key, c.channel, n.id, n.recipient, @regionCode, @state, @notBefore, @giveUpAt, @now
                FROM n CROSS JOIN unnest(CAST(@channels AS text[])) AS c (channel)
                ON CONFLICT (cause_key, channel) DO NOTHING)
            SELECT NULL AS Recipient, NULL::uuid AS Id, false AS Created, ok AS Current FROM current
            UNION ALL
            SELECT n.recipient, n.id, true, true FROM n
            UNION ALL
            SELECT x.recipient, x.id, false, true FROM notifications x, current
            WHERE current.ok AND x.cause_key = ANY (@causeKeys)
            """,
            new
            {
                ids, causeKeys, recipients, sourceId = cause.SourceId, rule = cause.Rule, regionCode = cause.RegionCode, urgent, version, title, body, variables, now,
                channels = channels.Distinct(StringComparer.Ordinal).ToArray(), state, notBefore, giveUpAt,
            },
            transaction, cancellationToken: cancellationToken))).ToList();
        if (!rows.Single(r => r.Recipient is null).Current)
        {
            return null;
        }

        // The statement's snapshot does not see its own inserts, so a cause key listed by the last branch was there before.
        var byRecipient = rows.Where(r => r.Recipient is not null).ToDictionary(r => r.Recipient!, r => (Id: r.Id!.Value, r.Created), StringComparer.Ordinal);
        var missing = recipients.Where(r => !byRecipient.ContainsKey(r)).ToArray();
        if (missing.Length > 0)
        {
            // Written by a concurrent transaction that committed after this statement's snapshot: read it now.
            var keys = missing.Select(r => CauseKey(cause.SourceId, cause.Rule, r)).ToArray();
            foreach (var row in await transaction.Connection!.QueryAsync<(string Recipient, Guid Id)>(new CommandDefinition(
                         "SELECT recipient, id FROM notifications WHERE cause_key = ANY (@keys)", new { keys }, transaction, cancellationToken: cancellationToken)))
            {
                byRecipient[row.Recipient] = (row.Id, false);
            }
        }

        return recipients.Select(r => (r, byRecipient[r].Id, byRecipient[r].Created)).ToList();
    }

    private sealed record WrittenRow(string? Recipient, Guid? Id, bool Created, bool Current);
}
