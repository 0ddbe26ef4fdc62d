-- Templates (模板): one row per version of a rule's text; the highest version is current. Placeholders {name} are
-- checked against the rule's variables when a version is saved (Domain/Rules.cs).
CREATE TABLE templates (
    rule       text        NOT NULL,
    version    integer     NOT NULL,
    title      text        NOT NULL,
    body       text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule, version)
);

-- A rendered notification to one recipient for one cause (event id + rule + recipient), with the text it was sent
-- with and the template version that produced it. It shows in the recipient's inbox once its in_app delivery is sent.
CREATE TABLE notifications (
    id               uuid        PRIMARY KEY,
    cause_key        text        NOT NULL UNIQUE,
    source_id        text        NOT NULL,
    rule             text        NOT NULL,
    recipient        text        NOT NULL,
    region_code      text        COLLATE "C" NOT NULL,
    urgent           boolean     NOT NULL,
    template_version integer     NULL,
    title            text        NOT NULL,
    body             text        NOT NULL,
    variables        jsonb       NOT NULL,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz NULL,
    read_at          timestamptz NULL
);

CREATE INDEX ix_notifications_inbox ON notifications (recipient, created_at DESC) WHERE delivered_at IS NOT NULL;
CREATE INDEX ix_notifications_unread ON notifications (recipient) WHERE delivered_at IS NOT NULL AND read_at IS NULL;
CREATE INDEX ix_notifications_region ON notifications (region_code, created_at);

-- Webhook subscriptions of other systems: event types within a division-code prefix, signed with a per-subscription
-- secret (shown once at creation).
CREATE TABLE subscriptions (
    id            uuid        PRIMARY KEY,
    owner         text        NOT NULL,
    region_prefix text        COLLATE "C" NOT NULL,
    url           text        NOT NULL,
    event_types   text[]      NOT NULL,
    secret        text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('active', 'paused')),
    created_at    timestamptz NOT NULL,
    deleted_at    timestamptz NULL
);

CREATE INDEX ix_subscriptions_active ON subscriptions USING gin (event_types) WHERE status = 'active' AND deleted_at IS NULL;

-- One delivery per cause and channel, whatever happens: a redelivered event or a restarted service finds the row.
-- A worker claims due rows (FOR UPDATE SKIP LOCKED) with a lease; a row whose lease ran out is due again.
CREATE TABLE deliveries (
    id              uuid        PRIMARY KEY,
    cause_key       text        NOT NULL,
    channel         text        NOT NULL,
    notification_id uuid        NULL REFERENCES notifications (id),
    subscription_id uuid        NULL REFERENCES subscriptions (id),
    address         text        NOT NULL,
    event_type      text        NULL,
    payload         jsonb       NULL,
    region_code     text        COLLATE "C" NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'held_quiet_hours', 'sending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz NULL,
    give_up_at      timestamptz NOT NULL,
    last_error      text        NULL,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz NULL,
    UNIQUE (cause_key, channel)
);

CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('pending', 'held_quiet_hours', 'sending');
CREATE INDEX ix_deliveries_notification ON deliveries (notification_id);
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, state, created_at);

-- What the local channel adapters (sms, wechat, email) would have sent: no external network in this environment.
CREATE TABLE local_channel_messages (
    delivery_id uuid        PRIMARY KEY REFERENCES deliveries (id),
    channel     text        NOT NULL,
    address     text        NOT NULL,
    text        text        NOT NULL,
    recorded_at timestamptz NOT NULL
);

-- Each occurrence of a scheduled job runs once across replicas: the INSERT of (job, occurrence) decides who runs it,
-- and the job's effect commits with it.
CREATE TABLE job_occurrences (
    job        text        NOT NULL,
    occurrence timestamptz NOT NULL,
    runner     text        NOT NULL,
    ran_at     timestamptz NOT NULL,
    produced   integer     NOT NULL,
    PRIMARY KEY (job, occurrence)
);

-- Village forces found missing, followed up by the coverage-gap job after N days while still missing.
CREATE TABLE coverage_gaps (
    village_code text        COLLATE "C" NOT NULL,
    force        text        NOT NULL,
    opened_on    date        NOT NULL,
    closed_on    date        NULL,
    PRIMARY KEY (village_code, force, opened_on)
);
