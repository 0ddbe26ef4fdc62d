-- Every attempt of a bulk import (helper pool, pairings, contacts), accepted or refused, with who, what and the errors.
CREATE TABLE imports (
    id            uuid PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('helpers', 'pairings', 'contacts')),
    file_name     text        NULL,
    scope         text        NOT NULL,
    imported_by   text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('succeeded', 'rejected')),
    rows_read     integer     NOT NULL,
    created       integer     NOT NULL DEFAULT 0,
    updated       integer     NOT NULL DEFAULT 0,
    error_count   integer     NOT NULL DEFAULT 0,
    errors        jsonb       NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL DEFAULT now()
);

-- A contact imported with the client's key is written once: importing the same file again adds none.
ALTER TABLE contact_records ADD COLUMN client_key text NULL CHECK (length(client_key) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX ux_contact_records_client_key ON contact_records (client_key) WHERE client_key IS NOT NULL;

-- A helper's responsible load on a date (the pairing import checks it for thousands of cadres at once).
CREATE INDEX ix_pairings_cadre_responsible ON pairings (cadre_id, ends_on) WHERE role = 'responsible';
