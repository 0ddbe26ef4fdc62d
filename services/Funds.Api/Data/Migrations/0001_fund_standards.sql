-- Fund standards (经费标准) as data: the minimum amount of each item, per year and region. A row applies from its year on
-- until a later year's row of the same region and item; within a year the highest version counts. Region '' is the
-- province default (domain.md §5); a province, city or county may raise a minimum, never lower it (checked by the
-- service against the region's chain, which the rows of wider regions decide). Rows are never changed: a new version
-- records who set what, when and why.
CREATE TABLE fund_standards (
    id          uuid        PRIMARY KEY,
    item        text        NOT NULL,
    year        integer     NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    region_code text        COLLATE "C" NOT NULL CHECK (region_code ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})?$'),
    version     integer     NOT NULL CHECK (version > 0),
    amount_fen  bigint      NOT NULL CHECK (amount_fen >= 0),
    reason      text        NOT NULL,
    set_by      text        NOT NULL,
    set_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (item, region_code, year, version)
);

CREATE FUNCTION funds_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER fund_standards_append_only BEFORE UPDATE OR DELETE ON fund_standards FOR EACH ROW EXECUTE FUNCTION funds_refuse_change();
CREATE TRIGGER fund_standards_no_truncate BEFORE TRUNCATE ON fund_standards FOR EACH STATEMENT EXECUTE FUNCTION funds_refuse_change();

-- The province defaults of domain.md §5, in fen (1 CNY = 100 fen), from 2000 on.
INSERT INTO fund_standards (id, item, year, region_code, version, amount_fen, reason, set_by) VALUES
    (gen_random_uuid(), 'first_secretary_poor_village',      2000, '', 1,  1000000, '省定默认标准（贫困村第一书记工作经费每年不少于1万元）', 'migration'),
    (gen_random_uuid(), 'first_secretary_non_poor_village',  2000, '', 1,   500000, '省定默认标准（非贫困村第一书记工作经费每年不少于5000元）', 'migration'),
    (gen_random_uuid(), 'agricultural_technician',           2000, '', 1,   800000, '省定默认标准（农技员工作经费每年不少于8000元）', 'migration'),
    (gen_random_uuid(), 'party_organisation',                2000, '', 1,   500000, '省定默认标准（每个基层党组织工作经费每年不少于5000元）', 'migration'),
    (gen_random_uuid(), 'party_member_education',            2000, '', 1,    10000, '省定默认标准（党员教育经费每人每年不少于100元）', 'migration'),
    (gen_random_uuid(), 'village_secretary_pay',             2000, '', 1,   200000, '省定默认标准（村党组织书记报酬每月2000元）', 'migration'),
    (gen_random_uuid(), 'industry_support_poor_village',     2000, '', 1, 30000000, '省定默认标准（贫困村产业扶持资金30万元）', 'migration'),
    (gen_random_uuid(), 'industry_support_non_poor_village', 2000, '', 1, 20000000, '省定默认标准（非贫困村产业扶持资金20万元）', 'migration'),
    (gen_random_uuid(), 'industry_start_award',              2000, '', 1,   100000, '省定默认标准（贫困户发展产业奖补每户1000元）', 'migration');
