-- A failed matching run says why with a stable code, as the other background runs do (Platform.Data.BackgroundRuns);
-- the message beside it is for people, the details are in the log.
ALTER TABLE matching_runs ADD COLUMN problem_code text NULL;
