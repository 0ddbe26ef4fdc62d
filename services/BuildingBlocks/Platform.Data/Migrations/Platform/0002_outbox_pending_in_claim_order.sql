-- The relay claims the oldest due rows (ORDER BY created_at, id): an index in that order lets it stop after one batch,
-- where the old index (next_attempt_at, created_at) made it read and sort every pending row for each batch, so a
-- backlog slowed its own draining.
DROP INDEX ix_outbox_messages_pending;
CREATE INDEX ix_outbox_messages_pending ON outbox_messages (created_at, id) WHERE published_at IS NULL;
