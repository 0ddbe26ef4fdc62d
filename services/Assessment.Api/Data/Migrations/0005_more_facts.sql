-- More facts of other services (issue 15, item 2), each with the id an explanation cites, and the province default's
-- second version that scores them. A month already scored keeps the version it was scored with (month_models).

-- Unannounced inspections (不打招呼) from dispatch's InspectionRecorded; the id is dispatch's inspection id.
CREATE TABLE inspection_facts (
    id           uuid        PRIMARY KEY,
    village_code text        COLLATE "C" NOT NULL,
    cadre_id     uuid        NOT NULL,
    cadre_name   text        NOT NULL,
    force        text        NULL,
    unit_code    text        COLLATE "C" NOT NULL,
    inspected_on date        NOT NULL,
    present      boolean     NOT NULL,
    recorded_at  timestamptz NOT NULL
);
CREATE INDEX ix_inspection_facts_day ON inspection_facts (inspected_on, village_code);

-- Process records (痕迹管理) from dispatch's ProcessRecordWritten: when the server wrote each one decides whether it was on
-- time. The id is dispatch's record id (or the check-in's, for a daily log written with a check-in).
CREATE TABLE process_record_facts (
    id           uuid        PRIMARY KEY,
    village_code text        COLLATE "C" NOT NULL,
    kind         text        NOT NULL,
    cadre_id     uuid        NOT NULL,
    period_start date        NOT NULL,
    source       text        NOT NULL,
    written_at   timestamptz NOT NULL
);
CREATE INDEX ix_process_record_facts_period ON process_record_facts (period_start, village_code);

-- Household status changes from pairing's HouseholdStatusChanged (returned to poverty 返贫, exited 脱贫, ...), once per
-- row of pairing's status history (change_id).
CREATE TABLE household_status_facts (
    id              uuid        PRIMARY KEY,
    change_id       bigint      NOT NULL UNIQUE,
    household_id    uuid        NOT NULL,
    village_code    text        COLLATE "C" NOT NULL,
    previous_status text        NULL,
    status          text        NOT NULL,
    reason          text        NOT NULL,
    unit_code       text        COLLATE "C" NULL,
    changed_at      timestamptz NOT NULL
);
CREATE INDEX ix_household_status_facts_changed ON household_status_facts (changed_at, village_code);

-- Households without a responsible helper per village (the sixth "one", domain.md §2), asked of pairing
-- (pairing.v1 ListVillageHelperCoverage) when a month is scored; once a county's month is scored final, what it saw is
-- kept, so scoring the month again gives the same answer. The id stays when collected again.
CREATE TABLE helper_gap_facts (
    id           uuid        PRIMARY KEY,
    month        text        NOT NULL,
    village_code text        COLLATE "C" NOT NULL,
    households   integer     NOT NULL,
    with_helper  integer     NOT NULL,
    collected_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (month, village_code)
);

-- The province default, version 2: the facts above join the indicators. For every subject kind the weights still add
-- up to 100; the new indicators may be moved by a city or county within their limits like the others.
INSERT INTO model_versions (id, year, region_code, version, definition, reason, published_by)
SELECT gen_random_uuid(), y, '', 2, CAST(
$${
  "indicators": [
    {"key": "attendance", "name": "驻村在岗", "source": "dispatch.attendance", "kind": "ratio", "target": 1.0, "floor": 0.5,
     "weights": {"county": 25, "township": 25, "assisting_unit": 25, "first_secretary": 40, "work_team": 30}, "minWeight": 20, "maxWeight": 60},
    {"key": "off_post_check_ins", "name": "异地打卡", "source": "dispatch.off_post_check_ins", "kind": "penalty", "target": 2, "floor": 0,
     "weights": {"county": 10, "township": 5, "assisting_unit": 5, "first_secretary": 10, "work_team": 5}, "minWeight": 5, "maxWeight": 30},
    {"key": "inspections", "name": "不打招呼抽查", "source": "dispatch.inspections", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 5, "township": 5, "assisting_unit": 5, "first_secretary": 10, "work_team": 10}, "minWeight": 0, "maxWeight": 20},
    {"key": "records_on_time", "name": "纪实按时填报", "source": "dispatch.process_records", "kind": "ratio", "target": 1.0, "floor": 0.5,
     "weights": {"township": 5, "first_secretary": 10, "work_team": 10}, "minWeight": 0, "maxWeight": 20},
    {"key": "coverage_gaps", "name": "\"六个一\"力量空缺", "source": "dispatch.coverage_gaps", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 10, "township": 10, "assisting_unit": 15, "work_team": 15}, "minWeight": 10, "maxWeight": 30},
    {"key": "contact_compliance", "name": "结对联系走访", "source": "pairing.contact_overdue", "kind": "penalty", "target": 1, "floor": 0,
     "weights": {"county": 10, "township": 15, "assisting_unit": 15}, "minWeight": 10, "maxWeight": 30},
    {"key": "returned_to_poverty", "name": "返贫户", "source": "pairing.returned_to_poverty", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 5, "township": 5, "assisting_unit": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "helper_gaps", "name": "帮扶责任人未落实", "source": "pairing.helper_gaps", "kind": "penalty", "target": 2, "floor": 0,
     "weights": {"county": 5, "township": 10, "assisting_unit": 10, "work_team": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "funds_execution", "name": "资金执行率", "source": "funds.execution_rate", "kind": "ratio", "target": 0.9, "floor": 0,
     "weights": {"county": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "tasks", "name": "\"1+6\"月度任务", "source": "assessment.tasks", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 25, "township": 20, "assisting_unit": 20, "first_secretary": 30, "work_team": 25}, "minWeight": 10, "maxWeight": 40}
  ],
  "redFlag": {"rankings": ["county", "township", "assisting_unit", "first_secretary", "work_team"]},
  "yellowCards": [
    {"rule": "first_secretary_gap", "days": 30},
    {"rule": "on_post_far_below_minimum", "ratio": 0.5}
  ]
}$$ AS jsonb), '省级默认考核模型第2版：增加不打招呼抽查、纪实按时填报、返贫户、帮扶责任人未落实', 'system'
FROM (VALUES (2026), (2027)) AS years (y);

INSERT INTO model_audit (model_version_id, action, actor, region_code, detail)
SELECT id, 'published', published_by, region_code, jsonb_build_object('year', year, 'version', version, 'reason', reason)
FROM model_versions WHERE region_code = '' AND version = 2;
