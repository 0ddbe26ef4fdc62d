extern alias notification;

using notification::Notification.Api.Deliveries;
using notification::Notification.Api.Domain;
using notification::Notification.Api.Features.Subscriptions;

namespace Platform.UnitTests.Notification;

public sealed class NotificationRulesTests
{
    private static DateTimeOffset China(int year, int month, int day, int hour, int minute) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    [Theory]
    [InlineData("{villageName}由{previousCategory}变为{category}", null)]
    [InlineData("{villageName}{category}{村长}", "unknown_template_variable")]
    [InlineData("{villageName}变了", "missing_template_variable")]
    [InlineData("{villageName {category}", "invalid_template_syntax")]
    [InlineData("{villageName}{category}}", "invalid_template_syntax")]
    public void A_template_uses_only_its_rule_s_variables_and_all_required_ones(string body, string? code)
    {
        var errors = TemplateText.Validate(Rules.All[Rules.VillageCategoryChanged], "村类别变更", body);
        if (code is null)
        {
            errors.ShouldBeEmpty();
        }
        else
        {
            errors[0].Code.ShouldBe(code);
        }
    }

    [Fact]
    public void Rendering_fills_placeholders_and_leaves_absent_optional_ones_empty()
    {
        TemplateText.Render("{cadreName}同志：{note}请假{decision}", new Dictionary<string, string> { ["cadreName"] = "甲", ["decision"] = "已批准" })
            .ShouldBe("甲同志：请假已批准");
    }

    [Fact]
    public void Every_seeded_rule_has_chinese_names_and_a_forces_map()
    {
        Rules.All.Values.ShouldAllBe(r => r.Name.Length > 0 && r.Channels.Contains("in_app"));
        Rules.ForceName("contact_leader").ShouldBe("联系县领导");
    }

    [Fact]
    public void Quiet_hours_hold_non_urgent_messages_until_eight_in_the_morning_local_time()
    {
        var quiet = new QuietHours(new NotificationOptions());
        quiet.NotBefore(China(2026, 11, 23, 22, 30), urgent: false).ShouldBe(China(2026, 11, 24, 8, 0));
        quiet.NotBefore(China(2026, 11, 24, 3, 0), urgent: false).ShouldBe(China(2026, 11, 24, 8, 0));
        quiet.NotBefore(China(2026, 11, 24, 8, 0), urgent: false).ShouldBe(China(2026, 11, 24, 8, 0));
        quiet.NotBefore(China(2026, 11, 24, 20, 59), urgent: false).ShouldBe(China(2026, 11, 24, 20, 59));
        quiet.NotBefore(China(2026, 11, 23, 22, 30), urgent: true).ShouldBe(China(2026, 11, 23, 22, 30));
        new QuietHours(new NotificationOptions { QuietHours = new QuietHoursOptions { Start = "12:00", End = "14:00" } })
            .NotBefore(China(2026, 11, 24, 13, 0), urgent: false).ShouldBe(China(2026, 11, 24, 14, 0));
    }

    [Fact]
    public void Backoff_doubles_with_jitter_up_to_the_cap()
    {
        var settings = new DeliveryOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromMinutes(1) };
        DeliveryWorker.Backoff(1, settings).TotalSeconds.ShouldBeInRange(5, 15);
        DeliveryWorker.Backoff(2, settings).TotalSeconds.ShouldBeInRange(10, 30);
        DeliveryWorker.Backoff(30, settings).TotalSeconds.ShouldBeInRange(30, 90);
    }

    [Fact]
    public void The_webhook_signature_is_hmac_sha256_of_timestamp_dot_body()
    {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        WebhookChannelAdapter.Sign("secret", 1700000000, "{\"a\":1}")
            .ShouldBe("t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5101/x", true)]
    [InlineData("http://localhost/x", true)]
    [InlineData("http://10.1.2.3/x", true)]
    [InlineData("http://172.20.0.1/x", true)]
    [InlineData("http://192.168.1.1/x", true)]
    [InlineData("http://169.254.169.254/latest", true)]
    [InlineData("http://[::1]/x", true)]
    [InlineData("http://[fd00::1]/x", true)]
    [InlineData("http://0.0.0.0/x", true)]
    [InlineData("https://gov-system.example.cn/hooks", false)]
    [InlineData("https://8.8.8.8/x", false)]
    public void Webhooks_to_private_addresses_are_recognised(string url, bool isPrivate) =>
        Subscriptions.IsPrivate(new Uri(url)).ShouldBe(isPrivate);
}
