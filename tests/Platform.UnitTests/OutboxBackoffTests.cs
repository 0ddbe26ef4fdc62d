using Platform.Messaging.Outbox;

namespace Platform.UnitTests;

public class OutboxBackoffTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(9, 256)]
    [InlineData(10, 300)]
    [InlineData(1000, 300)]
    public void Doubles_from_one_second_up_to_the_cap(int attempts, double seconds) =>
        OutboxBackoff.After(attempts, TimeSpan.FromMinutes(5)).TotalSeconds.ShouldBe(seconds);
}
