CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Helpers of households (结对帮扶). Every poor household has exactly one responsible helper (帮扶责任人) at a time;
-- co-helpers may join (N+1). Rows are never deleted: an end keeps who, when and why.
CREATE TABLE pairings (
    id           uuid PRIMARY KEY,
    household_id uuid        NOT NULL REFERENCES households (id),
    cadre_id     uuid        NOT NULL,
    cadre_name   text        NOT NULL,
    unit_code    text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('responsible', 'co_helper')),
    starts_on    date        NOT NULL,
    ends_on      date        NULL,
    end_reason   text        NULL,
    started_by   text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    ended_by     text        NULL,
    ended_at     timestamptz NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((ends_on IS NULL) = (end_reason IS NULL)),
    CONSTRAINT one_responsible_helper_per_household EXCLUDE USING gist (
        household_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (role = 'responsible'),
    CONSTRAINT no_overlapping_pairing EXCLUDE USING gist (
        household_id WITH =, cadre_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);

CREATE INDEX ix_pairings_cadre ON pairings (cadre_id) WHERE ends_on IS NULL;
CREATE INDEX ix_pairings_household ON pairings (household_id);
