-- The double-entry ledger (账簿). Every movement is an entry of two or more lines in integer fen whose amounts sum to
-- zero; a positive line adds to an account's funds, a negative one takes from them. Entries and lines are never changed
-- or deleted: a correction is a new entry that reverses one, with a reason.
--
-- No account is overdrawn, and the database enforces it, not only the code: each account row carries its balance, kept
-- by a trigger on every line in the same transaction, under CHECK (balance_fen >= 0). The UPDATE of the balance takes
-- the account's row lock, so concurrent entries on one account queue on it, and each re-reads the balance the one
-- before committed (READ COMMITTED re-checks the updated row) before the CHECK: the last fen can be spent once. This was
-- chosen over SERIALIZABLE with retries because it refuses exactly the entries that would overdraw, whatever isolation
-- level a caller uses, with no retry loop and no false conflicts between unrelated accounts; the price is that writers of
-- one account run one after another, which is what spending one balance means anyway. Lines are written in account
-- order by the service so that two entries over the same accounts lock them in the same order (no deadlock).
-- The balance is derived from the lines (GET /api/funds/ledger/check recomputes and compares it); only the trigger may
-- change it.
CREATE TABLE accounts (
    id              uuid        PRIMARY KEY,
    code            text        COLLATE "C" NOT NULL UNIQUE,
    kind            text        NOT NULL CHECK (kind IN ('appropriation', 'budget_line', 'village', 'cadre', 'paid_out')),
    region_code     text        COLLATE "C" NOT NULL CHECK (region_code ~ '^[0-9]{12}$'),
    year            integer     NOT NULL,
    programme       text        NOT NULL,
    holder_id       text        NULL,
    name            text        NOT NULL,
    balance_fen     bigint      NOT NULL DEFAULT 0,
    -- Only the appropriation account of a county's year goes below zero: it is where the budget's money comes from.
    may_go_negative boolean     NOT NULL GENERATED ALWAYS AS (kind = 'appropriation') STORED,
    opened_by       text        NOT NULL,
    opened_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT account_not_overdrawn CHECK (may_go_negative OR balance_fen >= 0)
);
CREATE INDEX ix_accounts_region ON accounts (region_code, year, kind);

CREATE TABLE ledger_entries (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('appropriation', 'allocation', 'disbursement', 'reimbursement', 'loan', 'repayment', 'write_off', 'correction')),
    region_code text        COLLATE "C" NOT NULL CHECK (region_code ~ '^[0-9]{12}$'),
    memo        text        NOT NULL,
    reverses    uuid        NULL UNIQUE REFERENCES ledger_entries (id),
    reason      text        NULL,
    -- What caused the entry (a disbursement, an allocation's recomputation): a cause is booked once.
    cause_key   text        COLLATE "C" NULL UNIQUE,
    recorded_by text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT correction_reverses_with_reason CHECK ((kind = 'correction') = (reverses IS NOT NULL) AND (reverses IS NULL OR reason IS NOT NULL))
);
CREATE INDEX ix_ledger_entries_region ON ledger_entries (region_code, recorded_at);

CREATE TABLE ledger_lines (
    entry_id   uuid   NOT NULL REFERENCES ledger_entries (id),
    line_no    integer NOT NULL,
    account_id uuid   NOT NULL REFERENCES accounts (id),
    amount_fen bigint NOT NULL CHECK (amount_fen <> 0),
    PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX ix_ledger_lines_account ON ledger_lines (account_id, entry_id);

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON ledger_lines FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER ledger_lines_no_truncate BEFORE TRUNCATE ON ledger_lines FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();

-- A line moves its account's balance in the same transaction (the CHECK above refuses an overdraft). Lines are written
-- with their entry, in its transaction: no one adds lines to an entry booked before.
CREATE FUNCTION ledger_line_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT xmin::text::bigint FROM ledger_entries WHERE id = NEW.entry_id) <> txid_current() % 4294967296 THEN
        RAISE EXCEPTION 'lines are written with their entry' USING ERRCODE = 'restrict_violation';
    END IF;
    UPDATE accounts SET balance_fen = balance_fen + NEW.amount_fen WHERE id = NEW.account_id;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_lines_post AFTER INSERT ON ledger_lines FOR EACH ROW EXECUTE FUNCTION ledger_line_posts();

-- An account's row changes only through a line: no one sets a balance, and nothing else of an account changes (the
-- generated column is left out: a BEFORE trigger sees it not yet computed).
CREATE FUNCTION accounts_change_only_by_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2
        OR (to_jsonb(NEW) - 'balance_fen' - 'may_go_negative') IS DISTINCT FROM (to_jsonb(OLD) - 'balance_fen' - 'may_go_negative') THEN
        RAISE EXCEPTION 'accounts change only through ledger lines' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_only_by_lines BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION accounts_change_only_by_lines();

-- At commit every entry has two or more lines summing to zero, whatever wrote them.
CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry uuid;
    lines integer;
    total numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        entry := NEW.id;
    ELSE
        entry := NEW.entry_id;
    END IF;
    SELECT count(*), coalesce(sum(amount_fen), 0) INTO lines, total FROM ledger_lines WHERE entry_id = entry;
    IF lines < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'ledger entry % is not balanced (% lines, sum %)', entry, lines, total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_balanced';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
CREATE CONSTRAINT TRIGGER ledger_lines_balanced AFTER INSERT ON ledger_lines DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
