using MassTransit;
using Npgsql;
using Pairing.Api.Features.Pairings;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;

namespace Pairing.Api.Consumers;

/// <summary>A recalled cadre (召回) stops being a helper (<see cref="HelperDeparture"/>). Idempotent through the inbox.</summary>
public sealed class CadreRecalledConsumer(NpgsqlDataSource dataSource, OutboxWriter outbox, ILogger<CadreRecalledConsumer> logger)
    : IdempotentConsumer<CadreRecalled>(dataSource, logger)
{
    protected override Task HandleAsync(ConsumeContext<CadreRecalled> context, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        HelperDeparture.EndPairingsAsync(transaction, outbox, context.Message.CadreId, context.Message.EffectiveOn, $"干部召回：{context.Message.Reason}",
            context.Message.RecalledBy, cancellationToken);
}

public sealed class CadreRecalledConsumerDefinition : PlatformConsumerDefinition<CadreRecalledConsumer>;
