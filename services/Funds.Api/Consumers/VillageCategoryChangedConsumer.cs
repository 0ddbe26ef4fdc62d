using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Allocations;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents.Dispatch.V1;
using Platform.Data.Outbox;
using Platform.Messaging.Consumers;
using Platform.Security;

namespace Funds.Api.Consumers;

/// <summary>
/// A village changed category: its standards change from the first day of the next month (China time), the months
/// before keep the old one; the first secretary's funds and the industry support of the years concerned are recomputed
/// (<see cref="AllocationRecomputation"/>). A village imported for the first time (no previous category) changes
/// nothing. Idempotent: the inbox and the cause key (this event's id).
/// </summary>
public sealed class VillageCategoryChangedConsumer(NpgsqlDataSource dataSource, OutboxWriter outbox, ILogger<VillageCategoryChangedConsumer> logger)
    : IdempotentConsumer<VillageCategoryChanged>(dataSource, logger)
{
    private static readonly Programme[] ByCategory =
        [Programmes.All.Single(p => p.Code == Programmes.FirstSecretaryFunds), Programmes.All.Single(p => p.Code == Programmes.IndustrySupport)];

    protected override async Task HandleAsync(ConsumeContext<VillageCategoryChanged> context, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var changed = context.Message;
        if (changed.PreviousCategory is null || changed.PreviousCategory == changed.Category)
        {
            return;
        }

        var eventId = context.MessageId!.Value;
        var changedOn = ChinaTime.DayOf(changed.ChangedAt);
        var effectiveFrom = new DateOnly(changedOn.Year, changedOn.Month, 1).AddMonths(1);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO village_category_changes (event_id, village_code, previous_category, category, changed_on, effective_from, reason, changed_by, changed_at)
            VALUES (@eventId, @VillageCode, @PreviousCategory, @Category, @changedOn, @effectiveFrom, @Reason, @ChangedBy, @ChangedAt)
            ON CONFLICT (event_id) DO NOTHING
            """, new { eventId, changed.VillageCode, changed.PreviousCategory, changed.Category, changedOn, effectiveFrom, changed.Reason, changed.ChangedBy,
                changed.ChangedAt }, transaction, cancellationToken: cancellationToken));
        var summary = $"{changed.VillageName}由{AllocationTargets.CategoryName(changed.PreviousCategory)}变更为{AllocationTargets.CategoryName(changed.Category)}"
            + $"（{changedOn:yyyy-MM-dd}，{effectiveFrom:yyyy年M月}起执行新标准）：{changed.Reason}";
        var village = new VillageFacts(changed.VillageCode, changed.VillageName, changed.Category);
        foreach (var year in new[] { changedOn.Year, effectiveFrom.Year }.Distinct())
        {
            foreach (var programme in ByCategory)
            {
                await AllocationRecomputation.RecomputeAsync(transaction, outbox, new RecomputationCause("village_category_changed", eventId, changed.ChangedBy, summary),
                    village, year, programme, cancellationToken);
            }
        }
    }
}

public sealed class VillageCategoryChangedConsumerDefinition : PlatformConsumerDefinition<VillageCategoryChangedConsumer>;
