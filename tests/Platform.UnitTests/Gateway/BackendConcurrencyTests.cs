extern alias gateway;

using System.Threading.RateLimiting;
using gateway::Platform.Gateway.Extensions;

namespace Platform.UnitTests.Gateway;

public sealed class BackendConcurrencyTests
{
    private static readonly BackendLimits Defaults = new() { ConcurrentRequests = 128, QueuedRequests = 512 };

    [Fact]
    public void A_cluster_without_metadata_gets_the_defaults_oldest_first()
    {
        var limits = BackendConcurrency.For(null, Defaults)!;
        limits.PermitLimit.ShouldBe(128);
        limits.QueueLimit.ShouldBe(512);
        limits.QueueProcessingOrder.ShouldBe(QueueProcessingOrder.OldestFirst);
    }

    [Fact]
    public void A_clusters_metadata_overrides_each_limit()
    {
        var limits = BackendConcurrency.For(new Dictionary<string, string> { ["ConcurrentRequests"] = "16", ["QueuedRequests"] = "0" }, Defaults)!;
        limits.PermitLimit.ShouldBe(16);
        limits.QueueLimit.ShouldBe(0);
        BackendConcurrency.For(new Dictionary<string, string> { ["QueuedRequests"] = "7" }, Defaults)!.PermitLimit.ShouldBe(128);
    }

    [Theory]
    [InlineData("unlimited")]
    [InlineData("Unlimited")]
    public void Unlimited_turns_the_limit_off(string value) =>
        BackendConcurrency.For(new Dictionary<string, string> { ["ConcurrentRequests"] = value }, Defaults).ShouldBeNull();

    [Theory]
    [InlineData("ConcurrentRequests", "0")]
    [InlineData("ConcurrentRequests", "-1")]
    [InlineData("ConcurrentRequests", "many")]
    [InlineData("QueuedRequests", "-5")]
    [InlineData("QueuedRequests", "unlimited")]
    public void A_bad_value_is_a_configuration_error_naming_the_key(string key, string value) =>
        Should.Throw<InvalidOperationException>(() => BackendConcurrency.For(new Dictionary<string, string> { [key] = value }, Defaults)).Message.ShouldContain(key);
}
