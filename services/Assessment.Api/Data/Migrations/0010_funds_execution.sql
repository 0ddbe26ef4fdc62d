-- Funds' execution rate (资金执行率) per month, as funds publishes it (ExecutionRatePublished): one row per county
-- (region_code padded to 12 digits, level 'county') and per village, the latest version funds published for the
-- county's month (a later version replaces an earlier one; an earlier one arriving late changes nothing). The indicator
-- source funds.execution_rate scores from these rows.
CREATE TABLE funds_execution_facts (
    id             uuid          PRIMARY KEY,
    month          text          COLLATE "C" NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    region_code    text          COLLATE "C" NOT NULL CHECK (region_code ~ '^[0-9]{12}$'),
    level          text          NOT NULL CHECK (level IN ('county', 'village')),
    allocated_fen  bigint        NOT NULL,
    spent_fen      bigint        NOT NULL,
    rate           numeric(9, 4) NULL,
    publication_id uuid          NOT NULL,
    version        integer       NOT NULL,
    published_at   timestamptz   NOT NULL,
    received_at    timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (month, region_code)
);
