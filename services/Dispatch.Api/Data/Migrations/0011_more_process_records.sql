-- The rest of domain.md §4's process records: the first secretary's weekly spot check, monthly bulletin and quarterly
-- public review (周抽查、月通报、季众评), the technician's quarterly bulletin (季度通报) and the contact county leader's
-- reminders, records and publicity (提醒、纪实、公示). Periodic records (week, month, quarter) are one per village and
-- period. The kinds and their writers live in Domain/ProcessRecordKinds.cs.
ALTER TABLE process_records DROP CONSTRAINT process_records_kind_check;
ALTER TABLE process_records ADD CONSTRAINT process_records_kind_check CHECK (kind IN (
    'daily_log', 'weekly_spot_check', 'monthly_bulletin', 'quarterly_review', 'weekly_summary', 'monthly_report', 'service_record',
    'quarterly_bulletin', 'leader_reminder', 'leader_record', 'leader_publicity'));

DROP INDEX ux_process_records_period;
CREATE UNIQUE INDEX ux_process_records_period ON process_records (village_code, kind, period_start)
    WHERE kind IN ('weekly_spot_check', 'monthly_bulletin', 'quarterly_review', 'weekly_summary', 'monthly_report', 'quarterly_bulletin');
