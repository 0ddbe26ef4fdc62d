using Platform.ServiceDefaults;

namespace Platform.UnitTests;

/// <summary>The text rules and the date window every service applies (Platform.ServiceDefaults/InputRules.cs).</summary>
public class InputRulesTests
{
    [Theory]
    [InlineData("帮扶措施：入户走访", null)]
    [InlineData("第一行\n第二行\r\n\t缩进", null)]
    [InlineData("家庭人口 👨‍👩‍👧", null)] // surrogate pairs are fine
    [InlineData("前{0}后", "control_character")]
    [InlineData("铃{7}", "control_character")]
    [InlineData("{127}", "control_character")]
    [InlineData("{155}", "control_character")]
    [InlineData("乱码{65533}", "invalid_encoding")]
    [InlineData("{55296}孤", "invalid_encoding")] // a lone high surrogate
    [InlineData("孤{56320}", "invalid_encoding")] // a lone low surrogate
    public void Text_holds_no_control_characters_and_no_broken_encoding(string template, string? code)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(template, @"\{(\d+)\}", m => ((char)int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToString());
        InputRules.CheckText(text)?.Code.ShouldBe(code);
        if (code is null)
        {
            InputRules.CheckText(text).ShouldBeNull();
        }
    }

    [Fact]
    public void Text_is_bounded()
    {
        InputRules.CheckText(new string('a', InputRules.MaxTextLength)).ShouldBeNull();
        InputRules.CheckText(new string('a', InputRules.MaxTextLength + 1))!.Value.Code.ShouldBe("too_long");
        InputRules.CheckText("abcd", maxLength: 3)!.Value.Code.ShouldBe("too_long");
    }

    [Fact]
    public void Dates_lie_between_2000_and_a_year_from_today_in_China()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 29, 20, 0, 0, TimeSpan.Zero)); // 2026-11-30 04:00 in China
        var window = new DateWindow(clock);
        window.Latest.ShouldBe(new DateOnly(2027, 11, 30));
        window.Contains(new DateOnly(2000, 1, 1)).ShouldBeTrue();
        window.Contains(new DateOnly(1999, 12, 31)).ShouldBeFalse();
        window.Contains(new DateOnly(2027, 11, 30)).ShouldBeTrue();
        window.Contains(new DateOnly(2027, 12, 1)).ShouldBeFalse();
        window.Contains(DateOnly.MinValue).ShouldBeFalse();
        window.Contains(DateOnly.MaxValue).ShouldBeFalse();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
