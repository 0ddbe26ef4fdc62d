-- The administrative tree (行政区划), province to village, keyed by the 12-digit division code.
-- COLLATE "C" makes codes compare bytewise, so a scope prefix is a plain range scan on the primary key.
CREATE TABLE regions (
    code                 text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
    name                 text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    level                smallint    NOT NULL CHECK (level BETWEEN 1 AND 5),
    parent_code          text COLLATE "C" NULL REFERENCES regions (code),
    -- Village-only columns (level 5): category and the indicators used to match forces to villages.
    category             text        NULL CHECK (category IN ('poor', 'non_poor', 'exited', 'planned_exit')),
    infrastructure_score smallint    NULL CHECK (infrastructure_score BETWEEN 0 AND 100),
    industry_score       smallint    NULL CHECK (industry_score BETWEEN 0 AND 100),
    governance_score     smallint    NULL CHECK (governance_score BETWEEN 0 AND 100),
    population           integer     NULL CHECK (population >= 0),
    poor_households      integer     NULL CHECK (poor_households >= 0),
    longitude            double precision NULL,
    latitude             double precision NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT regions_village_fields CHECK (
        (level = 5 AND category IS NOT NULL AND longitude IS NOT NULL AND latitude IS NOT NULL)
        OR (level < 5 AND category IS NULL)),
    CONSTRAINT regions_parent CHECK ((level = 1) = (parent_code IS NULL))
);

CREATE INDEX ix_regions_parent ON regions (parent_code);
-- Villages by code within a scope, optionally by category (coverage dashboards list poor villages).
CREATE INDEX ix_regions_villages ON regions (code) INCLUDE (category) WHERE level = 5;

-- Every category change, by hand or by import, with who, when and why (audit trail).
CREATE TABLE village_category_changes (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    village_code      text COLLATE "C" NOT NULL REFERENCES regions (code),
    previous_category text        NULL,
    category          text        NOT NULL,
    reason            text        NOT NULL,
    changed_by        text        NOT NULL,
    changed_at        timestamptz NOT NULL DEFAULT now(),
    import_id         uuid        NULL
);

CREATE INDEX ix_village_category_changes_village ON village_category_changes (village_code, changed_at);

-- One row per import attempt, accepted or rejected, so an auditor can see who loaded what.
CREATE TABLE region_imports (
    id               uuid PRIMARY KEY,
    file_name        text        NULL,
    scope            text        NOT NULL,
    imported_by      text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('succeeded', 'rejected')),
    rows_read        integer     NOT NULL,
    regions_created  integer     NOT NULL DEFAULT 0,
    regions_updated  integer     NOT NULL DEFAULT 0,
    category_changes integer     NOT NULL DEFAULT 0,
    error_count      integer     NOT NULL DEFAULT 0,
    errors           jsonb       NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL DEFAULT now()
);
