using System.Globalization;
using Platform.ServiceDefaults;

namespace Assessment.Api.Domain;

/// <summary>An assessment month, "yyyy-MM" (China time); one that has not ended is scored as provisional.</summary>
public sealed record AssessmentMonth(string Text, DateOnly First, DateOnly Last)
{
    public static AssessmentMonth Parse(string? text, string field = "month")
    {
        if (text is null || !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            || first.Year < 2000 || text.Length != 7)
        {
            throw ApiProblems.Invalid("invalid_month", "月份无效", [new FieldError(field, "invalid_month", $"{field} 须为 yyyy-MM")]).ToException();
        }

        return new AssessmentMonth(text, first, first.AddMonths(1).AddDays(-1));
    }

    /// <summary>A month that has not started cannot be scored; one that has not ended is provisional.</summary>
    public static AssessmentMonth ParseScorable(string? text, DateOnly today, string field = "month")
    {
        var month = Parse(text, field);
        if (month.First > today)
        {
            throw ApiProblems.Invalid("invalid_month", "月份无效", [new FieldError(field, "future_month", "不能考核尚未开始的月份")]).ToException();
        }

        return month;
    }

    public bool IsProvisional(DateOnly today) => Last >= today;

    /// <summary>The day facts are judged on: the month's last day, or today for a month still running.</summary>
    public DateOnly AsOf(DateOnly today) => Last < today ? Last : today;
}
