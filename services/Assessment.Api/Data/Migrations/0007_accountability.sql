-- The accountability register (问责台账, issue 16): criticism bulletins, talks, admonishments, removal proposals,
-- commendations and conduct violations, by hand or on a rule's confirmed proposal. Append-only: the database refuses
-- UPDATE and DELETE, so a mistaken entry is withdrawn by a new entry (kind withdrawal) that refers to it with a reason.

-- The ten prohibitions for first secretaries (十条禁令) and the conduct rules for cadres and technicians, as data: a
-- conduct violation names the rule it broke.
CREATE TABLE conduct_rules (
    code     text    COLLATE "C" PRIMARY KEY,
    category text    NOT NULL CHECK (category IN ('ten_prohibitions', 'conduct_rules')),
    ordinal  integer NOT NULL,
    title    text    NOT NULL,
    text     text    NOT NULL,
    UNIQUE (category, ordinal)
);

INSERT INTO conduct_rules (code, category, ordinal, title, text) VALUES
    ('ten_01', 'ten_prohibitions', 1, '不准脱岗空挂', '不准无故脱岗、长期不在村或挂名驻村'),
    ('ten_02', 'ten_prohibitions', 2, '不准弄虚作假', '不准弄虚作假、虚报帮扶成效和脱贫数据'),
    ('ten_03', 'ten_prohibitions', 3, '不准优亲厚友', '不准在贫困户识别、退出和帮扶中优亲厚友、暗箱操作'),
    ('ten_04', 'ten_prohibitions', 4, '不准截留挪用', '不准截留、挪用、侵占帮扶资金和物资'),
    ('ten_05', 'ten_prohibitions', 5, '不准收受礼品礼金', '不准收受群众和基层干部的礼品、礼金、消费卡'),
    ('ten_06', 'ten_prohibitions', 6, '不准接受宴请', '不准接受可能影响公正执行公务的宴请和娱乐活动'),
    ('ten_07', 'ten_prohibitions', 7, '不准干预项目', '不准违规插手、干预村级工程项目和资金分配'),
    ('ten_08', 'ten_prohibitions', 8, '不准推诿扯皮', '不准对群众诉求推诿扯皮、敷衍塞责、态度冷漠'),
    ('ten_09', 'ten_prohibitions', 9, '不准赌博酗酒', '不准参与赌博、酗酒滋事等有损形象的活动'),
    ('ten_10', 'ten_prohibitions', 10, '不准泄露信息', '不准擅自发布、泄露贫困户和村民个人信息'),
    ('conduct_01', 'conduct_rules', 1, '严格请销假', '驻村干部离村须按规定请假、销假，不得未经批准离岗'),
    ('conduct_02', 'conduct_rules', 2, '如实填报纪实', '工作纪实须按时如实填报，不得补记、代记、编造'),
    ('conduct_03', 'conduct_rules', 3, '遵守八项规定', '严格遵守中央八项规定及其实施细则精神，不得违规吃喝、公车私用'),
    ('conduct_04', 'conduct_rules', 4, '服从组织安排', '服从派出单位和县乡党委的组织安排，按时参加培训和例会'),
    ('conduct_05', 'conduct_rules', 5, '农技员按时服务', '农技员须按约定时间到村开展技术服务，不得无故缺席');

-- Proposals of the rules (bulletins twice → talk, bundled accountability, satisfaction, annual ranking, exit check, veto):
-- once per rule and cause; an official confirms (the entry is appended with the proposal's id) or rejects with a reason,
-- once. The decision columns move from open only once (the trigger below); a proposal is never deleted.
CREATE TABLE accountability_proposals (
    id              uuid        PRIMARY KEY,
    rule            text        NOT NULL,
    cause_key       text        COLLATE "C" NOT NULL,
    entry_kind      text        NOT NULL,
    subject_kind    text        NOT NULL,
    subject_id      text        COLLATE "C" NOT NULL,
    subject_name    text        NOT NULL,
    region_code     text        COLLATE "C" NOT NULL,
    reason          text        NOT NULL,
    facts           jsonb       NOT NULL DEFAULT '{}',
    status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'rejected')),
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    decided_by      text        NULL,
    decided_at      timestamptz NULL,
    decision_reason text        NULL,
    entry_id        uuid        NULL,
    UNIQUE (rule, cause_key),
    CHECK ((status = 'open') = (decided_by IS NULL))
);
CREATE INDEX ix_accountability_proposals_region ON accountability_proposals (status, region_code);

CREATE TABLE accountability_entries (
    id           uuid        PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('criticism_bulletin', 'talk', 'admonishment', 'removal_proposal', 'commendation',
                                                      'conduct_violation', 'withdrawal')),
    subject_kind text        NOT NULL CHECK (subject_kind IN ('cadre', 'assisting_unit', 'unit_head', 'county', 'township', 'township_secretary',
                                                              'work_team')),
    subject_id   text        COLLATE "C" NOT NULL,
    subject_name text        NOT NULL,
    region_code  text        COLLATE "C" NOT NULL CHECK (length(region_code) = 12),
    reason       text        NOT NULL,
    evidence     text[]      NOT NULL DEFAULT '{}',
    decided_by   text        NOT NULL,
    -- The China date of the server's clock when the entry was recorded (one instant with recorded_at).
    decided_on   date        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    source       text        NOT NULL,
    cause_key    text        COLLATE "C" NULL,
    -- Confirmed once: a second confirmation cannot append a second entry, whatever runs at the same time.
    proposal_id  uuid        NULL UNIQUE REFERENCES accountability_proposals (id),
    -- Withdrawn once.
    withdraws_id uuid        NULL UNIQUE REFERENCES accountability_entries (id),
    conduct_rule text        COLLATE "C" NULL REFERENCES conduct_rules (code),
    CHECK ((kind = 'withdrawal') = (withdraws_id IS NOT NULL)),
    CHECK ((kind = 'conduct_violation') = (conduct_rule IS NOT NULL))
);
-- A rule records an entry once per cause.
CREATE UNIQUE INDEX ux_accountability_entries_cause ON accountability_entries (source, cause_key) WHERE cause_key IS NOT NULL;
CREATE INDEX ix_accountability_entries_region ON accountability_entries (region_code, decided_on);
CREATE INDEX ix_accountability_entries_subject ON accountability_entries (subject_kind, subject_id, kind, decided_on);

ALTER TABLE accountability_proposals ADD CONSTRAINT fk_accountability_proposals_entry FOREIGN KEY (entry_id) REFERENCES accountability_entries (id);

CREATE FUNCTION accountability_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accountability_entries is append-only: % refused (withdraw an entry with a new withdrawal entry)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER accountability_entries_append_only BEFORE UPDATE OR DELETE ON accountability_entries
    FOR EACH ROW EXECUTE FUNCTION accountability_entries_append_only();

CREATE FUNCTION accountability_proposals_decided_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'accountability_proposals are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.status <> 'open' OR (OLD.id, OLD.rule, OLD.cause_key, OLD.entry_kind, OLD.subject_kind, OLD.subject_id, OLD.region_code, OLD.reason, OLD.facts, OLD.proposed_at)
        IS DISTINCT FROM (NEW.id, NEW.rule, NEW.cause_key, NEW.entry_kind, NEW.subject_kind, NEW.subject_id, NEW.region_code, NEW.reason, NEW.facts, NEW.proposed_at) THEN
        RAISE EXCEPTION 'an accountability proposal is decided once and otherwise never changed' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER accountability_proposals_decided_once BEFORE UPDATE OR DELETE ON accountability_proposals
    FOR EACH ROW EXECUTE FUNCTION accountability_proposals_decided_once();

-- The province default's next version for the years of the programme: conduct violations (assessment.conduct) weigh on
-- first secretaries (the cadre's own violations) and work teams (their village's cadres'), penalty points per violation
-- not withdrawn; the weights of each kind still add up to 100. The accountability section carries the rules' thresholds.
-- The version number follows whatever the year already has.
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
    {"key": "contact_compliance", "name": "结对联系走访", "source": "pairing.contact_overdue", "kind": "penalty", "target": 1, "floor": 0,
     "weights": {"county": 10, "township": 15, "assisting_unit": 15}, "minWeight": 10, "maxWeight": 30},
    {"key": "returned_to_poverty", "name": "返贫户", "source": "pairing.returned_to_poverty", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 5, "township": 5, "assisting_unit": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "helper_gaps", "name": "帮扶责任人未落实", "source": "pairing.helper_gaps", "kind": "penalty", "target": 2, "floor": 0,
     "weights": {"county": 5, "township": 10, "assisting_unit": 10, "work_team": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "funds_execution", "name": "资金执行率", "source": "funds.execution_rate", "kind": "ratio", "target": 0.9, "floor": 0,
     "weights": {"county": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "conduct", "name": "违反禁令和纪律", "source": "assessment.conduct", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"first_secretary": 10, "work_team": 5}, "minWeight": 0, "maxWeight": 20},
    {"key": "tasks", "name": "\"1+6\"月度任务", "source": "assessment.tasks", "kind": "penalty", "target": 5, "floor": 0,
     "weights": {"county": 25, "township": 20, "assisting_unit": 20, "first_secretary": 20, "work_team": 20}, "minWeight": 10, "maxWeight": 40}
  ],
  "redFlag": {"rankings": ["county", "township", "assisting_unit", "first_secretary", "work_team"]},
  "yellowCards": [
    {"rule": "first_secretary_gap", "days": 30},
    {"rule": "on_post_far_below_minimum", "ratio": 0.5}
  ],
  "accountability": {"bulletinsForTalk": 2, "satisfactionForTalk": 0.70, "bottomShareForAdmonishment": 0.10}
}$$ AS jsonb), '省级默认考核模型：增加违反禁令和纪律扣分，设定问责阈值', 'system'
FROM (VALUES (2026), (2027)) AS years (y);

INSERT INTO model_audit (model_version_id, action, actor, region_code, detail)
SELECT id, 'published', published_by, region_code, jsonb_build_object('year', year, 'version', version, 'reason', reason)
FROM model_versions WHERE region_code = '' AND reason = '省级默认考核模型：增加违反禁令和纪律扣分，设定问责阈值';
