-- Disbursements (经费支付): requested → approved by the level the amount requires → paid, once. A request is known by its
-- caller and the caller's Idempotency-Key: the same request sent again is the same disbursement, a different request
-- with a used key is refused (request_hash tells them apart). Paying books one ledger entry (cause 'disbursement:<id>'),
-- so a second payment books nothing. Who requested, approved and paid, and when, stays on the row; what was requested
-- never changes, the status only moves forward, and no row is deleted.
CREATE TABLE disbursements (
    id              uuid        PRIMARY KEY,
    requested_by    text        NOT NULL,
    idempotency_key text        NOT NULL,
    request_hash    text        NOT NULL,
    account_id      uuid        NOT NULL REFERENCES accounts (id),
    region_code     text        COLLATE "C" NOT NULL CHECK (region_code ~ '^[0-9]{12}$'),
    amount_fen      bigint      NOT NULL CHECK (amount_fen > 0),
    payee           text        NOT NULL,
    purpose         text        NOT NULL,
    required_level  text        NOT NULL CHECK (required_level IN ('county', 'city', 'province')),
    status          text        NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'paid')),
    requested_at    timestamptz NOT NULL DEFAULT now(),
    approved_by     text        NULL,
    approved_at     timestamptz NULL,
    paid_by         text        NULL,
    paid_at         timestamptz NULL,
    entry_id        uuid        NULL REFERENCES ledger_entries (id),
    UNIQUE (requested_by, idempotency_key),
    CONSTRAINT approved_by_another CHECK (approved_by IS NULL OR approved_by <> requested_by),
    CONSTRAINT paid_after_approval CHECK (status <> 'paid' OR (approved_by IS NOT NULL AND entry_id IS NOT NULL))
);
CREATE INDEX ix_disbursements_region ON disbursements (region_code, requested_at);

CREATE FUNCTION disbursements_move_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.requested_by, NEW.idempotency_key, NEW.request_hash, NEW.account_id, NEW.region_code, NEW.amount_fen, NEW.payee, NEW.purpose,
        NEW.required_level, NEW.requested_at)
       IS DISTINCT FROM (OLD.id, OLD.requested_by, OLD.idempotency_key, OLD.request_hash, OLD.account_id, OLD.region_code, OLD.amount_fen, OLD.payee, OLD.purpose,
        OLD.required_level, OLD.requested_at)
       OR NOT ((OLD.status = 'requested' AND NEW.status = 'approved') OR (OLD.status = 'approved' AND NEW.status = 'paid')) THEN
        RAISE EXCEPTION 'a disbursement only moves forward: % -> %', OLD.status, NEW.status USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER disbursements_forward BEFORE UPDATE ON disbursements FOR EACH ROW EXECUTE FUNCTION disbursements_move_forward();
CREATE TRIGGER disbursements_no_delete BEFORE DELETE ON disbursements FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER disbursements_no_truncate BEFORE TRUNCATE ON disbursements FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();
