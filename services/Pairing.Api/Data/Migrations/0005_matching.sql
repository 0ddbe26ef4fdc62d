-- The helper pool (帮扶责任人库): cadres who may be paired, with what matching needs, copied from dispatch over gRPC
-- when a cadre is registered or first paired. A recalled or adjusted cadre becomes unavailable (with the reason).
CREATE TABLE helpers (
    cadre_id           uuid PRIMARY KEY,
    name               text        NOT NULL,
    unit_code          text        NOT NULL,
    region_code        text COLLATE "C" NOT NULL CHECK (region_code ~ '^[0-9]{12}$'),
    skills             text[]      NOT NULL,
    rural_experience   boolean     NOT NULL,
    available          boolean     NOT NULL DEFAULT true,
    unavailable_reason text        NULL,
    registered_by      text        NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_helpers_region ON helpers (region_code) WHERE available;
CREATE INDEX ix_helpers_unit ON helpers (unit_code);

-- Which unit helps which village (assisting-unit assignments, from dispatch's AssignmentStarted/AssignmentEnded):
-- nearness (就近帮扶) for the matcher.
CREATE TABLE unit_villages (
    assignment_id uuid PRIMARY KEY,
    unit_code     text        NOT NULL,
    village_code  text COLLATE "C" NOT NULL,
    starts_on     date        NOT NULL,
    ends_on       date        NULL
);

CREATE INDEX ix_unit_villages_unit ON unit_villages (unit_code) WHERE ends_on IS NULL;
CREATE INDEX ix_unit_villages_village ON unit_villages (village_code);

-- A matching run: proposals for the households of a region without a responsible helper, reviewed, then committed
-- in one step. A county runs in the request; a larger region is queued and solved county by county by a background
-- worker that records progress and resumes after a restart (counties already solved are kept).
CREATE TABLE matching_runs (
    id                uuid PRIMARY KEY,
    region_prefix     text COLLATE "C" NOT NULL,
    requester_scope   text COLLATE "C" NOT NULL, -- helpers are drawn from the requester's scope only
    starts_on         date        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('queued', 'running', 'proposed', 'committed', 'superseded', 'failed')),
    households_total  integer     NOT NULL DEFAULT 0,
    households_done   integer     NOT NULL DEFAULT 0,
    proposals         integer     NOT NULL DEFAULT 0,
    unmatched         integer     NOT NULL DEFAULT 0,
    total_cost        bigint      NOT NULL DEFAULT 0,
    requested_by      text        NOT NULL,
    requested_at      timestamptz NOT NULL DEFAULT now(),
    lease_until       timestamptz NULL,
    finished_at       timestamptz NULL,
    committed_by      text        NULL,
    committed_at      timestamptz NULL,
    paired            integer     NULL,
    skipped           integer     NULL,
    error             text        NULL
);

CREATE INDEX ix_matching_runs_queue ON matching_runs (requested_at) WHERE status IN ('queued', 'running');

-- Counties of a run already solved (resume point).
CREATE TABLE matching_run_counties (
    run_id      uuid NOT NULL REFERENCES matching_runs (id),
    county_code text COLLATE "C" NOT NULL,
    households  integer NOT NULL,
    PRIMARY KEY (run_id, county_code)
);

-- One row per household of a run: the proposed helper (null when none has room) and the cost, term by term.
CREATE TABLE matching_proposals (
    run_id          uuid    NOT NULL REFERENCES matching_runs (id),
    household_id    uuid    NOT NULL REFERENCES households (id),
    village_code    text COLLATE "C" NOT NULL,
    cadre_id        uuid    NULL,
    cadre_name      text    NULL,
    unit_code       text    NULL,
    cause_cost      integer NOT NULL,
    depth_cost      integer NOT NULL,
    nearness_cost   integer NOT NULL,
    continuity_cost integer NOT NULL,
    load_cost       integer NOT NULL,
    total_cost      integer NOT NULL,
    explanation     text    NOT NULL,
    rejected        boolean NOT NULL DEFAULT false,
    outcome         text    NULL CHECK (outcome IN ('paired', 'household_has_helper', 'helper_unavailable', 'helper_load_full', 'co_helper_from_later', 'rejected', 'no_helper')),
    PRIMARY KEY (run_id, household_id)
);

CREATE INDEX ix_matching_proposals_run_village ON matching_proposals (run_id, village_code, household_id);
