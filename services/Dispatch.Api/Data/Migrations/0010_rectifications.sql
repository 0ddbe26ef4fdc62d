-- Weak or lax village party organisations under rectification (软弱涣散村整顿, domain.md §9): a village is flagged with a
-- reason and a deadline and a ledger of problems, each with an owner and measures; a problem is closed (销号) only with
-- the evidence of a check, and the flag is lifted only when every problem is closed and a reviewer confirms.
CREATE TABLE rectifications (
    id           uuid             PRIMARY KEY,
    village_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    reason       text             NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    deadline     date             NOT NULL,
    flagged_by   text             NOT NULL,
    flagged_at   timestamptz      NOT NULL,
    lifted_by    text             NULL,
    lifted_at    timestamptz      NULL,
    review_note  text             NULL,
    CONSTRAINT rectification_lifted CHECK ((lifted_at IS NULL) = (lifted_by IS NULL) AND (lifted_at IS NULL) = (review_note IS NULL))
);

-- One open rectification per village at a time.
CREATE UNIQUE INDEX ux_rectifications_open_village ON rectifications (village_code) WHERE lifted_at IS NULL;
CREATE INDEX ix_rectifications_village ON rectifications (village_code, flagged_at);

CREATE TABLE rectification_problems (
    id               uuid        PRIMARY KEY,
    rectification_id uuid        NOT NULL REFERENCES rectifications (id),
    description      text        NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    owner            text        NOT NULL CHECK (length(owner) BETWEEN 1 AND 100),
    measures         text        NOT NULL CHECK (length(measures) BETWEEN 1 AND 2000),
    recorded_by      text        NOT NULL,
    recorded_at      timestamptz NOT NULL,
    evidence         text        NULL CHECK (length(evidence) BETWEEN 1 AND 2000),
    checked_by       text        NULL,
    closed_at        timestamptz NULL,
    CONSTRAINT problem_closed CHECK ((closed_at IS NULL) = (checked_by IS NULL) AND (closed_at IS NULL) = (evidence IS NULL))
);

CREATE INDEX ix_rectification_problems_rectification ON rectification_problems (rectification_id, recorded_at);
