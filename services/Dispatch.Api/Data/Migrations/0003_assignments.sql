-- btree_gist lets one exclusion constraint say "no two overlapping periods for the same cadre / village".
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Assignments of the six forces (六类帮扶力量) to villages. A row is never deleted: ending it keeps who, when and why.
CREATE TABLE assignments (
    id           uuid PRIMARY KEY,
    village_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    force        text        NOT NULL CHECK (force IN ('contact_leader', 'assisting_unit', 'first_secretary', 'team_leader', 'team_member', 'agricultural_technician')),
    cadre_id     uuid        NULL REFERENCES cadres (id),
    unit_id      uuid        NULL REFERENCES assisting_units (id),
    starts_on    date        NOT NULL,
    ends_on      date        NULL,
    end_kind     text        NULL CHECK (end_kind IN ('completed', 'recalled', 'adjusted', 'other')),
    end_reason   text        NULL,
    started_by   text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    start_reason text        NULL,
    ended_by     text        NULL,
    ended_at     timestamptz NULL,
    -- A unit is assigned as a unit; every other force is a person.
    CONSTRAINT assignments_holder CHECK ((force = 'assisting_unit' AND unit_id IS NOT NULL AND cadre_id IS NULL)
                                      OR (force <> 'assisting_unit' AND cadre_id IS NOT NULL)),
    CONSTRAINT assignments_period CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT assignments_end_reason CHECK ((ends_on IS NULL) = (end_kind IS NULL) AND (ends_on IS NULL) = (end_reason IS NULL)),
    -- One first secretary per village at any time (periods may not overlap).
    CONSTRAINT one_first_secretary_per_village EXCLUDE USING gist (
        village_code WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (force = 'first_secretary'),
    -- A cadre holds one resident post (first secretary, team leader or member) at a time.
    CONSTRAINT one_resident_post_per_cadre EXCLUDE USING gist (
        cadre_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (force IN ('first_secretary', 'team_leader', 'team_member')),
    -- The same cadre or unit is not given the same force in the same village twice over one period.
    CONSTRAINT no_overlapping_duplicate EXCLUDE USING gist (
        village_code WITH =, force WITH =, coalesce(cadre_id, unit_id) WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);

CREATE INDEX ix_assignments_village ON assignments (village_code, force) WHERE ends_on IS NULL;
CREATE INDEX ix_assignments_cadre ON assignments (cadre_id);
