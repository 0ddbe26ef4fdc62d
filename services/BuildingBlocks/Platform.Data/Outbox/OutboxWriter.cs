using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Platform.Data.Outbox;

/// <summary>
/// Writes an integration event into <c>outbox_messages</c> inside the caller's transaction, so the event exists
/// exactly when the change does. The relay (Platform.Messaging) publishes it with the row id as MessageId.
/// </summary>
public sealed class OutboxWriter
{
    /// <summary>Channel the relay LISTENs on; PostgreSQL delivers the NOTIFY only when the writing transaction commits.</summary>
    public const string NotifyChannel = "platform_outbox";

    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    private static readonly System.Reflection.Assembly ContractsAssembly = typeof(Contracts.IntegrationEvents.ContractsAssembly).Assembly;

    public async Task<Guid> EnqueueAsync<TEvent>(NpgsqlTransaction transaction, TEvent message, CancellationToken cancellationToken)
        where TEvent : class
    {
        var type = typeof(TEvent);
        if (type.Assembly != ContractsAssembly || type.FullName is null)
        {
            throw new InvalidOperationException($"{type} is not an integration event contract of Platform.Contracts.");
        }

        // Version 7 ids are time-ordered, which keeps the primary key index compact under insert load.
        var id = Guid.CreateVersion7();
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO outbox_messages (id, message_type, payload, trace_parent)
            VALUES (@id, @type, CAST(@payload AS jsonb), @traceParent);
            SELECT pg_notify('platform_outbox', '');
            """,
            new { id, type = type.FullName, payload = JsonSerializer.Serialize(message, SerializerOptions), traceParent = Activity.Current?.Id },
            transaction,
            cancellationToken: cancellationToken));
        return id;
    }
}
