-- Prescriptions (API.md §3-§5), the platform's public keys, and the audit trail (§7).
-- Personal data lives only inside the sealed `document` and `fulfillment` columns.

CREATE TABLE platform_keys (
  key_id      CHAR(16)     NOT NULL PRIMARY KEY,
  alg         VARCHAR(8)   NOT NULL,
  pem         {{LONGTEXT}} NOT NULL,
  active      SMALLINT     NOT NULL,
  created_at  BIGINT       NOT NULL
){{TABLE_OPTIONS}};

CREATE TABLE prescriptions (
  id               VARCHAR(40)  NOT NULL PRIMARY KEY,
  clinic_id        VARCHAR(64)  NOT NULL,
  rx_no            VARCHAR(64)  NOT NULL,
  status           VARCHAR(20)  NOT NULL,
  version          BIGINT       NOT NULL,
  doctor_license   VARCHAR(32)  NOT NULL,
  region           CHAR(6)      NOT NULL,
  patient_key      CHAR(64)     NOT NULL,
  issued_at        BIGINT       NOT NULL,
  expires_at       BIGINT       NOT NULL,
  created_at       BIGINT       NOT NULL,
  updated_at       BIGINT       NOT NULL,
  pickup_code_hash CHAR(64)     NOT NULL,
  store            VARCHAR(64),
  document         {{LONGTEXT}} NOT NULL,
  fulfillment      {{LONGTEXT}}
){{TABLE_OPTIONS}};

-- Item lines in clear (codes and quantities only) for routing and stock.
CREATE TABLE prescription_items (
  prescription_id VARCHAR(40)  NOT NULL,
  line            INT          NOT NULL,
  drug_code       VARCHAR(32)  NOT NULL,
  quantity        BIGINT       NOT NULL,
  PRIMARY KEY (prescription_id, line),
  CONSTRAINT fk_prescription_items FOREIGN KEY (prescription_id) REFERENCES prescriptions (id)
){{TABLE_OPTIONS}};

-- One hash chain per prescription (chain = its id) and one per other subject ("registry", ...).
CREATE TABLE audit_events (
  seq             {{AUTOINC_PK}},
  chain           VARCHAR(64)  NOT NULL,
  chain_seq       BIGINT       NOT NULL,
  at              BIGINT       NOT NULL,
  actor_role      VARCHAR(16)  NOT NULL,
  actor_org       VARCHAR(64)  NOT NULL,
  actor_principal VARCHAR(40)  NOT NULL,
  action          VARCHAR(40)  NOT NULL,
  prescription    VARCHAR(40),
  from_status     VARCHAR(20),
  to_status       VARCHAR(20),
  outcome         VARCHAR(16)  NOT NULL,
  detail          VARCHAR(500) NOT NULL,
  prev_hash       CHAR(64)     NOT NULL,
  hash            CHAR(64)     NOT NULL
){{TABLE_OPTIONS}};

-- Indexes
CREATE UNIQUE INDEX uq_prescriptions_rx_no ON prescriptions (clinic_id, rx_no);
CREATE INDEX ix_prescriptions_status ON prescriptions (status, expires_at);
CREATE INDEX ix_prescriptions_clinic ON prescriptions (clinic_id, created_at);
CREATE INDEX ix_prescriptions_patient ON prescriptions (patient_key);
CREATE UNIQUE INDEX uq_audit_chain ON audit_events (chain, chain_seq);
CREATE INDEX ix_audit_prescription ON audit_events (prescription, chain_seq);
