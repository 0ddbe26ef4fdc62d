-- The year's end (issue 16 item 6 and the annual rules of item 2): counties' poverty-reduction targets and the
-- one-vote veto (一票否决), villages planned to exit and their acceptance checks, the annual ranking of city
-- departments, and each first secretary's annual report, review scores and grade (述职评议). Every row an official
-- writes keeps who and when; the server's clock decides the time.

-- A county's annual target (households and/or villages to exit), set by a province or city official; its outcome is
-- recorded once by an official, after which the target is closed.
CREATE TABLE annual_targets (
    year                integer     NOT NULL,
    county_code         text        COLLATE "C" NOT NULL,
    county_name         text        NOT NULL,
    region_code         text        COLLATE "C" NOT NULL,
    households          integer     NULL CHECK (households >= 0),
    villages            integer     NULL CHECK (villages >= 0),
    set_by              text        NOT NULL,
    set_at              timestamptz NOT NULL DEFAULT now(),
    households_exited   integer     NULL,
    villages_exited     integer     NULL,
    outcome_recorded_by text        NULL,
    outcome_recorded_at timestamptz NULL,
    PRIMARY KEY (year, county_code),
    CHECK (households IS NOT NULL OR villages IS NOT NULL)
);

-- The veto (rule "veto"): one per county and year, kept for good; its forces get no 优秀 and no promotion that year.
CREATE TABLE county_vetoes (
    id          uuid        PRIMARY KEY,
    year        integer     NOT NULL,
    county_code text        COLLATE "C" NOT NULL,
    region_code text        COLLATE "C" NOT NULL,
    county_name text        NOT NULL,
    rule        text        NOT NULL DEFAULT 'veto',
    reason      text        NOT NULL,
    decided_by  text        NOT NULL,
    decided_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (year, county_code)
);
CREATE INDEX ix_county_vetoes_region ON county_vetoes (year, region_code);

-- A village planned to exit (计划退出) in a year.
CREATE TABLE village_exit_plans (
    year         integer     NOT NULL,
    village_code text        COLLATE "C" NOT NULL,
    village_name text        NOT NULL,
    planned_by   text        NOT NULL,
    planned_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (year, village_code)
);

-- An acceptance check (退出验收) of a planned village: passed or failed, by whom, on the server's China date, with
-- evidence. A failed check proposes the removal (免职) of the responsible unit's head once (cause key: the check id).
CREATE TABLE village_exit_checks (
    id                    uuid        PRIMARY KEY,
    year                  integer     NOT NULL,
    village_code          text        COLLATE "C" NOT NULL,
    result                text        NOT NULL CHECK (result IN ('passed', 'failed')),
    evidence              jsonb       NOT NULL,
    note                  text        NULL,
    checked_on            date        NOT NULL,
    checked_by            text        NOT NULL,
    checked_at            timestamptz NOT NULL DEFAULT now(),
    responsible_unit_code text        COLLATE "C" NULL,
    proposal_id           uuid        NULL,
    FOREIGN KEY (year, village_code) REFERENCES village_exit_plans (year, village_code)
);
CREATE INDEX ix_village_exit_checks_village ON village_exit_checks (year, village_code);

-- The annual ranking of a city's departments (assisting units of level city): the mean of their final monthly totals,
-- replaced whole by each computation; the bottom share is flagged.
CREATE TABLE annual_rankings (
    year          integer       NOT NULL,
    city_code     text          COLLATE "C" NOT NULL,
    unit_code     text          COLLATE "C" NOT NULL,
    unit_name     text          NOT NULL,
    region_code   text          COLLATE "C" NOT NULL,
    months        integer       NOT NULL,
    mean_total    numeric(7, 2) NOT NULL,
    rank          integer       NOT NULL,
    bottom        boolean       NOT NULL,
    computed_by   text          NOT NULL,
    computed_at   timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (year, city_code, unit_code)
);

-- A first secretary's annual report (述职报告), submitted by the cadre or an official.
CREATE TABLE annual_reports (
    year         integer     NOT NULL,
    cadre_id     uuid        NOT NULL,
    text         text        NOT NULL,
    submitted_by text        NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (year, cadre_id)
);

-- Review scores (评议) by the township, the dispatching unit and the villagers, 0-100, once each.
CREATE TABLE annual_review_scores (
    year      integer      NOT NULL,
    cadre_id  uuid         NOT NULL,
    reviewer  text         NOT NULL CHECK (reviewer IN ('township', 'unit', 'villagers')),
    score     numeric(5, 2) NOT NULL CHECK (score >= 0 AND score <= 100),
    scored_by text         NOT NULL,
    scored_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (year, cadre_id, reviewer)
);

-- The annual grade an official confirmed (once), beside the computed one it was based on.
CREATE TABLE annual_grades (
    id             uuid          PRIMARY KEY,
    year           integer       NOT NULL,
    cadre_id       uuid          NOT NULL,
    cadre_name     text          NOT NULL,
    village_code   text          COLLATE "C" NOT NULL,
    county_code    text          COLLATE "C" NOT NULL,
    unit_code      text          COLLATE "C" NOT NULL,
    monthly_mean   numeric(7, 2) NULL,
    months         integer       NOT NULL,
    review_score   numeric(7, 2) NULL,
    computed_score numeric(7, 2) NULL,
    computed_grade text          NULL,
    grade          text          NOT NULL CHECK (grade IN ('优秀', '称职', '基本称职', '不称职')),
    promotion      boolean       NOT NULL,
    note           text          NULL,
    confirmed_by   text          NOT NULL,
    confirmed_at   timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (year, cadre_id)
);
CREATE INDEX ix_annual_grades_county ON annual_grades (year, county_code, grade);
CREATE INDEX ix_annual_grades_village ON annual_grades (year, village_code);
