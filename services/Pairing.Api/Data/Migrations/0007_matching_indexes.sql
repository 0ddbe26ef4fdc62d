-- A helper's load (responsible pairings open on a date, ended or not) is counted per cadre for every matching run and
-- commit; the partial index on open pairings cannot answer "ends_on IS NULL OR ends_on >= date".
CREATE INDEX ix_pairings_cadre_role ON pairings (cadre_id, role, ends_on);

-- Helpers of city and province units (division code ending the county digits with 00), found per county.
CREATE INDEX ix_helpers_upper_level ON helpers (unit_code) WHERE available AND substring(region_code, 5, 2) = '00';
