extern alias identity;

using identity::Identity.Api.Domain;

namespace Platform.UnitTests.Identity;

/// <summary>
/// The token server's key rotation: one key in use per use, its successor published ahead, a replaced key dropped only
/// after every token it protected has expired.
/// </summary>
public sealed class KeyRotationPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly KeyRotationSettings Settings = new()
    {
        RotateEvery = TimeSpan.FromDays(30),
        PublishAhead = TimeSpan.FromDays(2),
        Overlap = TimeSpan.FromHours(12),
    };

    [Fact]
    public void A_new_database_gets_a_key_in_use_at_once()
    {
        var plan = KeyRotationPolicy.Plan([], KeyUses.Signing, Start, Settings);

        plan.CreateActiveFrom.ShouldBe(Start);
        plan.Retire.ShouldBeEmpty();
    }

    [Fact]
    public void Nothing_happens_while_the_key_is_young()
    {
        var keys = new[] { new KeySchedule("a", KeyUses.Signing, Start) };

        var plan = KeyRotationPolicy.Plan(keys, KeyUses.Signing, Start.AddDays(27.9), Settings);

        plan.CreateActiveFrom.ShouldBeNull();
        plan.Retire.ShouldBeEmpty();
    }

    [Fact]
    public void The_successor_is_made_publish_ahead_before_the_key_is_due_and_takes_over_when_it_is()
    {
        var keys = new[] { new KeySchedule("a", KeyUses.Signing, Start) };

        var plan = KeyRotationPolicy.Plan(keys, KeyUses.Signing, Start.AddDays(28), Settings);

        plan.CreateActiveFrom.ShouldBe(Start.AddDays(30));
    }

    [Fact]
    public void A_late_run_still_publishes_the_successor_a_full_publish_ahead_before_it_signs()
    {
        var keys = new[] { new KeySchedule("a", KeyUses.Signing, Start) };
        var late = Start.AddDays(45);

        var plan = KeyRotationPolicy.Plan(keys, KeyUses.Signing, late, Settings);

        plan.CreateActiveFrom.ShouldBe(late.AddDays(2));
    }

    [Fact]
    public void A_published_successor_is_not_made_twice()
    {
        var keys = new[] { new KeySchedule("a", KeyUses.Signing, Start), new KeySchedule("b", KeyUses.Signing, Start.AddDays(30)) };

        var plan = KeyRotationPolicy.Plan(keys, KeyUses.Signing, Start.AddDays(29), Settings);

        plan.CreateActiveFrom.ShouldBeNull();
        plan.Retire.ShouldBeEmpty();
    }

    [Fact]
    public void The_replaced_key_stays_published_for_the_overlap_and_is_dropped_after_it()
    {
        var keys = new[] { new KeySchedule("a", KeyUses.Signing, Start), new KeySchedule("b", KeyUses.Signing, Start.AddDays(30)) };

        KeyRotationPolicy.Plan(keys, KeyUses.Signing, Start.AddDays(30).AddHours(11), Settings).Retire.ShouldBeEmpty();
        KeyRotationPolicy.Plan(keys, KeyUses.Signing, Start.AddDays(30).AddHours(12), Settings).Retire.ShouldBe(["a"]);
    }

    [Fact]
    public void Uses_rotate_apart_from_each_other()
    {
        var keys = new[] { new KeySchedule("s", KeyUses.Signing, Start), new KeySchedule("e", KeyUses.Encryption, Start.AddDays(20)) };

        KeyRotationPolicy.Plan(keys, KeyUses.Signing, Start.AddDays(28), Settings).CreateActiveFrom.ShouldBe(Start.AddDays(30));
        KeyRotationPolicy.Plan(keys, KeyUses.Encryption, Start.AddDays(28), Settings).CreateActiveFrom.ShouldBeNull();
    }
}
