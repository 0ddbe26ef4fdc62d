-- Transactional outbox: an event row is written in the same transaction as the change that caused it.
-- The relay publishes rows with id as MessageId and marks them; a row is never deleted before it is published.
CREATE TABLE outbox_messages (
    id              uuid PRIMARY KEY,
    message_type    text        NOT NULL,
    payload         jsonb       NOT NULL,
    trace_parent    text        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text        NULL,
    published_at    timestamptz NULL
);

CREATE INDEX ix_outbox_messages_pending ON outbox_messages (next_attempt_at, created_at) WHERE published_at IS NULL;
CREATE INDEX ix_outbox_messages_published ON outbox_messages (published_at) WHERE published_at IS NOT NULL;

-- Inbox: one row per (message, consumer), inserted in the consumer's own transaction, so an effect happens once
-- even when the broker delivers a message twice.
CREATE TABLE inbox_messages (
    message_id  uuid        NOT NULL,
    consumer    text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, consumer)
);
