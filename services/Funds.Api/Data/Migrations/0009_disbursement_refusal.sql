-- A requested disbursement an approver turns down is `refused`, with who, why and when on the row; it stays refused
-- (asking again is a new request). Nothing was booked for it, so a refusal touches no account.
ALTER TABLE disbursements
    ADD COLUMN refused_by     text        NULL,
    ADD COLUMN refused_at     timestamptz NULL,
    ADD COLUMN refusal_reason text        NULL,
    DROP CONSTRAINT disbursements_status_check,
    ADD CONSTRAINT disbursements_status_check CHECK (status IN ('requested', 'approved', 'paid', 'reversed', 'refused')),
    ADD CONSTRAINT refused_with_who_why_when CHECK ((status = 'refused') = (refused_by IS NOT NULL AND refused_at IS NOT NULL AND refusal_reason IS NOT NULL));

CREATE OR REPLACE FUNCTION disbursements_move_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.requested_by, NEW.idempotency_key, NEW.request_hash, NEW.account_id, NEW.region_code, NEW.amount_fen, NEW.payee, NEW.purpose,
        NEW.required_level, NEW.requested_at)
       IS DISTINCT FROM (OLD.id, OLD.requested_by, OLD.idempotency_key, OLD.request_hash, OLD.account_id, OLD.region_code, OLD.amount_fen, OLD.payee, OLD.purpose,
        OLD.required_level, OLD.requested_at)
       OR NOT ((OLD.status = 'requested' AND NEW.status = 'approved') OR (OLD.status = 'approved' AND NEW.status = 'paid')
            OR (OLD.status = 'requested' AND NEW.status = 'refused' AND NEW.approved_by IS NULL)
            OR (OLD.status = 'paid' AND NEW.status = 'reversed'
                AND (NEW.approved_by, NEW.approved_at, NEW.paid_by, NEW.paid_at, NEW.entry_id)
                    IS NOT DISTINCT FROM (OLD.approved_by, OLD.approved_at, OLD.paid_by, OLD.paid_at, OLD.entry_id))) THEN
        RAISE EXCEPTION 'a disbursement only moves forward: % -> %', OLD.status, NEW.status USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;

-- The approvers' list: a scope's disbursements by status, newest first.
CREATE INDEX ix_disbursements_region_status ON disbursements (region_code, status, requested_at DESC, id);
