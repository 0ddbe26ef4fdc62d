using Funds.Api.Features.Allocations;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;

namespace Funds.Api.Consumers;

/// <summary>
/// A first secretary or technician left a village (召回, 调整, 期满 or other): they keep the share of the year's standard
/// for the days served and the rest goes back to the budget line for the replacement; money already spent is never taken
/// back (<see cref="AllocationRecomputation"/>). The village and the assignment's start are asked of dispatch before the
/// transaction. Idempotent: the inbox and the cause key (this event's id).
/// </summary>
public sealed class AssignmentEndedConsumer(NpgsqlDataSource dataSource, AllocationFacts facts, OutboxWriter outbox, ILogger<AssignmentEndedConsumer> logger)
    : IdempotentConsumer<AssignmentEnded, AllocationFacts.Posting?>(dataSource, logger)
{
    protected override Task<AllocationFacts.Posting?> PrepareAsync(ConsumeContext<AssignmentEnded> context, CancellationToken cancellationToken) =>
        facts.ForCadreAsync(context.Message.Force, context.Message.CadreId, context.Message.VillageCode, context.Message.AssignmentId, context.Message.EndsOn,
            cancellationToken);

    protected override async Task HandleAsync(ConsumeContext<AssignmentEnded> context, AllocationFacts.Posting? posting, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (posting is null)
        {
            return;
        }

        var ended = context.Message;
        var summary = $"{AllocationFacts.PostName(ended.Force)} {posting.Assignment.CadreName} {AllocationFacts.EndKindName(ended.EndKind)}，{ended.EndsOn:yyyy-MM-dd}离岗：{ended.Reason}";
        await AllocationRecomputation.RecomputeForAssignmentAsync(transaction, outbox, new RecomputationCause("assignment_ended", context.MessageId!.Value, ended.EndedBy, summary),
            new AssignmentChange(posting, ended.AssignmentId, ended.Force, ended.CadreId!.Value, AllocationFacts.Day(posting.Assignment.StartsOn), ended.EndsOn,
                ended.EndKind, ended.EndsOn.Year), cancellationToken);
    }
}

public sealed class AssignmentEndedConsumerDefinition : PlatformConsumerDefinition<AssignmentEndedConsumer>;
