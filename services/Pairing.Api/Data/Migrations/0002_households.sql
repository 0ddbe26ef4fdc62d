-- Registered poor households (建档立卡户). The head's citizen ID is never stored in clear: AES-GCM ciphertext, an HMAC
-- blind index (one household per head), and the mask shown to most roles.
CREATE TABLE households (
    id                     uuid PRIMARY KEY,
    village_code           text COLLATE "C" NOT NULL REFERENCES villages (code),
    head_name              text        NOT NULL CHECK (length(head_name) BETWEEN 1 AND 50),
    head_citizen_id_cipher bytea       NOT NULL,
    head_citizen_id_index  bytea       NOT NULL UNIQUE,
    head_citizen_id_masked text        NOT NULL,
    members                integer     NOT NULL CHECK (members BETWEEN 1 AND 30),
    poverty_causes         text[]      NOT NULL,
    depth                  text        NOT NULL CHECK (depth IN ('deep', 'general')),
    potential              text        NOT NULL CHECK (potential IN ('high', 'medium', 'low')),
    status                 text        NOT NULL CHECK (status IN ('in_poverty', 'exited', 'returned', 'monitored')),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_households_village ON households (village_code, id);

-- Every status change (exited 脱贫, returned to poverty 返贫, monitored 边缘户) with who, when and why.
-- Exit does not end assistance (脱贫不脱帮扶): pairings are untouched by a status change.
CREATE TABLE household_status_changes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    household_id    uuid        NOT NULL REFERENCES households (id),
    previous_status text        NULL,
    status          text        NOT NULL,
    reason          text        NOT NULL,
    changed_by      text        NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_household_status_changes_household ON household_status_changes (household_id, changed_at);
