namespace Dispatch.Api.Domain;

/// <summary>How long a process record's period is, and so which day it starts on.</summary>
public enum RecordPeriod
{
    Day,
    Week,    // starts on Monday
    Month,   // starts on the 1st
    Quarter, // starts on 1 January, April, July or October
}

/// <summary>One kind of process record: who writes it (the forces that may, holding that post in the village on the period's first day) and its period.</summary>
public sealed record ProcessRecordKind(string Code, string ChineseName, RecordPeriod Period, IReadOnlyList<string> Writers)
{
    /// <summary>Whether <paramref name="start"/> starts a period of this kind.</summary>
    public bool StartsPeriod(DateOnly start) => Period switch
    {
        RecordPeriod.Week => start.DayOfWeek == DayOfWeek.Monday,
        RecordPeriod.Month => start.Day == 1,
        RecordPeriod.Quarter => start.Day == 1 && start.Month % 3 == 1,
        _ => true,
    };

    /// <summary>What the period must start on, in Chinese, for the error that names it.</summary>
    public string PeriodRule => Period switch
    {
        RecordPeriod.Week => $"{ChineseName}的周期应从周一开始",
        RecordPeriod.Month => $"{ChineseName}的周期应从每月1日开始",
        RecordPeriod.Quarter => $"{ChineseName}的周期应从每季度首日（1月、4月、7月、10月1日）开始",
        _ => string.Empty,
    };
}

/// <summary>
/// The process records (痕迹管理) of domain.md §4, "Process records", by the force that keeps them. A periodic record
/// (week, month, quarter) is one per village and period; day records may be many.
/// The assisting unit's daily record is written by a cadre of the unit assigned to the village (a unit is not one
/// cadre). Not here: the unit's bundled evaluation and the first secretary's annual assessment (assessment's).
/// </summary>
public static class ProcessRecordKinds
{
    private static readonly string[] WorkTeam = [Forces.FirstSecretary, Forces.TeamLeader, Forces.TeamMember];

    public static readonly IReadOnlyList<ProcessRecordKind> All =
    [
        new("daily_log", "日纪实", RecordPeriod.Day, [Forces.FirstSecretary]),
        new("weekly_spot_check", "周抽查", RecordPeriod.Week, [Forces.FirstSecretary]),
        new("monthly_bulletin", "月通报", RecordPeriod.Month, [Forces.FirstSecretary]),
        new("quarterly_review", "季众评", RecordPeriod.Quarter, [Forces.FirstSecretary]),
        new("weekly_summary", "周小结", RecordPeriod.Week, WorkTeam),
        new("monthly_report", "月报表", RecordPeriod.Month, WorkTeam),
        new("service_record", "服务记录", RecordPeriod.Day, [Forces.AgriculturalTechnician]),
        new("quarterly_bulletin", "季度通报", RecordPeriod.Quarter, [Forces.AgriculturalTechnician]),
        new("leader_reminder", "提醒", RecordPeriod.Day, [Forces.ContactLeader]),
        new("leader_record", "纪实", RecordPeriod.Day, [Forces.ContactLeader]),
        new("leader_publicity", "公示", RecordPeriod.Day, [Forces.ContactLeader]),
        new("unit_daily_record", "日常纪实", RecordPeriod.Day, [Forces.AssistingUnit]),
    ];

    public static ProcessRecordKind? Find(string? code) => All.FirstOrDefault(k => k.Code == code);
}
