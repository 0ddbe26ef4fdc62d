-- Township postings (充实到乡镇) and joint party committees (联合党委), domain.md §9.

-- A dispatched cadre posted to a township (role posted, a resident post like a village's), or a first secretary holding a
-- seat on the township's party committee (role party_committee_member). Rows are never deleted.
CREATE TABLE township_postings (
    id            uuid             PRIMARY KEY,
    township_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    cadre_id      uuid             NOT NULL REFERENCES cadres (id),
    role          text             NOT NULL CHECK (role IN ('posted', 'party_committee_member')),
    starts_on     date             NOT NULL,
    ends_on       date             NULL,
    reason        text             NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    end_reason    text             NULL CHECK (length(end_reason) BETWEEN 1 AND 500),
    posted_by     text             NOT NULL,
    posted_at     timestamptz      NOT NULL,
    ended_by      text             NULL,
    ended_at      timestamptz      NULL,
    CONSTRAINT township_posting_period CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT township_posting_ended CHECK ((ends_on IS NULL) = (end_reason IS NULL) AND (ends_on IS NULL) = (ended_at IS NULL)
                                             AND (ends_on IS NULL) = (ended_by IS NULL)),
    CONSTRAINT one_township_posting_per_cadre EXCLUDE USING gist (
        cadre_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (role = 'posted'),
    CONSTRAINT one_township_committee_seat EXCLUDE USING gist (
        cadre_id WITH =, township_code WITH =, daterange(starts_on, ends_on, '[]') WITH &&) WHERE (role = 'party_committee_member')
);

CREATE INDEX ix_township_postings_township ON township_postings (township_code, starts_on);
CREATE INDEX ix_township_postings_cadre ON township_postings (cadre_id);

-- A cadre holds one resident post at a time, in a village (assignments: first secretary, team leader or member) or a
-- township (posted). Each table's exclusion constraint keeps its own rows apart; this trigger keeps the two apart. It
-- locks the cadre's row first (FOR NO KEY UPDATE: two writes for one cadre queue, foreign-key checks do not wait; a row
-- lock, not an advisory one, so a large import does not fill the lock table), then looks with a fresh snapshot. It raises
-- what the constraint would (exclusion_violation, one_resident_post_per_cadre): every writer answers 409
-- cadre_already_resident as before.
CREATE FUNCTION one_resident_post_across_villages_and_townships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM cadres WHERE id = NEW.cadre_id FOR NO KEY UPDATE;
    IF TG_TABLE_NAME = 'assignments' THEN
        IF NEW.force IN ('first_secretary', 'team_leader', 'team_member') AND EXISTS (
            SELECT 1 FROM township_postings t WHERE t.cadre_id = NEW.cadre_id AND t.role = 'posted'
              AND daterange(t.starts_on, t.ends_on, '[]') && daterange(NEW.starts_on, NEW.ends_on, '[]')) THEN
            RAISE EXCEPTION 'cadre % is posted to a township in this period', NEW.cadre_id
                USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'one_resident_post_per_cadre';
        END IF;
    ELSIF NEW.role = 'posted' AND EXISTS (
        SELECT 1 FROM assignments a WHERE a.cadre_id = NEW.cadre_id AND a.force IN ('first_secretary', 'team_leader', 'team_member')
          AND daterange(a.starts_on, a.ends_on, '[]') && daterange(NEW.starts_on, NEW.ends_on, '[]')) THEN
        RAISE EXCEPTION 'cadre % holds a resident village post in this period', NEW.cadre_id
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'one_resident_post_per_cadre';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER assignments_one_resident_post BEFORE INSERT ON assignments
    FOR EACH ROW WHEN (NEW.cadre_id IS NOT NULL) EXECUTE FUNCTION one_resident_post_across_villages_and_townships();
CREATE TRIGGER township_postings_one_resident_post BEFORE INSERT ON township_postings
    FOR EACH ROW EXECUTE FUNCTION one_resident_post_across_villages_and_townships();

-- A joint party committee (联合党委) links neighbouring villages of one county around an industry. A village belongs to
-- one joint committee at a time.
CREATE TABLE joint_committees (
    id              uuid             PRIMARY KEY,
    county_code     text COLLATE "C" NOT NULL CHECK (county_code ~ '^[0-9]{6}$'),
    name            text             NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    industry        text             NOT NULL CHECK (length(industry) BETWEEN 1 AND 100),
    secretary       text             NOT NULL CHECK (length(secretary) BETWEEN 1 AND 50),
    formed_on       date             NOT NULL,
    formed_by       text             NOT NULL,
    formed_at       timestamptz      NOT NULL,
    dissolved_on    date             NULL,
    dissolve_reason text             NULL CHECK (length(dissolve_reason) BETWEEN 1 AND 2000),
    dissolved_by    text             NULL,
    dissolved_at    timestamptz      NULL,
    CONSTRAINT joint_committee_dissolved CHECK ((dissolved_on IS NULL) = (dissolve_reason IS NULL) AND (dissolved_on IS NULL) = (dissolved_at IS NULL)
                                                AND (dissolved_on IS NULL) = (dissolved_by IS NULL))
);

CREATE INDEX ix_joint_committees_county ON joint_committees (county_code, formed_on);

CREATE TABLE joint_committee_villages (
    committee_id uuid             NOT NULL REFERENCES joint_committees (id),
    village_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    joined_on    date             NOT NULL,
    left_on      date             NULL,
    PRIMARY KEY (committee_id, village_code),
    CONSTRAINT joint_committee_village_period CHECK (left_on IS NULL OR left_on >= joined_on),
    CONSTRAINT one_joint_committee_per_village EXCLUDE USING gist (
        village_code WITH =, daterange(joined_on, left_on, '[]') WITH &&)
);
