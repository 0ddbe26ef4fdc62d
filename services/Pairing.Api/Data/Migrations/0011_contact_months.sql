-- Contact compliance (每月联系、两月走访) per village and month, kept as contacts are written, so that a province's
-- compliance by region (about 2 million households) is read from village rows, not worked out per household.
--
-- household_contact_months: a row when the household had a contact (call or visit) in the month; visited when one of
-- them was a visit. The flags are only ever set, so two writers in any order leave the same row.
CREATE TABLE household_contact_months (
    household_id uuid    NOT NULL REFERENCES households (id),
    month        date    NOT NULL CHECK (month = date_trunc('month', month)::date),
    visited      boolean NOT NULL,
    PRIMARY KEY (household_id, month)
);

-- village_contact_months: of the village's households, how many had a contact in the month (contacted), a visit in the
-- month or the month before (visited, the two-month rule), and both (compliant). Households without a contact in either
-- month have no row here: a village's overdue households are its households (village_helper_counts) minus compliant.
CREATE TABLE village_contact_months (
    month        date    NOT NULL,
    village_code text COLLATE "C" NOT NULL REFERENCES villages (code),
    contacted    integer NOT NULL CHECK (contacted >= 0),
    visited      integer NOT NULL CHECK (visited >= 0),
    compliant    integer NOT NULL CHECK (compliant >= 0 AND compliant <= contacted AND compliant <= visited),
    PRIMARY KEY (month, village_code)
);

-- Counts the given villages' given months again from household_contact_months. Their counties are locked (transaction
-- advisory locks, in code order) before they are counted, so a writer counts after any other writer of the county has
-- committed (each statement of a READ COMMITTED transaction reads afresh) and two writers never wait in a cycle. A lock
-- per county, not per village: an operation over a whole province takes at most a few hundred locks, within the
-- server's lock table.
CREATE FUNCTION recount_village_contact_months(villages text[], months date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('village_contact_months:' || county, 0))
    FROM (SELECT DISTINCT substr(v, 1, 6) AS county FROM unnest(villages) AS v ORDER BY 1) AS ordered;
    DELETE FROM village_contact_months c USING unnest(villages, months) AS t(village_code, month)
    WHERE c.village_code = t.village_code AND c.month = t.month;
    INSERT INTO village_contact_months (month, village_code, contacted, visited, compliant)
    SELECT t.month, t.village_code,
           count(*) FILTER (WHERE cur.household_id IS NOT NULL),
           count(*) FILTER (WHERE cur.visited OR prev.visited),
           count(*) FILTER (WHERE cur.household_id IS NOT NULL AND (cur.visited OR prev.visited))
    FROM (SELECT DISTINCT village_code, month FROM unnest(villages, months) AS u(village_code, month)) t
    JOIN households h ON h.village_code = t.village_code
    LEFT JOIN household_contact_months cur ON cur.household_id = h.id AND cur.month = t.month
    LEFT JOIN household_contact_months prev ON prev.household_id = h.id AND prev.month = (t.month - interval '1 month')::date
    WHERE cur.household_id IS NOT NULL OR prev.visited
    GROUP BY t.month, t.village_code;
END
$$;

-- Contacts are added (one by one or by import): their households' month flags are set, then the villages' month of
-- the contact and the month after it (whose two-month visit window it also falls in) are counted again.
CREATE FUNCTION contact_months_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    villages text[];
    months date[];
BEGIN
    INSERT INTO household_contact_months AS m (household_id, month, visited)
    SELECT household_id, date_trunc('month', contacted_on)::date, bool_or(kind = 'visit')
    FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (household_id, month) DO UPDATE SET visited = m.visited OR EXCLUDED.visited
    WHERE EXCLUDED.visited AND NOT m.visited;
    SELECT array_agg(village_code), array_agg(month) INTO villages, months
    FROM (SELECT DISTINCT h.village_code, x.month
          FROM (SELECT DISTINCT household_id, date_trunc('month', contacted_on)::date AS m FROM new_rows) n
          JOIN households h ON h.id = n.household_id
          CROSS JOIN LATERAL (VALUES (n.m), ((n.m + interval '1 month')::date)) AS x(month)) t;
    IF villages IS NOT NULL THEN
        PERFORM recount_village_contact_months(villages, months);
    END IF;
    RETURN NULL;
END
$$;

-- Contacts are never changed or removed by the platform. Should an operator do it, the households' months are set
-- again from the contacts left, and their villages counted again.
CREATE FUNCTION contact_months_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched uuid[];
    villages text[];
    months date[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT household_id) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT household_id) INTO touched FROM (SELECT household_id FROM old_rows UNION SELECT household_id FROM new_rows) t;
    END IF;
    IF touched IS NULL THEN
        RETURN NULL;
    END IF;
    -- Every month the households had or now have, and the month after each.
    SELECT array_agg(village_code), array_agg(month) INTO villages, months
    FROM (SELECT DISTINCT h.village_code, x.month
          FROM (SELECT household_id, month FROM household_contact_months WHERE household_id = ANY (touched)
                UNION
                SELECT household_id, date_trunc('month', contacted_on)::date FROM contact_records WHERE household_id = ANY (touched)) n
          JOIN households h ON h.id = n.household_id
          CROSS JOIN LATERAL (VALUES (n.month), ((n.month + interval '1 month')::date)) AS x(month)) t;
    DELETE FROM household_contact_months WHERE household_id = ANY (touched);
    INSERT INTO household_contact_months (household_id, month, visited)
    SELECT household_id, date_trunc('month', contacted_on)::date, bool_or(kind = 'visit')
    FROM contact_records WHERE household_id = ANY (touched) GROUP BY 1, 2;
    IF villages IS NOT NULL THEN
        PERFORM recount_village_contact_months(villages, months);
    END IF;
    RETURN NULL;
END
$$;

-- A household that moves village takes its months with it: both villages are counted again, every month they have.
CREATE FUNCTION contact_months_household_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    villages text[];
    months date[];
BEGIN
    SELECT array_agg(village_code), array_agg(month) INTO villages, months
    FROM (SELECT DISTINCT v.village_code, x.month
          FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.village_code <> o.village_code
          CROSS JOIN LATERAL (VALUES (o.village_code), (n.village_code)) AS v(village_code)
          JOIN household_contact_months c ON c.household_id = n.id
          CROSS JOIN LATERAL (VALUES (c.month), ((c.month + interval '1 month')::date)) AS x(month)) t;
    IF villages IS NOT NULL THEN
        PERFORM recount_village_contact_months(villages, months);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION contact_months_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM household_contact_months;
    DELETE FROM village_contact_months;
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_months_insert AFTER INSERT ON contact_records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_months_added();
CREATE TRIGGER contact_months_update AFTER UPDATE ON contact_records
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_months_changed();
CREATE TRIGGER contact_months_delete AFTER DELETE ON contact_records
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_months_changed();
CREATE TRIGGER contact_months_truncate AFTER TRUNCATE ON contact_records
    FOR EACH STATEMENT EXECUTE FUNCTION contact_months_truncated();
CREATE TRIGGER contact_months_household_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_months_household_moved();

-- What is there already.
INSERT INTO household_contact_months (household_id, month, visited)
SELECT household_id, date_trunc('month', contacted_on)::date, bool_or(kind = 'visit')
FROM contact_records GROUP BY 1, 2;

INSERT INTO village_contact_months (month, village_code, contacted, visited, compliant)
SELECT s.month, h.village_code,
       count(*) FILTER (WHERE s.contacted), count(*) FILTER (WHERE s.visited), count(*) FILTER (WHERE s.contacted AND s.visited)
FROM (SELECT coalesce(cur.household_id, prev.household_id) AS household_id, coalesce(cur.month, (prev.month + interval '1 month')::date) AS month,
             cur.household_id IS NOT NULL AS contacted, coalesce(cur.visited, false) OR coalesce(prev.visited, false) AS visited
      FROM household_contact_months cur
      FULL JOIN (SELECT * FROM household_contact_months WHERE visited) prev
        ON prev.household_id = cur.household_id AND (prev.month + interval '1 month')::date = cur.month) s
JOIN households h ON h.id = s.household_id
GROUP BY s.month, h.village_code;
