-- The sixth "one" (a responsible helper for every household) per village, kept as the facts change so that a province's
-- coverage (about 2 million households) is read from tens of thousands of rows, not counted per request.
--
-- households: the village's registered households.
-- open_responsible: its households with an open responsible pairing (ends_on IS NULL). There is at most one per household
-- at any time (one_responsible_helper_per_household), so this counts households. A day's exact count adds the few
-- pairings that end on or after that day and subtracts the open ones that start after it (VillageHelperCoverage).
--
-- Statement triggers with transition tables keep it: an import of a hundred thousand pairings updates each village once,
-- and every path that writes households or pairings (REST, gRPC, imports, matching, consumers) is covered.
CREATE TABLE village_helper_counts (
    village_code     text COLLATE "C" PRIMARY KEY REFERENCES villages (code),
    households       integer NOT NULL CHECK (households >= 0),
    open_responsible integer NOT NULL CHECK (open_responsible >= 0 AND open_responsible <= households)
);

INSERT INTO village_helper_counts (village_code, households, open_responsible)
SELECT h.village_code, count(*), count(p.household_id)
FROM households h
LEFT JOIN (SELECT DISTINCT household_id FROM pairings WHERE role = 'responsible' AND ends_on IS NULL) p ON p.household_id = h.id
GROUP BY h.village_code;

-- Adds per-village differences. The rows are created and locked in code order first, so that two writers touching the
-- same villages never wait on each other in a cycle.
CREATE FUNCTION apply_village_helper_deltas(codes text[], household_deltas integer[], open_deltas integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO village_helper_counts (village_code, households, open_responsible)
    SELECT code, 0, 0 FROM unnest(codes) AS code ORDER BY code COLLATE "C"
    ON CONFLICT (village_code) DO NOTHING;
    PERFORM 1 FROM village_helper_counts WHERE village_code = ANY (codes) ORDER BY village_code FOR UPDATE;
    UPDATE village_helper_counts c
    SET households = c.households + d.households, open_responsible = c.open_responsible + d.open_responsible
    FROM unnest(codes, household_deltas, open_deltas) AS d(village_code, households, open_responsible)
    WHERE c.village_code = d.village_code;
END
$$;

-- A transition table exists only for the operations its trigger names, so each branch reads only its own.
CREATE FUNCTION village_helper_counts_households() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    codes text[];
    household_deltas integer[];
    open_deltas integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(village_code), array_agg(n), array_agg(0) INTO codes, household_deltas, open_deltas
        FROM (SELECT village_code, count(*)::integer AS n FROM new_rows GROUP BY village_code) g;
    ELSIF TG_OP = 'DELETE' THEN
        -- A household's pairings reference it: they, and their counts, are gone before it.
        SELECT array_agg(village_code), array_agg(-n), array_agg(0) INTO codes, household_deltas, open_deltas
        FROM (SELECT village_code, count(*)::integer AS n FROM old_rows GROUP BY village_code) g;
    ELSE
        -- A household that moves village takes its open responsible pairing with it.
        WITH moved AS (
            SELECT o.village_code AS old_village, n.village_code AS new_village,
                   EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = n.id AND p.role = 'responsible' AND p.ends_on IS NULL) AS helped
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.village_code <> n.village_code
        ), changes AS (
            SELECT new_village AS village_code, 1 AS households, CASE WHEN helped THEN 1 ELSE 0 END AS open_responsible FROM moved
            UNION ALL
            SELECT old_village, -1, CASE WHEN helped THEN -1 ELSE 0 END FROM moved
        )
        SELECT array_agg(village_code), array_agg(households), array_agg(open_responsible) INTO codes, household_deltas, open_deltas
        FROM (SELECT village_code, sum(households)::integer AS households, sum(open_responsible)::integer AS open_responsible
              FROM changes GROUP BY village_code) g;
    END IF;
    IF codes IS NOT NULL THEN
        PERFORM apply_village_helper_deltas(codes, household_deltas, open_deltas);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION village_helper_counts_pairings() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    codes text[];
    household_deltas integer[];
    open_deltas integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(village_code), array_agg(0), array_agg(n) INTO codes, household_deltas, open_deltas
        FROM (SELECT h.village_code, count(*)::integer AS n
              FROM new_rows p JOIN households h ON h.id = p.household_id
              WHERE p.role = 'responsible' AND p.ends_on IS NULL GROUP BY h.village_code) g;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(village_code), array_agg(0), array_agg(-n) INTO codes, household_deltas, open_deltas
        FROM (SELECT h.village_code, count(*)::integer AS n
              FROM old_rows p JOIN households h ON h.id = p.household_id
              WHERE p.role = 'responsible' AND p.ends_on IS NULL GROUP BY h.village_code) g;
    ELSE
        SELECT array_agg(village_code), array_agg(0), array_agg(n) INTO codes, household_deltas, open_deltas
        FROM (SELECT h.village_code, sum(c.delta)::integer AS n
              FROM (SELECT household_id, 1 AS delta FROM new_rows WHERE role = 'responsible' AND ends_on IS NULL
                    UNION ALL
                    SELECT household_id, -1 FROM old_rows WHERE role = 'responsible' AND ends_on IS NULL) c
              JOIN households h ON h.id = c.household_id
              GROUP BY h.village_code HAVING sum(c.delta) <> 0) g;
    END IF;
    IF codes IS NOT NULL THEN
        PERFORM apply_village_helper_deltas(codes, household_deltas, open_deltas);
    END IF;
    RETURN NULL;
END
$$;

-- TRUNCATE fires no row or statement trigger of the kinds above: start the counts again from nothing.
CREATE FUNCTION village_helper_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'households' THEN
        DELETE FROM village_helper_counts;
    ELSE
        UPDATE village_helper_counts SET open_responsible = 0 WHERE open_responsible <> 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER village_helper_counts_household_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_households();
CREATE TRIGGER village_helper_counts_household_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_households();
CREATE TRIGGER village_helper_counts_household_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_households();
CREATE TRIGGER village_helper_counts_household_truncate AFTER TRUNCATE ON households
    FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_truncated();

CREATE TRIGGER village_helper_counts_pairing_insert AFTER INSERT ON pairings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_pairings();
CREATE TRIGGER village_helper_counts_pairing_delete AFTER DELETE ON pairings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_pairings();
CREATE TRIGGER village_helper_counts_pairing_update AFTER UPDATE ON pairings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_pairings();
CREATE TRIGGER village_helper_counts_pairing_truncate AFTER TRUNCATE ON pairings
    FOR EACH STATEMENT EXECUTE FUNCTION village_helper_counts_truncated();

-- The day's corrections read only the pairings whose period is not simply "open since a past day".
CREATE INDEX ix_pairings_responsible_ended ON pairings (ends_on) WHERE role = 'responsible' AND ends_on IS NOT NULL;
CREATE INDEX ix_pairings_responsible_open_start ON pairings (starts_on) WHERE role = 'responsible' AND ends_on IS NULL;
