-- Months whose overdue notices the monthly worker has published (one row per month, written with the run).
CREATE TABLE overdue_notice_runs (
    period      text        PRIMARY KEY CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
    published   integer     NOT NULL,
    already     integer     NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now()
);
