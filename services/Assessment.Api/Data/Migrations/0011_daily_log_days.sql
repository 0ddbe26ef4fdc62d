-- Days a first secretary wrote the daily log (日纪实) with a check-in, collected from dispatch with the month's attendance
-- (dispatch.v1.Personnel/GetMonthlyAttendance, daily_log_days). They are no longer ProcessRecordWritten events: an event
-- per check-in doubled the check-in's cost. Facts collected before this migration have none here; their check-in logs
-- came as events and are still in process_record_facts.
ALTER TABLE attendance_facts ADD COLUMN daily_log_days date[] NOT NULL DEFAULT '{}';
