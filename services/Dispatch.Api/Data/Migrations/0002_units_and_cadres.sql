-- Assisting units (帮扶单位 / 派出单位): departments, state enterprises and institutions that send cadres.
CREATE TABLE assisting_units (
    id          uuid PRIMARY KEY,
    code        text        NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9-]{1,32}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    level       text        NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    -- The region the unit belongs to (a county department: the county's code); scope checks use it.
    region_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    head_name   text        NULL,
    staff_count integer     NOT NULL CHECK (staff_count >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_assisting_units_region ON assisting_units (region_code);

-- Cadres (干部). The citizen ID and phone are never stored in clear: an AES-GCM ciphertext to show them to the
-- roles that may see them, and an HMAC blind index to find a person and keep each ID unique.
CREATE TABLE cadres (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    citizen_id_cipher bytea       NOT NULL,
    citizen_id_index  bytea       NOT NULL UNIQUE,
    citizen_id_masked text        NOT NULL,
    phone_cipher      bytea       NULL,
    phone_index       bytea       NULL,
    phone_masked      text        NULL,
    unit_id           uuid        NOT NULL REFERENCES assisting_units (id),
    -- Copied from the unit, so scope filters are a range scan on the cadre's own row.
    region_code       text COLLATE "C" NOT NULL,
    rank              text        NOT NULL,
    skills            text[]      NOT NULL DEFAULT '{}',
    rural_experience  boolean     NOT NULL,
    last_promoted_on  date        NULL,
    willingness       text        NOT NULL CHECK (willingness IN ('willing', 'assigned', 'unwilling')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_cadres_region ON cadres (region_code);
CREATE INDEX ix_cadres_unit ON cadres (unit_id);
CREATE INDEX ix_cadres_phone_index ON cadres (phone_index);

-- One row per unit or cadre import attempt, accepted or rejected (who loaded what, when, with which errors).
CREATE TABLE imports (
    id            uuid PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('units', 'cadres')),
    file_name     text        NULL,
    scope         text        NOT NULL,
    imported_by   text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('succeeded', 'rejected')),
    rows_read     integer     NOT NULL,
    created       integer     NOT NULL DEFAULT 0,
    updated       integer     NOT NULL DEFAULT 0,
    error_count   integer     NOT NULL DEFAULT 0,
    errors        jsonb       NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL DEFAULT now()
);
