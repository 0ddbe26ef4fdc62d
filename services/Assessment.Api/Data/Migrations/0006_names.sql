-- Names for codes, copied from dispatch's registry before a month is scored (dispatch.v1.VillageRegistry/ListRegions and
-- Personnel/ListUnits): rankings, explanations, exports and bulletins show 通川区 rather than 511702. A name is updated
-- when dispatch's changes; a code dispatch does not know keeps showing as its code.
CREATE TABLE region_names (
    code        text        COLLATE "C" PRIMARY KEY,
    name        text        NOT NULL,
    level       text        NOT NULL,
    parent_code text        COLLATE "C" NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE unit_names (
    code        text        COLLATE "C" PRIMARY KEY,
    name        text        NOT NULL,
    region_code text        COLLATE "C" NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
