namespace Platform.Contracts.IntegrationEvents.Dispatch.V1;

/// <summary>
/// A process record (痕迹管理) was written: a daily log (日纪实, also one written with a check-in), a weekly summary (周小结),
/// a monthly report (月报表) or a service record (服务记录). <paramref name="WrittenAt"/> is the server's clock, which decides
/// whether the record was on time (docs/integration/assessment.md). The content stays in dispatch.
/// </summary>
/// <param name="RecordId">The process record's id, or the check-in's for a daily log written with a check-in.</param>
/// <param name="Kind">daily_log, weekly_spot_check, monthly_bulletin, quarterly_review, weekly_summary, monthly_report, service_record, quarterly_bulletin, leader_reminder, leader_record or leader_publicity (dispatch's Domain/ProcessRecordKinds.cs).</param>
/// <param name="PeriodStart">The day, the week's Monday or the month's first day the record is about.</param>
/// <param name="Source">record (written as a record) or check_in (a daily log written with a check-in).</param>
public sealed record ProcessRecordWritten(
    Guid RecordId,
    string VillageCode,
    string Kind,
    Guid CadreId,
    DateOnly PeriodStart,
    string Source,
    DateTimeOffset WrittenAt);
