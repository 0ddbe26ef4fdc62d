-- A month's check-ins per cadre and village, kept as check-ins are written, so that a province's monthly attendance
-- (about 70,000 resident posts and 1.4 million check-ins a month) reads one row per post instead of grouping the month.
--
-- Days are bits (bit 0 = the 1st): on_post_days holds the days with an on-post check-in that was not late, log_days
-- the days with a daily log written with a check-in (late or not). Setting a bit and adding to a count commute, so two
-- check-ins written at once, in any order, leave the same row.
CREATE TABLE attendance_months (
    month              date    NOT NULL CHECK (month = date_trunc('month', month)::date),
    cadre_id           uuid    NOT NULL REFERENCES cadres (id),
    village_code       text COLLATE "C" NOT NULL,
    on_post_days       bigint  NOT NULL DEFAULT 0,
    log_days           bigint  NOT NULL DEFAULT 0,
    off_post_check_ins integer NOT NULL DEFAULT 0 CHECK (off_post_check_ins >= 0),
    late_check_ins     integer NOT NULL DEFAULT 0 CHECK (late_check_ins >= 0),
    PRIMARY KEY (month, cadre_id, village_code)
);

-- A day's bit in its month's set (bit 0 = the 1st).
CREATE FUNCTION day_bit(day date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 1::bigint << (extract(day FROM day)::integer - 1)
$$;

CREATE FUNCTION attendance_months_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO attendance_months AS m (month, cadre_id, village_code, on_post_days, log_days, off_post_check_ins, late_check_ins)
    SELECT date_trunc('month', day)::date, cadre_id, village_code,
           bit_or(CASE WHEN on_post AND NOT late THEN day_bit(day) ELSE 0 END),
           bit_or(CASE WHEN daily_log IS NOT NULL THEN day_bit(day) ELSE 0 END),
           count(*) FILTER (WHERE NOT on_post AND NOT late),
           count(*) FILTER (WHERE late)
    FROM new_rows
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (month, cadre_id, village_code) DO UPDATE
        SET on_post_days = m.on_post_days | EXCLUDED.on_post_days,
            log_days = m.log_days | EXCLUDED.log_days,
            off_post_check_ins = m.off_post_check_ins + EXCLUDED.off_post_check_ins,
            late_check_ins = m.late_check_ins + EXCLUDED.late_check_ins;
    RETURN NULL;
END
$$;

-- Check-ins are only ever added. Should an operator correct or remove some, the months they touch are counted again
-- from what is left (a transition table exists only for the operations its trigger names, hence the branches).
CREATE FUNCTION attendance_months_recount(months date[], cadres uuid[], villages text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM attendance_months m USING unnest(months, cadres, villages) AS t(month, cadre_id, village_code)
    WHERE m.month = t.month AND m.cadre_id = t.cadre_id AND m.village_code = t.village_code;
    INSERT INTO attendance_months (month, cadre_id, village_code, on_post_days, log_days, off_post_check_ins, late_check_ins)
    SELECT t.month, t.cadre_id, t.village_code,
           bit_or(CASE WHEN c.on_post AND NOT c.late THEN day_bit(c.day) ELSE 0 END),
           bit_or(CASE WHEN c.daily_log IS NOT NULL THEN day_bit(c.day) ELSE 0 END),
           count(*) FILTER (WHERE NOT c.on_post AND NOT c.late),
           count(*) FILTER (WHERE c.late)
    FROM (SELECT DISTINCT month, cadre_id, village_code FROM unnest(months, cadres, villages) AS u(month, cadre_id, village_code)) t
    JOIN check_ins c ON c.cadre_id = t.cadre_id AND c.village_code = t.village_code
                    AND c.day >= t.month AND c.day < (t.month + interval '1 month')::date
    GROUP BY t.month, t.cadre_id, t.village_code;
END
$$;

CREATE FUNCTION attendance_months_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    months date[];
    cadres uuid[];
    villages text[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(date_trunc('month', day)::date), array_agg(cadre_id), array_agg(village_code) INTO months, cadres, villages FROM old_rows;
    ELSE
        SELECT array_agg(month), array_agg(cadre_id), array_agg(village_code) INTO months, cadres, villages
        FROM (SELECT date_trunc('month', day)::date AS month, cadre_id, village_code FROM old_rows
              UNION
              SELECT date_trunc('month', day)::date, cadre_id, village_code FROM new_rows) t;
    END IF;
    IF months IS NOT NULL THEN
        PERFORM attendance_months_recount(months, cadres, villages);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION attendance_months_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM attendance_months;
    RETURN NULL;
END
$$;

CREATE TRIGGER attendance_months_insert AFTER INSERT ON check_ins
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_months_added();
CREATE TRIGGER attendance_months_update AFTER UPDATE ON check_ins
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_months_changed();
CREATE TRIGGER attendance_months_delete AFTER DELETE ON check_ins
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_months_changed();
CREATE TRIGGER attendance_months_truncate AFTER TRUNCATE ON check_ins
    FOR EACH STATEMENT EXECUTE FUNCTION attendance_months_truncated();

-- What is there already.
INSERT INTO attendance_months (month, cadre_id, village_code, on_post_days, log_days, off_post_check_ins, late_check_ins)
SELECT date_trunc('month', day)::date, cadre_id, village_code,
       bit_or(CASE WHEN on_post AND NOT late THEN day_bit(day) ELSE 0 END),
       bit_or(CASE WHEN daily_log IS NOT NULL THEN day_bit(day) ELSE 0 END),
       count(*) FILTER (WHERE NOT on_post AND NOT late),
       count(*) FILTER (WHERE late)
FROM check_ins
GROUP BY 1, 2, 3;
