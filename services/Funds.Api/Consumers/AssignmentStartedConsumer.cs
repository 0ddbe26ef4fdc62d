using Funds.Api.Features.Allocations;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;

namespace Funds.Api.Consumers;

/// <summary>
/// A first secretary or technician took a post: when they replace one who left within the year, they receive the rest of
/// the year's standard (<see cref="AllocationRecomputation"/>), booked from the budget line. A village whose programme
/// was not allocated yet is left to the allocation run, which applies the same rule. Idempotent: the inbox and the cause
/// key (this event's id).
/// </summary>
public sealed class AssignmentStartedConsumer(NpgsqlDataSource dataSource, AllocationFacts facts, OutboxWriter outbox, ILogger<AssignmentStartedConsumer> logger)
    : IdempotentConsumer<AssignmentStarted, AllocationFacts.Posting?>(dataSource, logger)
{
    protected override Task<AllocationFacts.Posting?> PrepareAsync(ConsumeContext<AssignmentStarted> context, CancellationToken cancellationToken) =>
        facts.ForCadreAsync(context.Message.Force, context.Message.CadreId, context.Message.VillageCode, context.Message.AssignmentId, context.Message.StartsOn,
            cancellationToken);

    protected override async Task HandleAsync(ConsumeContext<AssignmentStarted> context, AllocationFacts.Posting? posting, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (posting is null)
        {
            return;
        }

        // The end, if it overtook the start (the relay keeps no order), stays.
        var started = context.Message;
        var summary = $"{AllocationFacts.PostName(started.Force)} {posting.Assignment.CadreName} {started.StartsOn:yyyy-MM-dd}到岗";
        await AllocationRecomputation.RecomputeForAssignmentAsync(transaction, outbox,
            new RecomputationCause("assignment_started", context.MessageId!.Value, started.StartedBy, summary),
            new AssignmentChange(posting, started.AssignmentId, started.Force, started.CadreId!.Value, started.StartsOn,
                posting.Assignment.EndsOn.Length > 0 ? AllocationFacts.Day(posting.Assignment.EndsOn) : null, null, started.StartsOn.Year), cancellationToken);
    }
}

public sealed class AssignmentStartedConsumerDefinition : PlatformConsumerDefinition<AssignmentStartedConsumer>;
