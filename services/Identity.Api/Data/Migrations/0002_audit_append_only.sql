-- The audit is append-only: an UPDATE, DELETE or TRUNCATE of audit_events fails, whoever runs it.
CREATE FUNCTION identity_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only (%)', TG_OP USING ERRCODE = 'P0001';
END;
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION identity_refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION identity_refuse_audit_change();
