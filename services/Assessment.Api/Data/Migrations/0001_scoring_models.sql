-- Scoring models (考核模型) as data, versioned per year and region. region_code '' is the province's default; a city
-- (4 digits) or county (6 digits) may publish an override within the limits the default sets. A version is never
-- changed once published: a new one is published beside it, and a scored month keeps the version it was scored with.
CREATE TABLE model_versions (
    id           uuid        PRIMARY KEY,
    year         integer     NOT NULL,
    region_code  text        COLLATE "C" NOT NULL,
    version      integer     NOT NULL,
    definition   jsonb       NOT NULL,
    reason       text        NOT NULL,
    published_by text        NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (year, region_code, version)
);

-- Who published what, when and why (审计): one row per publication, written in the publishing transaction.
CREATE TABLE model_audit (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_version_id uuid        NOT NULL REFERENCES model_versions (id),
    action           text        NOT NULL,
    actor            text        NOT NULL,
    region_code      text        COLLATE "C" NOT NULL,
    detail           jsonb       NOT NULL,
    at               timestamptz NOT NULL DEFAULT now()
);

-- The province default (domain.md §6 and §3: at least 20 days a month on post; the defaults are numbers of the model,
-- each city and county may move them within minWeight..maxWeight). For every subject kind the weights add up to 100.
INSERT INTO model_versions (id, year, region_code, version, definition, reason, published_by)
SELECT gen_random_uuid(), y, '', 1, CAST(
$${
  "indicators": [
    {"key": "attendance", "name": "驻村在岗", "source": "dispatch.attendance", "kind": "ratio", "target": 1.0, "floor": 0.5,
     "weights": {"county": 30, "township": 30, "assisting_unit": 30, "first_secretary": 50, "work_team": 40}, "minWeight": 20, "maxWeight": 60},
    {"key": "off_post_check_ins", "name": "异地打卡", "source": "dispatch.off_post_check_ins", "kind": "penalty", "target": 2, "floor": 0,
     "weights": {"county": 10, "township": 10, "assisting_unit": 10, "first_secretary": 20, "work_team": 10}, "minWeight": 5, "maxWeight": 30},
    {"key": "coverage_gaps", "name": "\"六个一\"力量空缺", "source": "dispatch.coverage_gaps", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 15, "township": 20, "assisting_unit": 20, "work_team": 20}, "minWeight": 10, "maxWeight": 30},
    {"key": "contact_compliance", "name": "结对联系走访", "source": "pairing.contact_overdue", "kind": "penalty", "target": 1, "floor": 0,
     "weights": {"county": 15, "township": 20, "assisting_unit": 20}, "minWeight": 10, "maxWeight": 30},
    {"key": "funds_execution", "name": "资金执行率", "source": "funds.execution_rate", "kind": "ratio", "target": 0.9, "floor": 0,
     "weights": {"county": 10}, "minWeight": 0, "maxWeight": 20},
    {"key": "tasks", "name": "\"1+6\"月度任务", "source": "assessment.tasks", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 20, "township": 20, "assisting_unit": 20, "first_secretary": 30, "work_team": 30}, "minWeight": 10, "maxWeight": 40}
  ],
  "redFlag": {"rankings": ["county", "township", "assisting_unit", "first_secretary", "work_team"]},
  "yellowCards": [
    {"rule": "first_secretary_gap", "days": 30},
    {"rule": "on_post_far_below_minimum", "ratio": 0.5}
  ]
}$$ AS jsonb), '省级默认考核模型', 'system'
FROM (VALUES (2026), (2027)) AS years (y);

INSERT INTO model_audit (model_version_id, action, actor, region_code, detail)
SELECT id, 'published', published_by, region_code, jsonb_build_object('year', year, 'version', version, 'reason', reason) FROM model_versions;
