-- Signed checkpoints over the audit chains' heads (API.md §7). Each lists the heads of the
-- chains that changed since the previous one and links to that one's digest; the unique
-- prev_digest keeps two processes from forking the checkpoint chain.

CREATE TABLE audit_checkpoints (
  id          {{AUTOINC_PK}},
  at          BIGINT       NOT NULL,
  prev_digest CHAR(64)     NOT NULL,
  heads       {{LONGTEXT}} NOT NULL,
  digest      CHAR(64)     NOT NULL,
  key_id      CHAR(16)     NOT NULL,
  signature   {{LONGTEXT}} NOT NULL
){{TABLE_OPTIONS}};

-- Indexes
CREATE UNIQUE INDEX uq_audit_checkpoints_prev ON audit_checkpoints (prev_digest);
CREATE INDEX ix_audit_events_at ON audit_events (at);
