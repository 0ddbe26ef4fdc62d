namespace Funds.Api.Features.Allocations;

/// <summary>One holder of a post in a village (first secretary or technician), from funds' copy of dispatch's assignments.</summary>
public sealed record PostHolder(Guid AssignmentId, string CadreId, string CadreName, DateOnly StartsOn, DateOnly? EndsOn);

/// <summary>
/// A holder's target for the year. <paramref name="Predecessors"/> are the holders of the same post before (the
/// replacement receives what they do not keep); <paramref name="KeptByPredecessorsFen"/> what they keep.
/// </summary>
public sealed record HolderShare(PostHolder Holder, long TargetFen, bool ProRated, DateOnly ServedFrom, DateOnly ServedTo, int DaysServed,
    IReadOnlyList<PostHolder> Predecessors, long KeptByPredecessorsFen);

/// <summary>
/// Pro-rating in exact integer arithmetic. A year's standard is the sum of its months', each month worth a twelfth of the
/// standard in force that month (a village's category decides it); a day is worth its month's twelfth divided by the
/// month's days. A holder who left keeps the value of the days served, rounded DOWN to the fen; the replacement receives
/// the rest of the year's amount. Floor, not banker's rounding: the shares then add up exactly to the standard (no fen
/// made or lost), the leaver never keeps more than was served, and the remainder (under 1 fen per leaver) goes to the
/// one who carries the post on.
/// </summary>
public static class ProRating
{
    /// <summary>lcm(28, 29, 30, 31): a day of any month is a whole number of units (1 / (12 × DayUnits) fen).</summary>
    private const long DayUnits = 377_580;

    /// <summary>The year's amount from the standard in force each month (fen): the sum of the months' twelfths, rounded down.</summary>
    public static long YearAmount(IReadOnlyList<long> monthlyStandards) => monthlyStandards.Sum() / 12;

    /// <summary>The value (fen, rounded down) of serving from <paramref name="from"/> to <paramref name="to"/>, both inclusive, within one year.</summary>
    public static long ServedFen(int year, IReadOnlyList<long> monthlyStandards, DateOnly from, DateOnly to)
    {
        long units = 0;
        for (var month = 1; month <= 12; month++)
        {
            var days = DateTime.DaysInMonth(year, month);
            var first = new DateOnly(year, month, 1);
            var start = from > first ? from : first;
            var end = to < first.AddDays(days - 1) ? to : first.AddDays(days - 1);
            if (start <= end)
            {
                units += monthlyStandards[month - 1] * (DayUnits / days) * (end.DayNumber - start.DayNumber + 1);
            }
        }

        return units / (12 * DayUnits);
    }

    /// <summary>
    /// Each holder's target in <paramref name="year"/>. Holders are chained by post: one who starts after another's last
    /// day takes over the earliest such post not yet taken over (dispatch allows one first secretary per village at a
    /// time; technicians may be several). In a chain, each holder who left within the year keeps the value of the days
    /// served; the last one still serving receives the year's amount less what the others keep. A post left vacant at
    /// the end keeps the rest on the budget line.
    /// </summary>
    public static IReadOnlyList<HolderShare> Shares(int year, IReadOnlyList<long> monthlyStandards, IEnumerable<PostHolder> holders)
    {
        var yearStart = new DateOnly(year, 1, 1);
        var yearEnd = new DateOnly(year, 12, 31);
        var chains = new List<List<PostHolder>>();
        foreach (var holder in holders.Where(h => h.StartsOn <= yearEnd && (h.EndsOn is null || h.EndsOn >= yearStart))
                     .OrderBy(h => h.StartsOn).ThenBy(h => h.AssignmentId))
        {
            var chain = chains.Where(c => c[^1].EndsOn is { } end && end < holder.StartsOn).OrderBy(c => c[^1].EndsOn).FirstOrDefault();
            if (chain is null)
            {
                chains.Add([holder]);
            }
            else
            {
                chain.Add(holder);
            }
        }

        var amount = YearAmount(monthlyStandards);
        var shares = new List<HolderShare>();
        foreach (var chain in chains)
        {
            long kept = 0;
            for (var i = 0; i < chain.Count; i++)
            {
                var holder = chain[i];
                var from = holder.StartsOn > yearStart ? holder.StartsOn : yearStart;
                var left = holder.EndsOn is { } end && end < yearEnd;
                var to = left ? holder.EndsOn!.Value : yearEnd;
                var predecessors = chain.Take(i).ToList();
                if (left)
                {
                    var share = ServedFen(year, monthlyStandards, from, to);
                    shares.Add(new HolderShare(holder, share, true, from, to, to.DayNumber - from.DayNumber + 1, predecessors, kept));
                    kept += share;
                }
                else
                {
                    shares.Add(new HolderShare(holder, amount - kept, false, from, to, to.DayNumber - from.DayNumber + 1, predecessors, kept));
                }
            }
        }

        return shares;
    }
}
