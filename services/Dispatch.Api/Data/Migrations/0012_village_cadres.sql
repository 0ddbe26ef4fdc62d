-- The village's own cadres (村两委) and its talent pipeline (双培双带), domain.md §9: people of the village, not
-- dispatched cadres. Nothing is deleted: a post ends with its kind and reason (调整撤换), pay changes add rows.
CREATE TABLE village_people (
    id            uuid             PRIMARY KEY,
    village_code  text COLLATE "C" NOT NULL REFERENCES regions (code),
    name          text             NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    gender        text             NOT NULL CHECK (gender IN ('male', 'female')),
    birth_year    integer          NOT NULL CHECK (birth_year BETWEEN 1920 AND 2015),
    registered_by text             NOT NULL,
    registered_at timestamptz      NOT NULL
);

CREATE INDEX ix_village_people_village ON village_people (village_code, id);

-- A seat on the party branch committee (党支部委员会) or the villagers' committee (村民委员会), for a term. One branch
-- secretary and one committee director per village at a time; a person holds one seat per body at a time.
CREATE TABLE village_committee_posts (
    id           uuid             PRIMARY KEY,
    person_id    uuid             NOT NULL REFERENCES village_people (id),
    village_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    body         text             NOT NULL CHECK (body IN ('party_branch', 'villagers_committee')),
    post         text             NOT NULL CHECK (post IN ('secretary', 'deputy_secretary', 'director', 'deputy_director', 'member')),
    starts_on    date             NOT NULL,
    term_ends_on date             NOT NULL,
    ends_on      date             NULL,
    end_kind     text             NULL CHECK (end_kind IN ('term_ended', 'adjusted', 'removed', 'resigned')),
    end_reason   text             NULL CHECK (length(end_reason) BETWEEN 1 AND 2000),
    appointed_by text             NOT NULL,
    appointed_at timestamptz      NOT NULL,
    ended_by     text             NULL,
    ended_at     timestamptz      NULL,
    CONSTRAINT post_of_body CHECK ((body = 'party_branch' AND post IN ('secretary', 'deputy_secretary', 'member'))
                                   OR (body = 'villagers_committee' AND post IN ('director', 'deputy_director', 'member'))),
    CONSTRAINT term_after_start CHECK (term_ends_on > starts_on),
    CONSTRAINT ended_after_start CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT post_ended CHECK ((ends_on IS NULL) = (end_kind IS NULL) AND (ends_on IS NULL) = (end_reason IS NULL)
                                 AND (ends_on IS NULL) = (ended_at IS NULL) AND (ends_on IS NULL) = (ended_by IS NULL)),
    CONSTRAINT one_head_per_body EXCLUDE USING gist (
        village_code WITH =, body WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (post IN ('secretary', 'director')),
    CONSTRAINT one_seat_per_body EXCLUDE USING gist (
        person_id WITH =, body WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);

CREATE INDEX ix_village_committee_posts_village ON village_committee_posts (village_code, starts_on);
CREATE INDEX ix_village_committee_posts_person ON village_committee_posts (person_id);

-- A village cadre's monthly pay (CNY) and pension insurance from a day on; the latest row is in force.
CREATE TABLE village_cadre_pay (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id       uuid           NOT NULL REFERENCES village_people (id),
    monthly_pay     numeric(10, 2) NOT NULL CHECK (monthly_pay > 0 AND monthly_pay < 100000),
    pension_insured boolean        NOT NULL,
    effective_from  date           NOT NULL,
    reason          text           NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    set_by          text           NOT NULL,
    set_at          timestamptz    NOT NULL
);

CREATE INDEX ix_village_cadre_pay_person ON village_cadre_pay (person_id, id);

-- The talent pipeline (双培双带): capable farmer (致富能手) → party member (党员) → reserve cadre (后备干部) → committee
-- member (村两委成员), each step once with its day.
CREATE TABLE talent_steps (
    person_id   uuid        NOT NULL REFERENCES village_people (id),
    step        text        NOT NULL CHECK (step IN ('capable_farmer', 'party_member', 'reserve_cadre', 'committee_member')),
    reached_on  date        NOT NULL,
    recorded_by text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (person_id, step)
);
