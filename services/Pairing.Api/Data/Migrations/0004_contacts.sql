-- Contact and visit records (每月联系、两月走访): what a helper did for a household (扶持措施), with GPS for visits.
CREATE TABLE contact_records (
    id           uuid PRIMARY KEY,
    household_id uuid        NOT NULL REFERENCES households (id),
    cadre_id     uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('call', 'visit')),
    contacted_on date        NOT NULL,
    longitude    double precision NULL,
    latitude     double precision NULL,
    measures     text        NOT NULL CHECK (length(measures) BETWEEN 1 AND 4000),
    recorded_by  text        NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'call' OR (longitude IS NOT NULL AND latitude IS NOT NULL))
);

CREATE INDEX ix_contact_records_household ON contact_records (household_id, contacted_on);

-- HouseholdContactOverdue is published once per household and period: this row is written with its outbox event.
CREATE TABLE overdue_notices (
    household_id uuid        NOT NULL REFERENCES households (id),
    period       text        NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (household_id, period)
);
