using Assessment.Api.Features.Accountability;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Assessment.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;

namespace Assessment.Api.Consumers;

/// <summary>
/// Bundled accountability (<see cref="BundledAccountability"/>) from the register's own event, so that every failure counts,
/// however it was recorded (by hand, by a rule, on a confirmed proposal); dispatch is asked before the transaction (an
/// unavailable dispatch retries the message). Idempotent through the inbox, then the proposals' cause keys.
/// </summary>
public sealed class AccountabilityEntryRecordedConsumer(NpgsqlDataSource dataSource, BundledAccountability bundled, OutboxWriter outbox,
    ILogger<AccountabilityEntryRecordedConsumer> logger)
    : IdempotentConsumer<AccountabilityEntryRecorded, IReadOnlyList<NewProposal>>(dataSource, logger)
{
    protected override Task<IReadOnlyList<NewProposal>> PrepareAsync(ConsumeContext<AccountabilityEntryRecorded> context, CancellationToken cancellationToken) =>
        bundled.PlanAsync(context.Message, cancellationToken);

    protected override Task HandleAsync(ConsumeContext<AccountabilityEntryRecorded> context, IReadOnlyList<NewProposal> prepared, NpgsqlTransaction transaction,
        CancellationToken cancellationToken) =>
        BundledAccountability.ProposeAsync(transaction, outbox, prepared, cancellationToken);
}

public sealed class AccountabilityEntryRecordedConsumerDefinition : PlatformConsumerDefinition<AccountabilityEntryRecordedConsumer>;
