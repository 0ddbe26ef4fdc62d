-- "1+6" monthly task lists (月度任务清单): per county and month, one for the coordination office and one for each of
-- the six forces. A task has an owner subject, a due date and the evidence expected; completion is recorded with
-- evidence; the owner of an overdue task explains it for the monthly joint meeting (质询说明).
CREATE TABLE task_lists (
    id          uuid        PRIMARY KEY,
    county_code text        COLLATE "C" NOT NULL,
    month       text        NOT NULL,
    kind        text        NOT NULL,
    title       text        NOT NULL,
    issued_by   text        NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (county_code, month, kind)
);

CREATE TABLE tasks (
    id                uuid        PRIMARY KEY,
    list_id           uuid        NOT NULL REFERENCES task_lists (id),
    county_code       text        COLLATE "C" NOT NULL,
    month             text        NOT NULL,
    title             text        NOT NULL,
    owner_kind        text        NOT NULL,
    owner_id          text        COLLATE "C" NOT NULL,
    due_on            date        NOT NULL,
    evidence_expected text        NOT NULL,
    completed_on      date        NULL,
    evidence          text        NULL,
    completed_by      text        NULL,
    explanation       text        NULL,
    explained_by      text        NULL,
    explained_at      timestamptz NULL
);
CREATE INDEX ix_tasks_month ON tasks (month, county_code);
CREATE INDEX ix_tasks_list ON tasks (list_id);
