-- Process records (痕迹管理): first secretaries' daily logs, work teams' weekly summaries and monthly reports,
-- technicians' service records, each attached to a village and to the cadre who wrote it.
CREATE TABLE process_records (
    id           uuid PRIMARY KEY,
    village_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    kind         text        NOT NULL CHECK (kind IN ('daily_log', 'weekly_summary', 'monthly_report', 'service_record')),
    cadre_id     uuid        NOT NULL REFERENCES cadres (id),
    period_start date        NOT NULL,
    content      text        NOT NULL CHECK (length(content) BETWEEN 1 AND 20000),
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- One weekly summary and one monthly report per village and period (a second submission is a conflict, not a copy).
CREATE UNIQUE INDEX ux_process_records_period ON process_records (village_code, kind, period_start) WHERE kind IN ('weekly_summary', 'monthly_report');
CREATE INDEX ix_process_records_village ON process_records (village_code, period_start);
