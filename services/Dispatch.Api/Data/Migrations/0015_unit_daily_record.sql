-- The assisting unit's daily record (帮扶单位日常纪实, domain.md §4), written by a cadre of the unit assigned to the village.
ALTER TABLE process_records DROP CONSTRAINT process_records_kind_check;
ALTER TABLE process_records ADD CONSTRAINT process_records_kind_check CHECK (kind IN (
    'daily_log', 'weekly_spot_check', 'monthly_bulletin', 'quarterly_review', 'weekly_summary', 'monthly_report', 'service_record',
    'quarterly_bulletin', 'leader_reminder', 'leader_record', 'leader_publicity', 'unit_daily_record'));
