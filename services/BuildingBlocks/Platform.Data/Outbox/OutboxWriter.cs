using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Platform.Data.Outbox;

/// <summary>
/// Writes an integration event into <c>outbox_messages</c> inside the caller's transaction, so the event exists
/// exactly when the change does. The relay (Platform.Messaging) publishes it with the row id as MessageId; the writer
/// wakes this process's relays through <see cref="OutboxSignal"/> (not pg_notify, see there).
/// </summary>
public sealed class OutboxWriter
{
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    private static readonly System.Reflection.Assembly ContractsAssembly = typeof(Contracts.IntegrationEvents.ContractsAssembly).Assembly;

    public async Task<Guid> EnqueueAsync<TEvent>(NpgsqlTransaction transaction, TEvent message, CancellationToken cancellationToken)
        where TEvent : class
    {
        var type = ContractType<TEvent>();

        // Version 7 ids are time-ordered, which keeps the primary key index compact under insert load.
        var id = Guid.CreateVersion7();
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO outbox_messages (id, message_type, payload, trace_parent)
            VALUES (@id, @type, CAST(@payload AS jsonb), @traceParent)
            """,
            new { id, type, payload = JsonSerializer.Serialize(message, SerializerOptions), traceParent = Activity.Current?.Id },
            transaction,
            cancellationToken: cancellationToken));
        OutboxSignal.Written();
        return id;
    }

    /// <summary>Many events of one type in one statement (a committed matching run pairs thousands of households).</summary>
    public async Task EnqueueManyAsync<TEvent>(NpgsqlTransaction transaction, IReadOnlyList<TEvent> messages, CancellationToken cancellationToken)
        where TEvent : class
    {
        var type = ContractType<TEvent>();
        const int batch = 5_000;
        for (var start = 0; start < messages.Count; start += batch)
        {
            var count = Math.Min(batch, messages.Count - start);
            var ids = new Guid[count];
            var payloads = new string[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = Guid.CreateVersion7();
                payloads[i] = JsonSerializer.Serialize(messages[start + i], SerializerOptions);
            }

            await transaction.Connection!.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO outbox_messages (id, message_type, payload, trace_parent)
                SELECT id, @type, CAST(payload AS jsonb), @traceParent FROM unnest(@ids, @payloads) AS m (id, payload)
                """,
                new { ids, payloads, type, traceParent = Activity.Current?.Id },
                transaction,
                cancellationToken: cancellationToken));
        }

        OutboxSignal.Written();
    }

    /// <summary>The stored type name of an event; only contracts of Platform.Contracts may be written.</summary>
    private static string ContractType<TEvent>()
    {
        var type = typeof(TEvent);
        return type.Assembly == ContractsAssembly && type.FullName is { } name
            ? name
            : throw new InvalidOperationException($"{type} is not an integration event contract of Platform.Contracts.");
    }
}
