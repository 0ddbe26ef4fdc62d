-- The village side (domain.md §9) in the monthly score.
--
-- Rectifications of weak or lax village party organisations (软弱涣散村), kept from dispatch's VillageRectificationFlagged
-- and VillageRectificationLifted: one row per rectification (dispatch's id). A village past its deadline and not lifted
-- counts against its work team, township and county in every month it stays so (dispatch.rectification).
CREATE TABLE rectification_facts (
    id           uuid        PRIMARY KEY,
    village_code text        COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    village_name text        NOT NULL,
    deadline     date        NOT NULL,
    flagged_at   timestamptz NULL,
    lifted_on    date        NULL,   -- China day of lifting (摘帽), from the event's server time
    lifted_at    timestamptz NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rectification_facts_by_village ON rectification_facts (village_code, deadline);

-- Return-to-poverty monitoring cases (防返贫监测) pairing found without a helper's measures by their deadline
-- (MonitoringResponseOverdue, once per case): the China day found decides the month (pairing.monitoring_response).
CREATE TABLE monitoring_overdue_facts (
    id           uuid        PRIMARY KEY,   -- the case's id in pairing
    household_id uuid        NOT NULL,
    village_code text        COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    head_name    text        NOT NULL,
    kind         text        NOT NULL,
    respond_by   date        NOT NULL,
    found_on     date        NOT NULL,
    found_at     timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitoring_overdue_facts_by_month ON monitoring_overdue_facts (found_on, village_code);

-- The province default's next version for 2026 and 2027: rectification past its deadline (penalty 5 per village) weighs
-- on counties, townships and work teams; monitoring cases without measures in time (penalty 2 per household) on counties
-- and townships. The "1+6" tasks give way (county 25 → 15, township 20 → 15, work team 20 → 15) and the township's
-- contact compliance 15 → 10, so each kind's weights still add up to 100. Months already fixed keep their version; a
-- county or city override published before keeps its own indicators until it publishes again.
INSERT INTO model_versions (id, year, region_code, version, definition, reason, published_by)
SELECT gen_random_uuid(), y, '', (SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE year = y AND region_code = ''), CAST(
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
    {"key": "rectification", "name": "软弱涣散村整改", "source": "dispatch.rectification", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 5, "township": 5, "work_team": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "contact_compliance", "name": "结对联系走访", "source": "pairing.contact_overdue", "kind": "penalty", "target": 1, "floor": 0,
     "weights": {"county": 10, "township": 10, "assisting_unit": 15}, "minWeight": 10, "maxWeight": 30},
    {"key": "returned_to_poverty", "name": "返贫户", "source": "pairing.returned_to_poverty", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 5, "township": 5, "assisting_unit": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "monitoring_response", "name": "防返贫监测帮扶及时", "source": "pairing.monitoring_response", "kind": "penalty", "target": 2, "floor": 0,
     "weights": {"county": 5, "township": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "helper_gaps", "name": "帮扶责任人未落实", "source": "pairing.helper_gaps", "kind": "penalty", "target": 2, "floor": 0,
     "weights": {"county": 5, "township": 10, "assisting_unit": 10, "work_team": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "funds_execution", "name": "资金执行率", "source": "funds.execution_rate", "kind": "ratio", "target": 0.9, "floor": 0,
     "weights": {"county": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "conduct", "name": "违反禁令和纪律", "source": "assessment.conduct", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"first_secretary": 10, "work_team": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "tasks", "name": "\"1+6\"月度任务", "source": "assessment.tasks", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 15, "township": 15, "assisting_unit": 20, "first_secretary": 20, "work_team": 15}, "minWeight": 10, "maxWeight": 40}
  ],
  "redFlag": {"rankings": ["county", "township", "assisting_unit", "first_secretary", "work_team"]},
  "yellowCards": [
    {"rule": "first_secretary_gap", "days": 30},
    {"rule": "on_post_far_below_minimum", "ratio": 0.5}
  ],
  "accountability": {"bulletinsForTalk": 2, "satisfactionForTalk": 0.70, "bottomShareForAdmonishment": 0.10}
}$$ AS jsonb), '省级默认考核模型：增加软弱涣散村整改和防返贫监测帮扶及时', 'system'
FROM (VALUES (2026), (2027)) AS years (y);

INSERT INTO model_audit (model_version_id, action, actor, region_code, detail)
SELECT id, 'published', published_by, region_code, jsonb_build_object('year', year, 'version', version, 'reason', reason)
FROM model_versions WHERE region_code = '' AND reason = '省级默认考核模型：增加软弱涣散村整改和防返贫监测帮扶及时';
