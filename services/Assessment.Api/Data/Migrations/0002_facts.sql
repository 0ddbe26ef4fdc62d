-- The local copy of the other services' facts, kept by idempotent consumers (inbox) and by the attendance collector
-- (dispatch.v1.Personnel/GetMonthlyAttendance over gRPC). Every fact has an id the explanations cite.

-- Assignments of the six forces, from AssignmentStarted / AssignmentEnded (dispatch).
CREATE TABLE assignments (
    id           uuid    PRIMARY KEY,
    village_code text    COLLATE "C" NOT NULL,
    force        text    NOT NULL,
    cadre_id     uuid    NULL,
    unit_code    text    COLLATE "C" NOT NULL,
    starts_on    date    NOT NULL,
    ends_on      date    NULL,
    end_kind     text    NULL
);
CREATE INDEX ix_assignments_village ON assignments (village_code);
CREATE INDEX ix_assignments_cadre ON assignments (cadre_id) WHERE cadre_id IS NOT NULL;

-- A village without one of its forces (六个一 gap): opened when an assignment ends and no other of the same force
-- serves the village, closed when one starts.
CREATE TABLE coverage_gaps (
    id             uuid PRIMARY KEY,
    village_code   text COLLATE "C" NOT NULL,
    force          text NOT NULL,
    unit_code      text COLLATE "C" NULL,
    opened_on      date NOT NULL,
    closed_on      date NULL,
    assignment_id  uuid NOT NULL UNIQUE
);
CREATE INDEX ix_coverage_gaps_village ON coverage_gaps (village_code, force);

-- Households that missed their monthly contact or two-monthly visit (HouseholdContactOverdue, pairing), once per period.
CREATE TABLE contact_overdue (
    id              uuid    PRIMARY KEY,
    household_id    uuid    NOT NULL,
    village_code    text    COLLATE "C" NOT NULL,
    helper_cadre_id uuid    NULL,
    unit_code       text    COLLATE "C" NULL,
    period          text    NOT NULL,
    missing_contact boolean NOT NULL,
    missing_visit   boolean NOT NULL,
    UNIQUE (household_id, period)
);
CREATE INDEX ix_contact_overdue_period ON contact_overdue (period, village_code);

-- On-post days of a resident cadre in a month against the minimum, and off-post check-ins, as dispatch answered them.
-- The id stays when the month is collected again, so an explanation keeps citing the same fact.
CREATE TABLE attendance_facts (
    id                  uuid    PRIMARY KEY,
    month               text    NOT NULL,
    cadre_id            uuid    NOT NULL,
    cadre_name          text    NOT NULL,
    village_code        text    COLLATE "C" NOT NULL,
    force               text    NOT NULL,
    on_post_days        integer NOT NULL,
    minimum_days        integer NOT NULL,
    off_post_check_ins  integer NOT NULL,
    approved_leave_days integer NOT NULL,
    collected_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (month, cadre_id)
);
CREATE INDEX ix_attendance_facts_month ON attendance_facts (month, village_code);
