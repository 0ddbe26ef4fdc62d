namespace Funds.Api.Features.RevolvingFunds;

/// <summary>One installment of a loan's schedule: due on a day, for an amount in fen.</summary>
public sealed record Installment(int No, DateOnly DueOn, long AmountFen);

/// <summary>
/// A loan's repayment schedule: the principal in equal installments at equal intervals of the term (term months divided
/// by the number of installments, which must divide it), the first one interval after the loan's day and the last at the
/// term's end. Equal parts are whole fen rounded down; the remainder (fewer fen than installments) falls in the last,
/// so the schedule always adds up to the principal exactly. Revolving funds lend without interest.
/// </summary>
public static class LoanSchedule
{
    public static IReadOnlyList<Installment> Of(long principalFen, DateOnly lentOn, int termMonths, int installments)
    {
        if (principalFen < installments || installments < 1 || termMonths % installments != 0)
        {
            throw new ArgumentException($"No schedule of {installments} installments over {termMonths} months for {principalFen} fen.");
        }

        var interval = termMonths / installments;
        var part = principalFen / installments;
        return Enumerable.Range(1, installments)
            .Select(n => new Installment(n, lentOn.AddMonths(n * interval), n == installments ? principalFen - part * (installments - 1) : part))
            .ToList();
    }

    /// <summary>
    /// What is overdue on <paramref name="today"/> after <paramref name="repaidFen"/> was repaid: the latest installment
    /// due before today that the repayments do not cover, and how much of what was due up to it is unpaid; null when none.
    /// </summary>
    public static (int InstallmentNo, DateOnly DueOn, long OverdueFen)? Overdue(IReadOnlyList<Installment> schedule, long repaidFen, DateOnly today)
    {
        long due = 0;
        (int, DateOnly, long)? overdue = null;
        foreach (var installment in schedule.OrderBy(i => i.No))
        {
            due += installment.AmountFen;
            if (installment.DueOn < today && due > repaidFen)
            {
                overdue = (installment.No, installment.DueOn, due - repaidFen);
            }
        }

        return overdue;
    }
}
