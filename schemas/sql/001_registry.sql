-- Principals and the registries of API.md §2, and the idempotency records of §1.
-- Markers filled in by server/store/Migrations.cpp per backend:
--   {{TABLE_OPTIONS}}  InnoDB / utf8mb4_bin on MySQL, nothing on SQLite
--   {{LONGTEXT}}       LONGTEXT on MySQL, TEXT on SQLite
--   {{AUTOINC_PK}}     an auto-increment BIGINT / INTEGER primary key
-- Times a program compares are epoch milliseconds (BIGINT); ids compare byte for byte.

CREATE TABLE principals (
  id          VARCHAR(40)  NOT NULL PRIMARY KEY,
  token_hash  CHAR(64)     NOT NULL,
  role        VARCHAR(16)  NOT NULL,
  org         VARCHAR(64)  NOT NULL,
  store       VARCHAR(64),
  name        VARCHAR(200) NOT NULL,
  created_at  BIGINT       NOT NULL
){{TABLE_OPTIONS}};

CREATE TABLE clinics (
  id          VARCHAR(64)  NOT NULL PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  region      CHAR(6)      NOT NULL,
  created_at  BIGINT       NOT NULL
){{TABLE_OPTIONS}};

CREATE TABLE doctors (
  license     VARCHAR(32)  NOT NULL PRIMARY KEY,
  name        VARCHAR(100) NOT NULL,
  active      SMALLINT     NOT NULL,
  updated_at  BIGINT       NOT NULL
){{TABLE_OPTIONS}};

CREATE TABLE doctor_clinics (
  license     VARCHAR(32)  NOT NULL,
  clinic_id   VARCHAR(64)  NOT NULL,
  PRIMARY KEY (license, clinic_id),
  CONSTRAINT fk_doctor_clinics_doctor FOREIGN KEY (license) REFERENCES doctors (license) ON DELETE CASCADE,
  CONSTRAINT fk_doctor_clinics_clinic FOREIGN KEY (clinic_id) REFERENCES clinics (id)
){{TABLE_OPTIONS}};

CREATE TABLE trust_anchors (
  id          VARCHAR(40)  NOT NULL PRIMARY KEY,
  subject     VARCHAR(1000) NOT NULL,
  fingerprint CHAR(64)     NOT NULL,
  pem         {{LONGTEXT}} NOT NULL,
  not_after   BIGINT       NOT NULL,
  created_at  BIGINT       NOT NULL
){{TABLE_OPTIONS}};

CREATE TABLE pharmacies (
  id             VARCHAR(64)  NOT NULL PRIMARY KEY,
  chain          VARCHAR(64)  NOT NULL,
  name           VARCHAR(200) NOT NULL,
  region         CHAR(6)      NOT NULL,
  district       VARCHAR(64)  NOT NULL,
  lat            VARCHAR(32)  NOT NULL,
  lon            VARCHAR(32)  NOT NULL,
  delivery       SMALLINT     NOT NULL,
  active         SMALLINT     NOT NULL,
  adapter_type   VARCHAR(16)  NOT NULL,
  adapter_url    VARCHAR(1000),
  adapter_secret {{LONGTEXT}},
  created_at     BIGINT       NOT NULL
){{TABLE_OPTIONS}};

-- The store's last published snapshot; `reserved` is what accepted prescriptions hold.
CREATE TABLE pharmacy_stock (
  store       VARCHAR(64)  NOT NULL,
  drug_code   VARCHAR(32)  NOT NULL,
  quantity    BIGINT       NOT NULL,
  reserved    BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (store, drug_code),
  CONSTRAINT fk_pharmacy_stock_store FOREIGN KEY (store) REFERENCES pharmacies (id)
){{TABLE_OPTIONS}};

CREATE TABLE couriers (
  id          VARCHAR(64)  NOT NULL PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  created_at  BIGINT       NOT NULL
){{TABLE_OPTIONS}};

-- API.md §1: the first response to (principal, key), sealed with the data key.
CREATE TABLE idempotency_keys (
  principal    VARCHAR(40)  NOT NULL,
  idem_key     VARCHAR(255) NOT NULL,
  request_hash CHAR(64)     NOT NULL,
  response     {{LONGTEXT}} NOT NULL,
  created_at   BIGINT       NOT NULL,
  PRIMARY KEY (principal, idem_key)
){{TABLE_OPTIONS}};

-- Indexes
CREATE UNIQUE INDEX uq_principals_token ON principals (token_hash);
CREATE UNIQUE INDEX uq_trust_anchors_fingerprint ON trust_anchors (fingerprint);
CREATE INDEX ix_pharmacies_region ON pharmacies (region, active);
CREATE INDEX ix_pharmacies_chain ON pharmacies (chain);
CREATE INDEX ix_idempotency_created ON idempotency_keys (created_at);
