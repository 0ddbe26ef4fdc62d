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
    protected override async Task<AllocationFacts.Posting?> PrepareAsync(ConsumeContext<AssignmentStarted> context, CancellationToken cancellationToken)
    {
        var started = context.Message;
        return AllocationFacts.ProgrammeOf(started.Force) is null || started.CadreId is null
            ? null
            : await facts.PostingAsync(started.VillageCode, started.AssignmentId, started.StartsOn, cancellationToken);
    }

    protected override async Task HandleAsync(ConsumeContext<AssignmentStarted> context, AllocationFacts.Posting? posting, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (posting is not { } p)
        {
            return;
        }

        var started = context.Message;
        // The end, if it overtook the start (the relay keeps no order), stays.
        await AllocationTargets.RecordHoldingAsync(transaction, started.AssignmentId, started.VillageCode, started.Force, started.CadreId!.Value.ToString(),
            p.Assignment.CadreName, started.StartsOn, p.Assignment.EndsOn.Length > 0 ? AllocationFacts.Day(p.Assignment.EndsOn) : null, null, cancellationToken);
        var summary = $"{AllocationFacts.PostName(started.Force)} {p.Assignment.CadreName} {started.StartsOn:yyyy-MM-dd}到岗";
        await AllocationRecomputation.RecomputeAsync(transaction, outbox, new RecomputationCause("assignment_started", context.MessageId!.Value, started.StartedBy, summary),
            p.Village, started.StartsOn.Year, AllocationFacts.ProgrammeOf(started.Force)!, cancellationToken);
    }
}

public sealed class AssignmentStartedConsumerDefinition : PlatformConsumerDefinition<AssignmentStartedConsumer>;
