using System.Globalization;

namespace Pairing.Api.Domain;

/// <summary>A code of the monitoring vocabulary and the Chinese a person reads.</summary>
public sealed record MonitoringTerm(string Code, string Chinese);

/// <summary>
/// The rules of return-to-poverty monitoring (防返贫监测, domain.md §9), apart from any I/O: what a report's facts
/// trigger, which kind of monitored household (监测对象) a household becomes, and a case's status on a day.
/// "Exit does not end assistance": households that have left poverty (已脱贫) or live just above it (边缘户) are monitored;
/// households still in poverty or returned to it are assisted as poor households and are not monitoring cases.
/// </summary>
public static class MonitoringRules
{
    public const string UnstableExited = "unstable_exited";
    public const string Marginal = "marginal";
    public const string SuddenDifficulty = "sudden_difficulty";

    /// <summary>The three kinds of monitored households.</summary>
    public static readonly IReadOnlyList<MonitoringTerm> Kinds =
    [
        new(UnstableExited, "脱贫不稳定户"), new(Marginal, "边缘易致贫户"), new(SuddenDifficulty, "突发严重困难户"),
    ];

    /// <summary>Events a helper records that trigger monitoring by themselves.</summary>
    public static readonly IReadOnlyList<MonitoringTerm> Events =
    [
        new("major_illness", "大病"), new("disability", "残疾"), new("disaster", "灾害"), new("accident", "意外事故"),
    ];

    /// <summary>The income per person fell below the province's monitoring line of the year.</summary>
    public const string IncomeBelowLine = "income_below_line";

    /// <summary>An official flagged the household by hand (人工认定).</summary>
    public const string Manual = "manual";

    /// <summary>A case's source: the rules, from a report.</summary>
    public const string SourceRule = "rule";

    /// <summary>A case's source: an official, by hand.</summary>
    public const string SourceManual = "manual";

    public static readonly IReadOnlyList<MonitoringTerm> Statuses =
    [
        new("awaiting_response", "待落实帮扶"), new("overdue", "逾期未落实"), new("responded", "已落实帮扶"), new("closed", "风险已消除"),
    ];

    public static string? KindName(string? code) => Kinds.FirstOrDefault(k => k.Code == code)?.Chinese;

    public static string? StatusName(string? code) => Statuses.FirstOrDefault(k => k.Code == code)?.Chinese;

    public static bool IsEvent(string? code) => Events.Any(e => e.Code == code);

    /// <summary>The Chinese of a trigger: an event's name, 收入低于监测线 or 人工认定.</summary>
    public static string TriggerName(string code) => code switch
    {
        IncomeBelowLine => "收入低于监测线",
        Manual => "人工认定",
        _ => Events.FirstOrDefault(e => e.Code == code)?.Chinese ?? code,
    };

    /// <summary>Only households out of poverty (已脱贫) or just above it (边缘户) are monitoring cases.</summary>
    public static bool MayBeMonitored(string householdStatus) => householdStatus is "exited" or "monitored";

    /// <summary>
    /// What a report's facts trigger: income per person below the line (strictly), then each recorded event once, in the
    /// order of <see cref="Events"/>.
    /// </summary>
    public static IReadOnlyList<string> Triggers(decimal? incomePerCapita, decimal incomeLine, IEnumerable<string> events)
    {
        var triggers = new List<string>();
        if (incomePerCapita is { } income && income < incomeLine)
        {
            triggers.Add(IncomeBelowLine);
        }

        var recorded = events.ToHashSet(StringComparer.Ordinal);
        triggers.AddRange(Events.Where(e => recorded.Contains(e.Code)).Select(e => e.Code));
        return triggers;
    }

    /// <summary>
    /// The kind a household at risk becomes: an exited household is unstable (脱贫不稳定户); a marginal household (边缘户)
    /// whose income fell is marginal at risk (边缘易致贫户), one struck only by an illness, disability, disaster or accident
    /// has a sudden severe difficulty (突发严重困难户). Null when the household may not be monitored or nothing triggered.
    /// </summary>
    public static string? KindFor(string householdStatus, IReadOnlyCollection<string> triggers)
    {
        if (triggers.Count == 0 || !MayBeMonitored(householdStatus))
        {
            return null;
        }

        if (householdStatus == "exited")
        {
            return UnstableExited;
        }

        return triggers.Contains(IncomeBelowLine) ? Marginal : SuddenDifficulty;
    }

    /// <summary>The last day to give a monitored household a helper and measures: the day it was flagged plus the province's days.</summary>
    public static DateOnly RespondBy(DateOnly flaggedOn, int responseDays) => flaggedOn.AddDays(responseDays);

    /// <summary>A case's status on <paramref name="today"/> (China time).</summary>
    public static string Status(bool closed, bool responded, DateOnly respondBy, DateOnly today) =>
        closed ? "closed" : responded ? "responded" : today > respondBy ? "overdue" : "awaiting_response";

    /// <summary>Why the rules opened a case, as a person reads it: 人均纯收入6200.00元，低于监测线7500.00元；大病.</summary>
    public static string Reason(IReadOnlyList<string> triggers, decimal? incomePerCapita, decimal incomeLine) =>
        string.Join("；", triggers.Select(t => t == IncomeBelowLine && incomePerCapita is { } income
            ? string.Create(CultureInfo.InvariantCulture, $"人均纯收入{income:0.00}元，低于监测线{incomeLine:0.00}元")
            : TriggerName(t)));
}
