-- A check-in's day and instant are the server's (issue 13): checked_at is when dispatch received it, and the phone's own
-- time is kept beside it as client_at. A check-in the phone queued offline and delivered later than Attendance:LateAfter
-- (within Attendance:OfflineWindow) is marked late: kept and shown, not counted as an on-post day.
-- Rows from before this change keep their checked_at (the phone's time then) as client_at too, and are not late:
-- months already reported are not recomputed.
ALTER TABLE check_ins ADD COLUMN client_at timestamptz NULL, ADD COLUMN late boolean NOT NULL DEFAULT false;
UPDATE check_ins SET client_at = checked_at;
ALTER TABLE check_ins ALTER COLUMN client_at SET NOT NULL;
