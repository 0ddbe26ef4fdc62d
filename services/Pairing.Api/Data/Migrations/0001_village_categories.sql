-- Pairing's own copy of each village's category, kept from dispatch's VillageCategoryChanged events.
-- It tells which poor households live in non-poor villages (scattered, 插花贫困户) without a call to dispatch.
CREATE TABLE villages (
    code       text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
    name       text        NOT NULL,
    category   text        NOT NULL,
    changed_at timestamptz NOT NULL
);

-- Every change received, so a household's history can show when its village exited.
CREATE TABLE village_category_history (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    village_code      text COLLATE "C" NOT NULL,
    previous_category text        NULL,
    category          text        NOT NULL,
    reason            text        NOT NULL,
    changed_at        timestamptz NOT NULL,
    message_id        uuid        NOT NULL
);

CREATE INDEX ix_village_category_history_village ON village_category_history (village_code, changed_at);
