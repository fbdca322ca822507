-- Reconciliation runs (对账, API.md §8): one row per run with both sides' totals, and its
-- discrepancies. A run is written whole in one transaction, with its audit event on the
-- `reconciliation` chain, or not at all (a malformed statement stores nothing).

CREATE TABLE reconciliation_runs (
  id               VARCHAR(40)  NOT NULL PRIMARY KEY,
  day              CHAR(10)     NOT NULL,
  region           CHAR(6)      NOT NULL,
  format           VARCHAR(8)   NOT NULL,
  statement_sha256 CHAR(64)     NOT NULL,
  platform_count   BIGINT       NOT NULL,
  platform_total   BIGINT       NOT NULL,
  platform_fund    BIGINT       NOT NULL,
  platform_account BIGINT       NOT NULL,
  platform_cash    BIGINT       NOT NULL,
  bureau_count     BIGINT       NOT NULL,
  bureau_total     BIGINT       NOT NULL,
  bureau_fund      BIGINT       NOT NULL,
  bureau_account   BIGINT       NOT NULL,
  bureau_cash      BIGINT       NOT NULL,
  matched          BIGINT       NOT NULL,
  discrepancies    BIGINT       NOT NULL,
  run_by_role      VARCHAR(16)  NOT NULL,
  run_by_org       VARCHAR(64)  NOT NULL,
  created_at       BIGINT       NOT NULL
){{TABLE_OPTIONS}};

CREATE TABLE reconciliation_discrepancies (
  run_id           VARCHAR(40)  NOT NULL,
  seq              INT          NOT NULL,
  kind             VARCHAR(32)  NOT NULL,
  settlement_id    VARCHAR(64)  NOT NULL,
  fields           VARCHAR(64),
  platform         VARCHAR(200),
  bureau           VARCHAR(200),
  PRIMARY KEY (run_id, seq)
){{TABLE_OPTIONS}};

-- Indexes
CREATE INDEX ix_reconciliation_runs_day ON reconciliation_runs (region, day);
