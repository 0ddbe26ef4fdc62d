using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace Notification.Api.Features.Notifications;

/// <summary>A rule's template as last read: the highest version renders new notifications.</summary>
public sealed record CurrentTemplate(int Version, string Title, string Body);

/// <summary>
/// The current template of each rule, kept in the process so that rendering a notification costs no round trip. It is
/// never trusted blindly: <see cref="NotificationWriter"/> inserts only if no higher version exists (checked in the
/// insert itself), and on a miss it forgets the rule here and renders again, so a version saved on another replica
/// takes effect with the next notification.
/// </summary>
public sealed class TemplateCache
{
    private readonly ConcurrentDictionary<string, CurrentTemplate> templates = new(StringComparer.Ordinal);

    public async ValueTask<CurrentTemplate> GetAsync(NpgsqlTransaction transaction, string rule, CancellationToken cancellationToken)
    {
        if (templates.TryGetValue(rule, out var cached))
        {
            return cached;
        }

        var current = await transaction.Connection!.QuerySingleAsync<CurrentTemplate>(new CommandDefinition(
            "SELECT version AS Version, title AS Title, body AS Body FROM templates WHERE rule = @rule ORDER BY version DESC LIMIT 1",
            new { rule }, transaction, cancellationToken: cancellationToken));
        templates[rule] = current;
        return current;
    }

    public void Forget(string rule) => templates.TryRemove(rule, out _);
}
