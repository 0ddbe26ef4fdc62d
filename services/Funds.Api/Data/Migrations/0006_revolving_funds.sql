-- Revolving funds (周转资金): a county's pool lends to villages and households, and what is repaid returns to the pool to
-- be lent again. Every movement is a ledger entry: capital enters the county's pool of a year from its appropriation
-- account ('appropriation'), a loan moves the principal from the pool to the loan's own account ('loan', whose balance is
-- what is still owed), a repayment moves it back to the pool of the year it is received ('repayment'), a write-off moves
-- what is left to the county's written-off account of that year ('write_off'). So the amount owed is the loan account's
-- balance, kept by the ledger under its CHECK (>= 0): a loan can never be repaid beyond zero, even by two repayments at once.
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check
    CHECK (kind IN ('appropriation', 'budget_line', 'village', 'cadre', 'paid_out', 'revolving_fund', 'loan', 'written_off'));

-- A loan: to whom (a village, or a household of a village), how much, its term and its schedule. What was agreed never
-- changes; only the status moves forward (active → repaid or written_off), with who wrote it off, when and why.
CREATE TABLE loans (
    id               uuid        PRIMARY KEY,
    county_code      text        COLLATE "C" NOT NULL CHECK (county_code ~ '^[0-9]{12}$'),
    region_code      text        COLLATE "C" NOT NULL CHECK (region_code ~ '^[0-9]{12}$'),
    borrower_kind    text        NOT NULL CHECK (borrower_kind IN ('village', 'household')),
    borrower_name    text        NOT NULL,
    borrower_id      text        NULL,
    purpose          text        NOT NULL,
    principal_fen    bigint      NOT NULL CHECK (principal_fen > 0),
    lent_on          date        NOT NULL,
    term_months      integer     NOT NULL CHECK (term_months BETWEEN 1 AND 60),
    installments     integer     NOT NULL CHECK (installments BETWEEN 1 AND 60 AND installments <= term_months),
    account_id       uuid        NOT NULL UNIQUE REFERENCES accounts (id),
    entry_id         uuid        NOT NULL REFERENCES ledger_entries (id),
    status           text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'repaid', 'written_off')),
    lent_by          text        NOT NULL,
    lent_at          timestamptz NOT NULL DEFAULT now(),
    written_off_by   text        NULL,
    written_off_at   timestamptz NULL,
    write_off_reason text        NULL,
    write_off_entry  uuid        NULL REFERENCES ledger_entries (id),
    CONSTRAINT borrower_in_county CHECK (starts_with(region_code, substr(county_code, 1, 6))),
    CONSTRAINT household_named CHECK (borrower_kind = 'village' OR borrower_id IS NOT NULL),
    CONSTRAINT written_off_with_reason CHECK ((status = 'written_off') = (write_off_reason IS NOT NULL AND written_off_by IS NOT NULL AND write_off_entry IS NOT NULL))
);
CREATE INDEX ix_loans_region ON loans (region_code, lent_on);
CREATE INDEX ix_loans_active ON loans (status) WHERE status = 'active';

-- The schedule: installment n falls due on its date for its amount (equal parts, the remainder in the last).
CREATE TABLE loan_installments (
    loan_id        uuid    NOT NULL REFERENCES loans (id),
    installment_no integer NOT NULL CHECK (installment_no >= 1),
    due_on         date    NOT NULL,
    amount_fen     bigint  NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (loan_id, installment_no)
);

-- Repayments as received: the ledger entry that booked it, who recorded it and when (the server's clock), and the day the
-- borrower says they paid (kept, not trusted for overdue: the recorded time decides).
CREATE TABLE loan_repayments (
    id          uuid        PRIMARY KEY,
    loan_id     uuid        NOT NULL REFERENCES loans (id),
    amount_fen  bigint      NOT NULL CHECK (amount_fen > 0),
    paid_on     date        NULL,
    note        text        NULL,
    entry_id    uuid        NOT NULL UNIQUE REFERENCES ledger_entries (id),
    recorded_by text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_loan_repayments_loan ON loan_repayments (loan_id, recorded_at);

-- An installment found overdue, once: the overdue job's cause key (loan, installment), written in the transaction of
-- its LoanOverdue event (outbox), so a repeated or concurrent run reminds nobody twice.
CREATE TABLE loan_overdue_notices (
    loan_id        uuid        NOT NULL REFERENCES loans (id),
    installment_no integer     NOT NULL,
    overdue_fen    bigint      NOT NULL CHECK (overdue_fen > 0),
    found_on       date        NOT NULL,
    found_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (loan_id, installment_no),
    FOREIGN KEY (loan_id, installment_no) REFERENCES loan_installments (loan_id, installment_no)
);

CREATE FUNCTION loans_move_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'status' - 'written_off_by' - 'written_off_at' - 'write_off_reason' - 'write_off_entry')
       IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'written_off_by' - 'written_off_at' - 'write_off_reason' - 'write_off_entry')
       OR OLD.status <> 'active' OR NEW.status NOT IN ('repaid', 'written_off') THEN
        RAISE EXCEPTION 'a loan only moves forward: % -> %', OLD.status, NEW.status USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER loans_forward BEFORE UPDATE ON loans FOR EACH ROW EXECUTE FUNCTION loans_move_forward();
CREATE TRIGGER loans_no_delete BEFORE DELETE ON loans FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER loans_no_truncate BEFORE TRUNCATE ON loans FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER loan_installments_append_only BEFORE UPDATE OR DELETE ON loan_installments FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER loan_installments_no_truncate BEFORE TRUNCATE ON loan_installments FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER loan_repayments_append_only BEFORE UPDATE OR DELETE ON loan_repayments FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER loan_repayments_no_truncate BEFORE TRUNCATE ON loan_repayments FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER loan_overdue_notices_append_only BEFORE UPDATE OR DELETE ON loan_overdue_notices FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER loan_overdue_notices_no_truncate BEFORE TRUNCATE ON loan_overdue_notices FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();
