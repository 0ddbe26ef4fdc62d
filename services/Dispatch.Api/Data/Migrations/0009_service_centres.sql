-- Party and people's service centres (党群服务中心, domain.md §9): every village has one, rated model (示范), up to
-- standard (达标) or not (未达标) after a check, with the day of the check and what it found. Every rating is kept; a
-- village's rating is its latest (by the day of the check, then by when it was recorded). Only villages are rated.
CREATE TABLE service_centre_ratings (
    id           uuid             PRIMARY KEY,
    village_code text COLLATE "C" NOT NULL REFERENCES regions (code),
    rating       text             NOT NULL CHECK (rating IN ('model', 'standard', 'below')),
    rated_on     date             NOT NULL,
    evidence     text             NOT NULL CHECK (length(evidence) BETWEEN 1 AND 2000),
    rated_by     text             NOT NULL,
    recorded_at  timestamptz      NOT NULL
);

CREATE INDEX ix_service_centre_ratings_village ON service_centre_ratings (village_code, rated_on DESC, recorded_at DESC);
