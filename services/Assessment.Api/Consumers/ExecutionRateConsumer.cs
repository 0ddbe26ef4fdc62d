using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Funds.V1;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// Funds published a county's execution rate for a month: the county's and its villages' figures become the month's
/// funds_execution_facts, which the indicator source funds.execution_rate scores. Idempotent through the inbox, then by
/// version: a row is replaced only by a later version of the county's month, so a repeat or an older version arriving
/// late changes nothing.
/// </summary>
public sealed class ExecutionRateConsumer(NpgsqlDataSource dataSource, ILogger<ExecutionRateConsumer> logger)
    : IdempotentConsumer<ExecutionRatePublished>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<ExecutionRatePublished> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var published = context.Message;
        var rows = published.Villages.Select(v => new { regionCode = v.VillageCode, level = "village", v.AllocatedFen, v.SpentFen, v.Rate })
            .Prepend(new { regionCode = published.CountyCode.PadRight(12, '0'), level = "county", published.AllocatedFen, published.SpentFen, published.Rate })
            .Select(r => new
            {
                id = Guid.CreateVersion7(), published.Month, r.regionCode, r.level, r.AllocatedFen, r.SpentFen, r.Rate, published.PublicationId, published.Version,
                PublishedAt = published.PublishedAt.UtcDateTime,
            });
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO funds_execution_facts (id, month, region_code, level, allocated_fen, spent_fen, rate, publication_id, version, published_at)
            VALUES (@id, @Month, @regionCode, @level, @AllocatedFen, @SpentFen, @Rate, @PublicationId, @Version, @PublishedAt)
            ON CONFLICT (month, region_code) DO UPDATE SET allocated_fen = EXCLUDED.allocated_fen, spent_fen = EXCLUDED.spent_fen, rate = EXCLUDED.rate,
                publication_id = EXCLUDED.publication_id, version = EXCLUDED.version, published_at = EXCLUDED.published_at, received_at = now()
            WHERE funds_execution_facts.version < EXCLUDED.version
            """, rows, transaction, cancellationToken: cancellationToken));
    }
}

public sealed class ExecutionRateConsumerDefinition : PlatformConsumerDefinition<ExecutionRateConsumer>;
