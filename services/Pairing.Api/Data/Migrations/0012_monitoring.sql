-- Return-to-poverty monitoring (防返贫监测, domain.md §9): "exit does not end assistance".

-- The monitoring line (监测线) of a province and year, in CNY per person per year, and the days a monitored household has
-- to get a helper and measures. Rows are never updated: the latest row of a province and year is in force, the earlier
-- ones are its history.
CREATE TABLE monitoring_lines (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code  text COLLATE "C" NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    year           integer        NOT NULL CHECK (year BETWEEN 2020 AND 2100),
    income_line    numeric(10, 2) NOT NULL CHECK (income_line > 0 AND income_line < 100000),
    response_days  integer        NOT NULL CHECK (response_days BETWEEN 1 AND 90),
    set_by         text           NOT NULL,
    set_at         timestamptz    NOT NULL
);

CREATE INDEX ix_monitoring_lines_province_year ON monitoring_lines (province_code, year, id);

-- A household at risk (监测对象): one open case per household. It is answered (responded_at) when measures are recorded
-- while the household has a responsible helper, and closed (风险消除) with a reason after a check.
CREATE TABLE monitoring_cases (
    id                   uuid             PRIMARY KEY,
    household_id         uuid             NOT NULL REFERENCES households (id),
    village_code         text COLLATE "C" NOT NULL,
    kind                 text             NOT NULL CHECK (kind IN ('unstable_exited', 'marginal', 'sudden_difficulty')),
    triggers             text[]           NOT NULL CHECK (cardinality(triggers) > 0),
    source               text             NOT NULL CHECK (source IN ('rule', 'manual')),
    reason               text             NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    income_line          numeric(10, 2)   NOT NULL,
    flagged_by           text             NOT NULL,
    flagged_at           timestamptz      NOT NULL,
    respond_by           date             NOT NULL,
    responded_at         timestamptz      NULL,
    closed_by            text             NULL,
    closed_at            timestamptz      NULL,
    close_reason         text             NULL CHECK (length(close_reason) BETWEEN 1 AND 2000),
    check_note           text             NULL CHECK (length(check_note) BETWEEN 1 AND 2000),
    overdue_published_at timestamptz      NULL,
    CONSTRAINT monitoring_case_closed CHECK ((closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (close_reason IS NULL)
                                             AND (closed_at IS NULL) = (check_note IS NULL)),
    CONSTRAINT monitoring_case_closed_after_measures CHECK (closed_at IS NULL OR responded_at IS NOT NULL)
);

CREATE UNIQUE INDEX ux_monitoring_cases_open_household ON monitoring_cases (household_id) WHERE closed_at IS NULL;
CREATE INDEX ix_monitoring_cases_village ON monitoring_cases (village_code, flagged_at);
-- The daily job's search: open, unanswered cases past their deadline not yet reported.
CREATE INDEX ix_monitoring_cases_unanswered ON monitoring_cases (respond_by) WHERE closed_at IS NULL AND responded_at IS NULL;

-- The measures taken for a case (帮扶措施), each by whom and when, with the responsible helper of that moment.
CREATE TABLE monitoring_measures (
    id              uuid        PRIMARY KEY,
    case_id         uuid        NOT NULL REFERENCES monitoring_cases (id),
    measures        text        NOT NULL CHECK (length(measures) BETWEEN 1 AND 4000),
    helper_cadre_id uuid        NOT NULL,
    helper_name     text        NOT NULL,
    recorded_by     text        NOT NULL,
    recorded_at     timestamptz NOT NULL
);

CREATE INDEX ix_monitoring_measures_case ON monitoring_measures (case_id, recorded_at);

-- What a helper or an official observed of a household (income, illness, disability, disaster, accident): kept whether
-- or not the rules found a risk in it, with the case it opened or joined.
CREATE TABLE risk_reports (
    id                uuid           PRIMARY KEY,
    household_id      uuid           NOT NULL REFERENCES households (id),
    income_per_capita numeric(10, 2) NULL CHECK (income_per_capita >= 0),
    events            text[]         NOT NULL,
    note              text           NOT NULL CHECK (length(note) <= 2000),
    observed_on       date           NOT NULL,
    triggers          text[]         NOT NULL,
    case_id           uuid           NULL REFERENCES monitoring_cases (id),
    reported_by       text           NOT NULL,
    reported_at       timestamptz    NOT NULL
);

CREATE INDEX ix_risk_reports_household ON risk_reports (household_id, reported_at);
