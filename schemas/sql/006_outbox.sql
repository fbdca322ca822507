-- The transactional outbox (DESIGN.md "Adapters"): what rxflow must push to a store's system or a
-- courier company, written in the transaction of the change that caused it and delivered by
-- the dispatcher (server/jobs/OutboxDispatcher). A row is claimed by setting lease_owner and
-- lease_until in a transaction of its own, so any number of processes may dispatch; a claim
-- whose process died runs out and the row is delivered again (with the same event_id, which
-- receivers use to drop duplicates).
--   target_kind   store | courier; the URL and secret are read from that registry at delivery
--   status        pending -> delivered, or -> dead after max attempts (retried by an admin)
--   ordering_key  one prescription's messages to one target are delivered in order

CREATE TABLE outbox_messages (
  id              {{AUTOINC_PK}},
  event_id        VARCHAR(40)  NOT NULL,
  event_type      VARCHAR(40)  NOT NULL,
  target_kind     VARCHAR(16)  NOT NULL,
  target_id       VARCHAR(64)  NOT NULL,
  adapter_type    VARCHAR(16)  NOT NULL,
  prescription_id VARCHAR(40)  NOT NULL,
  ordering_key    VARCHAR(120) NOT NULL,
  content_type    VARCHAR(64)  NOT NULL,
  body            {{LONGTEXT}} NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  attempts        INT          NOT NULL DEFAULT 0,
  next_attempt_at BIGINT       NOT NULL,
  lease_owner     VARCHAR(64),
  lease_until     BIGINT       NOT NULL DEFAULT 0,
  last_error      VARCHAR(500),
  last_status     INT          NOT NULL DEFAULT 0,
  created_at      BIGINT       NOT NULL,
  updated_at      BIGINT       NOT NULL,
  delivered_at    BIGINT
){{TABLE_OPTIONS}};

-- Couriers that want to be told of a hand-over (API.md §2 couriers, `webhook`).
ALTER TABLE couriers ADD COLUMN webhook_url VARCHAR(1000);
ALTER TABLE couriers ADD COLUMN webhook_secret {{LONGTEXT}};

-- Indexes
CREATE UNIQUE INDEX uq_outbox_event ON outbox_messages (event_id);
CREATE INDEX ix_outbox_due ON outbox_messages (status, next_attempt_at);
CREATE INDEX ix_outbox_ordering ON outbox_messages (ordering_key, status, id);
