-- Payments (API.md §4, §8), dispensing with the patient's pickup code, courier deliveries.

ALTER TABLE prescriptions ADD COLUMN pickup_failures INT NOT NULL DEFAULT 0;

CREATE TABLE payments (
  settlement_id   VARCHAR(64)  NOT NULL PRIMARY KEY,
  prescription_id VARCHAR(40)  NOT NULL,
  region          CHAR(6)      NOT NULL,
  kind            VARCHAR(16)  NOT NULL,
  pay_order_id    VARCHAR(64)  NOT NULL,
  total           BIGINT       NOT NULL,
  fund            BIGINT       NOT NULL,
  account         BIGINT       NOT NULL,
  cash            BIGINT       NOT NULL,
  paid_at         BIGINT       NOT NULL,
  paid_at_text    VARCHAR(40)  NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  posted_role     VARCHAR(16)  NOT NULL,
  posted_org      VARCHAR(64)  NOT NULL,
  created_at      BIGINT       NOT NULL
){{TABLE_OPTIONS}};

CREATE TABLE deliveries (
  id              VARCHAR(40)  NOT NULL PRIMARY KEY,
  prescription_id VARCHAR(40)  NOT NULL,
  courier         VARCHAR(64)  NOT NULL,
  stage           VARCHAR(16)  NOT NULL,
  created_at      BIGINT       NOT NULL,
  updated_at      BIGINT       NOT NULL
){{TABLE_OPTIONS}};

-- Indexes
CREATE INDEX ix_payments_prescription ON payments (prescription_id);
CREATE INDEX ix_payments_region_day ON payments (region, paid_at);
CREATE INDEX ix_deliveries_prescription ON deliveries (prescription_id);
CREATE INDEX ix_deliveries_courier ON deliveries (courier, stage);
