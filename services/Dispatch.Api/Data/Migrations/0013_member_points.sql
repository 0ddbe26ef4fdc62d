-- Party member points (积分制, domain.md §9): members earn points for defined activities; branches compare totals
-- monthly. A region's rules are rows too: the latest row of the most specific region covering a village is in force
-- (a county's over its city's over its province's), the platform's defaults where none is set (MemberPointActivities).
CREATE TABLE point_rules (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_code text COLLATE "C" NOT NULL CHECK (region_code ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
    activity    text        NOT NULL CHECK (activity IN ('party_meeting', 'party_day', 'household_service', 'learning')),
    points      integer     NOT NULL CHECK (points BETWEEN 1 AND 100),
    monthly_cap integer     NOT NULL CHECK (monthly_cap BETWEEN 1 AND 1000),
    set_by      text        NOT NULL,
    set_at      timestamptz NOT NULL
);

CREATE INDEX ix_point_rules_region ON point_rules (region_code, activity, id);

-- Points a member earned: the rule's points when recorded (capped by the month's remainder), the day of the activity
-- as the recorder gives it and the server's instant of the record.
CREATE TABLE member_points (
    id           uuid             PRIMARY KEY,
    person_id    uuid             NOT NULL REFERENCES village_people (id),
    village_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    activity     text             NOT NULL,
    occurred_on  date             NOT NULL,
    points       integer          NOT NULL CHECK (points > 0),
    note         text             NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
    recorded_by  text             NOT NULL,
    recorded_at  timestamptz      NOT NULL
);

CREATE INDEX ix_member_points_person ON member_points (person_id, occurred_on);
CREATE INDEX ix_member_points_village ON member_points (village_code, occurred_on);
