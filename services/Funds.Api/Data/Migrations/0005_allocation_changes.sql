-- Allocations kept in step by dispatch's events (issue 17 item 2). Funds keeps its own copy of who held a first
-- secretary's or technician's post in a village and when (from dispatch's AssignmentStarted / AssignmentEnded and from
-- allocation runs), and of each village's category changes, because the events arrive in any order and a share is
-- computed from the whole year's holders, not from one event.
CREATE TABLE funded_assignments (
    assignment_id uuid        PRIMARY KEY,
    village_code  text        COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    force         text        NOT NULL CHECK (force IN ('first_secretary', 'agricultural_technician')),
    cadre_id      text        NOT NULL,
    cadre_name    text        NOT NULL,
    starts_on     date        NOT NULL,
    -- The last day served (inclusive, as in dispatch); null while the post is held.
    ends_on       date        NULL,
    end_kind      text        NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_funded_assignments_village ON funded_assignments (village_code, force, starts_on);

-- A village's category changes take effect from the first day of the next month (China time): the months before keep
-- the old standard. One row per dispatch event (its id), never changed.
CREATE TABLE village_category_changes (
    event_id          uuid        PRIMARY KEY,
    village_code      text        COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    previous_category text        NULL,
    category          text        NOT NULL,
    changed_on        date        NOT NULL,
    effective_from    date        NOT NULL CHECK (extract(day FROM effective_from) = 1 AND effective_from > changed_on),
    reason            text        NOT NULL,
    changed_by        text        NOT NULL,
    changed_at        timestamptz NOT NULL
);
CREATE INDEX ix_village_category_changes_village ON village_category_changes (village_code, effective_from);

-- A recomputation (重算) of one village's programme of a year caused by one event: every holder's line says the target
-- and why, what was allocated before, what was booked now (negative: taken back to the budget line) and the shortfall
-- (spent money never taken back, or a budget line short of a top-up). Kept, never changed; the cause (event id and
-- programme) is recorded once, so a repeated event recomputes nothing.
CREATE TABLE allocation_changes (
    id             uuid        PRIMARY KEY,
    cause_key      text        COLLATE "C" NOT NULL UNIQUE,
    cause          text        NOT NULL CHECK (cause IN ('assignment_ended', 'assignment_started', 'village_category_changed')),
    cause_event_id uuid        NOT NULL,
    county_code    text        COLLATE "C" NOT NULL CHECK (county_code ~ '^[0-9]{12}$'),
    village_code   text        COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    year           integer     NOT NULL,
    programme      text        NOT NULL,
    booked_fen     bigint      NOT NULL CHECK (booked_fen >= 0),
    returned_fen   bigint      NOT NULL CHECK (returned_fen >= 0),
    shortfall_fen  bigint      NOT NULL CHECK (shortfall_fen >= 0),
    summary        text        NOT NULL,
    recorded_by    text        NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_allocation_changes_village ON allocation_changes (village_code, year, recorded_at);

CREATE TABLE allocation_change_lines (
    change_id     uuid    NOT NULL REFERENCES allocation_changes (id),
    line_no       integer NOT NULL,
    account_id    uuid    NOT NULL REFERENCES accounts (id),
    holder_kind   text    NOT NULL CHECK (holder_kind IN ('village', 'cadre')),
    holder_id     text    NOT NULL,
    holder_name   text    NOT NULL,
    village_code  text    COLLATE "C" NOT NULL,
    standard_item text    NOT NULL,
    target_fen    bigint  NOT NULL CHECK (target_fen >= 0),
    previous_fen  bigint  NOT NULL,
    booked_fen    bigint  NOT NULL,
    shortfall_fen bigint  NOT NULL CHECK (shortfall_fen >= 0),
    entry_id      uuid    NULL REFERENCES ledger_entries (id),
    explanation   text    NOT NULL,
    PRIMARY KEY (change_id, line_no)
);

CREATE TRIGGER village_category_changes_append_only BEFORE UPDATE OR DELETE ON village_category_changes FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER allocation_changes_append_only BEFORE UPDATE OR DELETE ON allocation_changes FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER allocation_change_lines_append_only BEFORE UPDATE OR DELETE ON allocation_change_lines FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
