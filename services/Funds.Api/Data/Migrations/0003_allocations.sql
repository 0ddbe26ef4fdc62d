-- Allocations (经费分配): a run computes, for a county's programme and year, what each village and cadre should have
-- received from the standards and from who serves where (asked of dispatch), and books the difference from the budget
-- line as allocation entries. Every line of a run says why (the standard, the village's category, the post); runs and
-- their lines are never changed: a later run explains what changed since.
CREATE TABLE allocation_runs (
    id           uuid        PRIMARY KEY,
    county_code  text        COLLATE "C" NOT NULL CHECK (county_code ~ '^[0-9]{12}$'),
    year         integer     NOT NULL,
    programme    text        NOT NULL,
    on_date      date        NOT NULL,
    total_fen    bigint      NOT NULL,
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_allocation_runs_county ON allocation_runs (county_code, year, programme, requested_at);

CREATE TABLE allocation_lines (
    run_id        uuid    NOT NULL REFERENCES allocation_runs (id),
    line_no       integer NOT NULL,
    account_id    uuid    NOT NULL REFERENCES accounts (id),
    holder_kind   text    NOT NULL CHECK (holder_kind IN ('village', 'cadre')),
    holder_id     text    NOT NULL,
    holder_name   text    NOT NULL,
    village_code  text    COLLATE "C" NOT NULL,
    standard_item text    NOT NULL,
    target_fen    bigint  NOT NULL,
    previous_fen  bigint  NOT NULL,
    booked_fen    bigint  NOT NULL,
    entry_id      uuid    NULL REFERENCES ledger_entries (id),
    explanation   text    NOT NULL,
    PRIMARY KEY (run_id, line_no)
);

CREATE TRIGGER allocation_runs_append_only BEFORE UPDATE OR DELETE ON allocation_runs FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER allocation_lines_append_only BEFORE UPDATE OR DELETE ON allocation_lines FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
