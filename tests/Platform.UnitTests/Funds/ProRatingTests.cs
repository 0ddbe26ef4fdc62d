extern alias funds;

using CsCheck;
using funds::Funds.Api.Features.Allocations;

namespace Platform.UnitTests.Funds;

/// <summary>
/// Pro-rating of a post's standard: a leaver keeps the exact value of the days served rounded down to the fen, the
/// replacement the rest, and the shares always add up to the year's amount (no fen made or lost).
/// </summary>
public sealed class ProRatingTests
{
    private static PostHolder Holder(string name, DateOnly from, DateOnly? to) => new(Guid.NewGuid(), name, name, from, to);

    [Fact]
    public void A_first_secretary_recalled_after_june_15_keeps_4583_33_and_the_replacement_5416_67()
    {
        var monthly = Enumerable.Repeat(1_000_000L, 12).ToArray();
        var shares = ProRating.Shares(2026, monthly,
            [Holder("甲", new DateOnly(2025, 3, 1), new DateOnly(2026, 6, 15)), Holder("戊", new DateOnly(2026, 6, 16), null)]);
        shares.Select(s => (s.Holder.CadreName, s.TargetFen)).ShouldBe([("甲", 458_333L), ("戊", 541_667L)]);
        shares[0].DaysServed.ShouldBe(166);
        shares[1].Predecessors.Single().CadreName.ShouldBe("甲");
    }

    [Fact]
    public void A_category_change_counts_months_at_each_standard_and_a_vacant_post_keeps_the_rest_back()
    {
        // Poor (10,000 CNY) to November, non-poor (5,000) in December.
        var monthly = Enumerable.Repeat(1_000_000L, 11).Append(500_000L).ToArray();
        ProRating.YearAmount(monthly).ShouldBe(958_333);
        var vacant = ProRating.Shares(2026, monthly, [Holder("甲", new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31))]);
        vacant.Single().TargetFen.ShouldBe(250_000); // a quarter of the poor standard; the rest stays on the budget line
    }

    [Fact]
    public void Technicians_serving_side_by_side_keep_their_own_posts_and_a_newcomer_takes_over_the_one_that_ended()
    {
        var monthly = Enumerable.Repeat(800_000L, 12).ToArray();
        var shares = ProRating.Shares(2026, monthly,
        [
            Holder("丙", new DateOnly(2026, 1, 1), null), Holder("丁", new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31)),
            Holder("戊", new DateOnly(2026, 7, 1), null),
        ]).OrderBy(s => s.Holder.CadreName, StringComparer.Ordinal).Select(s => (s.Holder.CadreName, s.TargetFen));
        shares.ShouldBe([("丁", 200_000L), ("丙", 800_000L), ("戊", 600_000L)]);
    }

    [Fact]
    public void Shares_add_up_to_the_year_and_a_leaver_keeps_the_exact_value_rounded_down()
    {
        var months = Gen.Long[0, 50_000_000].Array[12];
        var days = Gen.Int[0, 364];
        Gen.Select(months, days, days).Sample((monthly, a, b) =>
        {
            var (first, second) = (Math.Min(a, b), Math.Max(a, b));
            var start = new DateOnly(2026, 1, 1);
            var holders = new List<PostHolder> { Holder("A", start.AddDays(-30), start.AddDays(first)) };
            if (second > first && second < 364)
            {
                holders.Add(Holder("B", start.AddDays(first + 1), start.AddDays(second)));
                holders.Add(Holder("C", start.AddDays(second + 1), null));
            }
            else
            {
                holders.Add(Holder("B", start.AddDays(first + 1), null));
            }

            var shares = ProRating.Shares(2026, monthly, holders);
            var kept = shares.Where(s => s.ProRated).ToList();
            shares.Sum(s => s.TargetFen).ShouldBe(ProRating.YearAmount(monthly)); // the last holder carries the post to the year's end

            foreach (var share in kept)
            {
                var exact = 0m;
                for (var day = share.ServedFrom; day <= share.ServedTo; day = day.AddDays(1))
                {
                    exact += monthly[day.Month - 1] / 12m / DateTime.DaysInMonth(2026, day.Month);
                }

                // decimal carries 28 digits: the exact value to well under a thousandth of a fen.
                (share.TargetFen - exact).ShouldBeLessThanOrEqualTo(0.000001m);
                (exact - share.TargetFen).ShouldBeLessThan(1m);
            }
        });
    }
}
