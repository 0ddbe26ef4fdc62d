using Dapper;
using Funds.Api.Domain;
using Funds.Api.Features.Standards;
using Npgsql;
using Platform.Contracts.Grpc.Dispatch.V1;

namespace Funds.Api.Features.Allocations;

/// <summary>What one holder of a village's programme should have for the year, and why (in Chinese, for the line).</summary>
public sealed record AllocationTarget(string HolderKind, string HolderId, string HolderName, string VillageCode, string Item, long AmountFen, string Why);

/// <summary>A village as dispatch has it now: its code, name and category (poor, non_poor, exited, planned_exit).</summary>
public sealed record VillageFacts(string Code, string Name, string Category);

/// <summary>
/// The targets of a village's programme for a year, one rule for allocation runs and for the recomputations that
/// dispatch's events cause (so a run after an event books nothing the event did not): the standard of each month from
/// the village's category that month (a change counts from the next month, funds' copy in village_category_changes),
/// and for first secretaries and technicians each holder's share of the post (<see cref="ProRating"/>) from funds'
/// copy of the assignments (funded_assignments).
/// </summary>
public static class AllocationTargets
{
    public static readonly string[] CadreForces = ["first_secretary", "agricultural_technician"];

    public static string CategoryCode(VillageCategory category) => category switch
    {
        VillageCategory.Poor => "poor", VillageCategory.PlannedExit => "planned_exit", VillageCategory.Exited => "exited", _ => "non_poor",
    };

    public static string CategoryName(string category) => category switch
    {
        "poor" => "贫困村", "planned_exit" => "当年计划退出村", "exited" => "已退出村", _ => "非贫困村",
    };

    private static bool IsPoor(string category) => category is "poor" or "planned_exit";

    /// <summary>Keeps dispatch's assignments of first secretaries and technicians (from a run's forces or an event); an end once known stays.</summary>
    public static Task RecordHoldingAsync(NpgsqlTransaction transaction, Guid assignmentId, string villageCode, string force, string cadreId, string cadreName,
        DateOnly startsOn, DateOnly? endsOn, string? endKind, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO funded_assignments (assignment_id, village_code, force, cadre_id, cadre_name, starts_on, ends_on, end_kind)
            VALUES (@assignmentId, @villageCode, @force, @cadreId, @cadreName, @startsOn, @endsOn, @endKind)
            ON CONFLICT (assignment_id) DO UPDATE SET cadre_name = EXCLUDED.cadre_name, starts_on = EXCLUDED.starts_on,
                ends_on = coalesce(EXCLUDED.ends_on, funded_assignments.ends_on), end_kind = coalesce(EXCLUDED.end_kind, funded_assignments.end_kind)
            """, new { assignmentId, villageCode, force, cadreId, cadreName, startsOn, endsOn, endKind }, transaction, cancellationToken: cancellationToken));

    /// <summary>The first secretaries and technicians dispatch reports serving a village, kept in funds' copy.</summary>
    public static async Task RecordForcesAsync(NpgsqlTransaction transaction, ServedVillage village, CancellationToken cancellationToken)
    {
        foreach (var force in village.Forces.Where(f => CadreForces.Contains(f.Force) && f.CadreId.Length > 0))
        {
            await RecordHoldingAsync(transaction, Guid.Parse(force.Id), village.Code, force.Force, force.CadreId, force.CadreName, AllocationFacts.Day(force.StartsOn),
                force.EndsOn.Length > 0 ? AllocationFacts.Day(force.EndsOn) : null, null, cancellationToken);
        }
    }

    /// <summary>What the ledger shows allocated to an account: its allocation lines (returns included), less those reversed.</summary>
    public static Task<long> AllocatedAsync(NpgsqlTransaction transaction, Guid account, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleAsync<long>(new CommandDefinition(
            """
            SELECT coalesce(sum(l.amount_fen), 0)::bigint FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id LEFT JOIN ledger_entries r ON r.id = e.reverses
            WHERE l.account_id = @account AND (e.kind = 'allocation' OR r.kind = 'allocation')
            """, new { account }, transaction, cancellationToken: cancellationToken));

    public static async Task<IReadOnlyList<AllocationTarget>> ForVillageAsync(NpgsqlTransaction transaction, Programme programme, VillageFacts village, int year,
        IReadOnlyDictionary<string, EffectiveStandard> standards, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var changes = (await connection.QueryAsync<CategoryChange>(new CommandDefinition(
            """
            SELECT previous_category, category, effective_from FROM village_category_changes
            WHERE village_code = @Code ORDER BY effective_from, changed_at
            """, new { village.Code }, transaction, cancellationToken: cancellationToken))).ToList();
        var categories = Enumerable.Range(1, 12).Select(m => CategoryOn(new DateOnly(year, m, 1), village.Category, changes)).ToArray();
        var label = $"{village.Name}（{CategoryName(village.Category)}）";
        switch (programme.Code)
        {
            case Programmes.FirstSecretaryFunds:
            {
                var items = categories.Select(c => standards[IsPoor(c) ? StandardItems.FirstSecretaryPoorVillage : StandardItems.FirstSecretaryNonPoorVillage]).ToArray();
                return await CadreTargetsAsync(transaction, "first_secretary", "第一书记", label, village, year, items, cancellationToken);
            }

            case Programmes.TechnicianFunds:
            {
                var items = Enumerable.Repeat(standards[StandardItems.AgriculturalTechnician], 12).ToArray();
                return await CadreTargetsAsync(transaction, "agricultural_technician", "农技员", village.Name + " ", village, year, items, cancellationToken);
            }

            case Programmes.IndustrySupport:
            {
                var items = categories.Select(c => standards[IsPoor(c) ? StandardItems.IndustrySupportPoorVillage : StandardItems.IndustrySupportNonPoorVillage]).ToArray();
                var amount = ProRating.YearAmount(items.Select(i => i.AmountFen).ToArray());
                return [new AllocationTarget("village", village.Code, village.Name, village.Code, items[^1].Item, amount, $"{label}：{Standard(items)}")];
            }

            case Programmes.PartyOrganisationFunds:
            {
                var item = standards[StandardItems.PartyOrganisation];
                return [new AllocationTarget("village", village.Code, village.Name, village.Code, item.Item, item.AmountFen,
                    $"{village.Name} 村党组织：{item.Name}标准 {Amounts.Yuan(item.AmountFen)} 元")];
            }

            default:
                return [];
        }
    }

    private static async Task<IReadOnlyList<AllocationTarget>> CadreTargetsAsync(NpgsqlTransaction transaction, string force, string post, string label,
        VillageFacts village, int year, EffectiveStandard[] items, CancellationToken cancellationToken)
    {
        var holders = await transaction.Connection!.QueryAsync<PostHolder>(new CommandDefinition(
            """
            SELECT assignment_id, cadre_id, cadre_name, starts_on, ends_on FROM funded_assignments
            WHERE village_code = @Code AND force = @force AND starts_on <= make_date(@year, 12, 31) AND (ends_on IS NULL OR ends_on >= make_date(@year, 1, 1))
            """, new { village.Code, force, year }, transaction, cancellationToken: cancellationToken));
        var monthly = items.Select(i => i.AmountFen).ToArray();
        var standard = Standard(items);
        return ProRating.Shares(year, monthly, holders).Select(share =>
        {
            var who = $"{label}{post} {share.Holder.CadreName}：";
            var why = share switch
            {
                { ProRated: true } => $"{who}{share.ServedFrom:yyyy-MM-dd}至{share.ServedTo:yyyy-MM-dd}在岗{share.DaysServed}天，按在岗天数折算全年{standard}"
                    + $"（按日折算，不足1分舍去，余数归接任者），应得 {Amounts.Yuan(share.TargetFen)} 元",
                { Predecessors.Count: > 0 } => $"{who}接替{string.Join("、", share.Predecessors.Select(p => p.CadreName))}，"
                    + $"全年{standard}，减去前任按在岗天数应得 {Amounts.Yuan(share.KeptByPredecessorsFen)} 元，应得 {Amounts.Yuan(share.TargetFen)} 元",
                _ => $"{who}{standard}",
            };
            return new AllocationTarget("cadre", share.Holder.CadreId, share.Holder.CadreName, village.Code, items[^1].Item, share.TargetFen, why);
        }).ToList();
    }

    /// <summary>"贫困村第一书记工作经费标准 10,000.00 元", or the months at each standard when the category changed within the year.</summary>
    private static string Standard(EffectiveStandard[] items)
    {
        if (items.All(i => i.Item == items[0].Item))
        {
            return $"{items[0].Name}标准 {Amounts.Yuan(items[0].AmountFen)} 元";
        }

        var parts = new List<string>();
        for (var start = 0; start < 12;)
        {
            var end = start;
            while (end + 1 < 12 && items[end + 1].Item == items[start].Item)
            {
                end++;
            }

            parts.Add($"{(start == end ? $"{start + 1}月" : $"{start + 1}-{end + 1}月")}按{items[start].Name}标准 {Amounts.Yuan(items[start].AmountFen)} 元");
            start = end + 1;
        }

        return $"标准（村类别年内变更，次月起按新类别）：{string.Join("、", parts)}，按月折算全年 {Amounts.Yuan(ProRating.YearAmount(items.Select(i => i.AmountFen).ToArray()))} 元（不足1分舍去）";
    }

    /// <summary>The category in force on a day: the last change effective by then, else the first change's previous category, else dispatch's.</summary>
    private static string CategoryOn(DateOnly day, string current, List<CategoryChange> changes)
    {
        var effective = changes.LastOrDefault(c => c.EffectiveFrom <= day);
        return effective?.Category ?? changes.FirstOrDefault()?.PreviousCategory ?? current;
    }

    private sealed record CategoryChange(string? PreviousCategory, string Category, DateOnly EffectiveFrom);
}
