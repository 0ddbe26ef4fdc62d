-- A paid disbursement whose ledger entry is corrected (reversed) is `reversed`: the money went back to the holder's
-- account, so the payment no longer stands. Who reversed it, why and when stay on the row with the correcting entry;
-- a reversed disbursement stays reversed (paying again is a new disbursement).
ALTER TABLE disbursements
    ADD COLUMN reversed_by       text        NULL,
    ADD COLUMN reversed_at       timestamptz NULL,
    ADD COLUMN reversal_reason   text        NULL,
    ADD COLUMN reversal_entry_id uuid        NULL REFERENCES ledger_entries (id),
    DROP CONSTRAINT disbursements_status_check,
    ADD CONSTRAINT disbursements_status_check CHECK (status IN ('requested', 'approved', 'paid', 'reversed')),
    ADD CONSTRAINT reversed_with_who_why_when CHECK ((status = 'reversed') = (reversed_by IS NOT NULL AND reversed_at IS NOT NULL
        AND reversal_reason IS NOT NULL AND reversal_entry_id IS NOT NULL));

CREATE OR REPLACE FUNCTION disbursements_move_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.requested_by, NEW.idempotency_key, NEW.request_hash, NEW.account_id, NEW.region_code, NEW.amount_fen, NEW.payee, NEW.purpose,
        NEW.required_level, NEW.requested_at)
       IS DISTINCT FROM (OLD.id, OLD.requested_by, OLD.idempotency_key, OLD.request_hash, OLD.account_id, OLD.region_code, OLD.amount_fen, OLD.payee, OLD.purpose,
        OLD.required_level, OLD.requested_at)
       OR NOT ((OLD.status = 'requested' AND NEW.status = 'approved') OR (OLD.status = 'approved' AND NEW.status = 'paid')
            OR (OLD.status = 'paid' AND NEW.status = 'reversed'
                AND (NEW.approved_by, NEW.approved_at, NEW.paid_by, NEW.paid_at, NEW.entry_id)
                    IS NOT DISTINCT FROM (OLD.approved_by, OLD.approved_at, OLD.paid_by, OLD.paid_at, OLD.entry_id))) THEN
        RAISE EXCEPTION 'a disbursement only moves forward: % -> %', OLD.status, NEW.status USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE INDEX ix_disbursements_entry ON disbursements (entry_id) WHERE entry_id IS NOT NULL;

-- A village's statement (财务公开) reads its accounts' lines in time order.
CREATE INDEX ix_accounts_holder_region ON accounts (region_code, kind) WHERE kind IN ('village', 'cadre');

-- The month's execution rate as published to assessment (ExecutionRatePublished through the outbox), per county: the
-- county's figures and each village's, as computed when published. A publication is keyed by its county, month and the
-- fingerprint of its figures: publishing again (the monthly job firing twice, or on demand) writes a new version only
-- when the figures changed, so a repeat changes nothing; a closed month's figures do not change (the ledger is
-- append-only and dated by the server). Rows are never changed.
CREATE TABLE execution_rate_publications (
    id           uuid        PRIMARY KEY,
    county_code  text        COLLATE "C" NOT NULL CHECK (county_code ~ '^[0-9]{6}$'),
    month        text        COLLATE "C" NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    version      integer     NOT NULL CHECK (version >= 1),
    fingerprint  text        NOT NULL,
    allocated_fen bigint     NOT NULL,
    spent_fen    bigint      NOT NULL,
    rate         numeric(9, 4) NULL,
    -- Each village's figures: [{villageCode, allocatedFen, spentFen, rate}].
    villages     jsonb       NOT NULL,
    published_by text        NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (county_code, month, version)
);

CREATE TRIGGER execution_rate_publications_append_only BEFORE UPDATE OR DELETE ON execution_rate_publications FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
