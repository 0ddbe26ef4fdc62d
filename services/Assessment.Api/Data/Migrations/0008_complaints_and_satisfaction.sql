-- The villagers' voice (issue 16, items 4 and 5): the complaints hotline (诉求热线) and satisfaction surveys (群众满意度).
-- Times are the server's; a phone's own time is kept beside it, never trusted alone. Bulletins and talk proposals they
-- cause live in the accountability register (0007), keyed by the complaint id or subject and month.

-- A complaint against an assisting unit, a cadre or a village's work team. region_code is the subject's (12 digits):
-- the scope rule and the counts per county read it. The complainant's phone is personal data, encrypted at rest.
CREATE TABLE complaints (
    id                   uuid        PRIMARY KEY,
    subject_kind         text        NOT NULL,
    subject_id           text        COLLATE "C" NOT NULL,
    subject_name         text        NOT NULL,
    region_code          text        COLLATE "C" NOT NULL,
    channel              text        NOT NULL,
    content              text        NOT NULL,
    complainant_name     text        NOT NULL,
    complainant_phone    bytea       NULL,
    received_at          timestamptz NOT NULL,
    reply_by             timestamptz NOT NULL,
    registered_by        text        NOT NULL,
    first_replied_at     timestamptz NULL,
    verdict              text        NULL,
    verdict_at           timestamptz NULL,
    verdict_by           text        NULL,
    closed_at            timestamptz NULL,
    closed_by            text        NULL,
    close_note           text        NULL,
    -- Set once by the deadline job: the reminder published (ComplaintReplyDueSoon), the missed deadline's bulletin recorded.
    reminded_at          timestamptz NULL,
    deadline_missed_at   timestamptz NULL,
    CONSTRAINT ck_complaints_verdict CHECK (verdict IN ('satisfied', 'unsatisfied'))
);
CREATE INDEX ix_complaints_region ON complaints (region_code, received_at);
-- What the deadline job looks at: complaints nobody has answered yet.
CREATE INDEX ix_complaints_unanswered ON complaints (reply_by) WHERE first_replied_at IS NULL AND closed_at IS NULL;

CREATE TABLE complaint_replies (
    id           uuid        PRIMARY KEY,
    complaint_id uuid        NOT NULL REFERENCES complaints (id),
    text         text        NOT NULL,
    replied_by   text        NOT NULL,
    replied_at   timestamptz NOT NULL,
    late         boolean     NOT NULL
);
CREATE INDEX ix_complaint_replies_complaint ON complaint_replies (complaint_id, replied_at);

-- A survey of a village's villagers about one force serving it: the village's work team, a cadre or an assisting unit.
-- village_code is the survey's scope; subject_region_code the subject's own (a unit's or cadre's region), where a talk
-- proposal is filed.
CREATE TABLE satisfaction_surveys (
    id                  uuid        PRIMARY KEY,
    village_code        text        COLLATE "C" NOT NULL,
    subject_kind        text        NOT NULL,
    subject_id          text        COLLATE "C" NOT NULL,
    subject_name        text        NOT NULL,
    subject_region_code text        COLLATE "C" NOT NULL,
    title               text        NOT NULL,
    opened_by           text        NOT NULL,
    opened_at           timestamptz NOT NULL,
    closed_by           text        NULL,
    closed_at           timestamptz NULL
);
CREATE INDEX ix_satisfaction_surveys_village ON satisfaction_surveys (village_code, opened_at);
CREATE INDEX ix_satisfaction_surveys_subject ON satisfaction_surveys (subject_kind, subject_id);

-- One villager's rating. month is the server's (China time) month of receipt; a phone's client_id makes a resend the same
-- response.
CREATE TABLE satisfaction_responses (
    id            uuid        PRIMARY KEY,
    survey_id     uuid        NOT NULL REFERENCES satisfaction_surveys (id),
    client_id     text        NULL,
    rating        text        NOT NULL,
    score         integer     NOT NULL,
    comment       text        NULL,
    collected_via text        NOT NULL,
    collected_by  text        NOT NULL,
    client_at     timestamptz NULL,
    received_at   timestamptz NOT NULL,
    month         text        NOT NULL,
    CONSTRAINT ck_satisfaction_responses_rating CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    CONSTRAINT ck_satisfaction_responses_via CHECK (collected_via IN ('official', 'phone'))
);
CREATE UNIQUE INDEX ux_satisfaction_responses_client ON satisfaction_responses (survey_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX ix_satisfaction_responses_month ON satisfaction_responses (month, survey_id);
