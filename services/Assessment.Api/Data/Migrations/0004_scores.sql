-- Monthly scoring (月度考核). A run scores one month for a region prefix in the background, with its progress; its
-- results are written in one transaction at the end, so a run that fails leaves nothing half-written and may be repeated.
CREATE TABLE scoring_runs (
    id           uuid        PRIMARY KEY,
    month        text        NOT NULL,
    prefix       text        COLLATE "C" NOT NULL,
    reason       text        NULL,
    status       text        NOT NULL,
    stage        text        NOT NULL DEFAULT 'queued',
    progress     integer     NOT NULL DEFAULT 0,
    total        integer     NOT NULL DEFAULT 0,
    provisional  boolean     NOT NULL,
    subjects     integer     NULL,
    new_versions integer     NULL,
    problem_code text        NULL,
    error        text        NULL,
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    lease_until  timestamptz NULL,
    finished_at  timestamptz NULL
);
CREATE INDEX ix_scoring_runs_queued ON scoring_runs (requested_at) WHERE status IN ('queued', 'running');

-- The model version each county's month is scored with, fixed by the first final scoring: a model published later
-- does not change a month already scored.
CREATE TABLE month_models (
    month            text NOT NULL,
    county_code      text COLLATE "C" NOT NULL,
    model_version_id uuid NOT NULL REFERENCES model_versions (id),
    PRIMARY KEY (month, county_code)
);

-- One subject's score for a month, explained per indicator. A new version is written only when the result changes;
-- a change to a final (published) score needs a reason, and the earlier versions are kept.
CREATE TABLE scores (
    id               uuid        PRIMARY KEY,
    month            text        NOT NULL,
    subject_kind     text        NOT NULL,
    subject_id       text        COLLATE "C" NOT NULL,
    subject_name     text        NOT NULL,
    region_code      text        COLLATE "C" NOT NULL,
    group_code       text        COLLATE "C" NOT NULL,
    version          integer     NOT NULL,
    total            numeric(7, 2) NOT NULL,
    provisional      boolean     NOT NULL,
    model_version_id uuid        NOT NULL REFERENCES model_versions (id),
    content_hash     text        NOT NULL,
    explanation      jsonb       NOT NULL,
    reason           text        NULL,
    run_id           uuid        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (month, subject_kind, subject_id, version)
);
CREATE INDEX ix_scores_region ON scores (month, region_code);

-- The current ranking of each group (counties within a city; townships, assisting units, first secretaries and work
-- teams within a county), recomputed for the groups a run touches, from the latest version of each score.
CREATE TABLE rankings (
    month        text          NOT NULL,
    subject_kind text          NOT NULL,
    group_code   text          COLLATE "C" NOT NULL,
    subject_id   text          COLLATE "C" NOT NULL,
    region_code  text          COLLATE "C" NOT NULL,
    rank         integer       NOT NULL,
    total        numeric(7, 2) NOT NULL,
    score_id     uuid          NOT NULL REFERENCES scores (id),
    PRIMARY KEY (month, subject_kind, group_code, subject_id)
);
CREATE INDEX ix_rankings_region ON rankings (month, subject_kind, region_code);

-- The rotating red flag (流动红旗): exactly one per ranking and month, to its first on the first final scoring.
CREATE TABLE red_flags (
    id           uuid          PRIMARY KEY,
    month        text          NOT NULL,
    subject_kind text          NOT NULL,
    group_code   text          COLLATE "C" NOT NULL,
    subject_id   text          COLLATE "C" NOT NULL,
    subject_name text          NOT NULL,
    region_code  text          COLLATE "C" NOT NULL,
    total        numeric(7, 2) NOT NULL,
    awarded_at   timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (month, subject_kind, group_code)
);

-- Yellow cards (黄牌警示): by a model rule (once per subject, month and rule) or by hand with a reason.
CREATE TABLE yellow_cards (
    id           uuid        PRIMARY KEY,
    month        text        NOT NULL,
    subject_kind text        NOT NULL,
    subject_id   text        COLLATE "C" NOT NULL,
    subject_name text        NOT NULL,
    region_code  text        COLLATE "C" NOT NULL,
    rule         text        NOT NULL,
    reason       text        NOT NULL,
    issued_by    text        NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ux_yellow_cards_rule ON yellow_cards (month, subject_kind, subject_id, rule) WHERE rule <> 'manual';
CREATE INDEX ix_yellow_cards_region ON yellow_cards (month, region_code);
