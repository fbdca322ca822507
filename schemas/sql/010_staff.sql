-- The people of API.md §11: staff accounts, the stores each may work for, their sessions, the
-- lockout counters of logins, the audit actor's staff member, and the pharmacists' reviews.

CREATE TABLE staff (
  id            VARCHAR(40)  NOT NULL PRIMARY KEY,
  login         VARCHAR(64)  NOT NULL,
  kind          VARCHAR(16)  NOT NULL,
  org           VARCHAR(64)  NOT NULL,
  name          VARCHAR(100) NOT NULL,
  license       VARCHAR(32),
  phone         VARCHAR(32),
  password_hash VARCHAR(200) NOT NULL,
  active        SMALLINT     NOT NULL,
  created_at    BIGINT       NOT NULL,
  updated_at    BIGINT       NOT NULL
){{TABLE_OPTIONS}};
CREATE UNIQUE INDEX uq_staff_login ON staff (login);
CREATE UNIQUE INDEX uq_staff_license ON staff (license);
CREATE INDEX ix_staff_org ON staff (org, id);

CREATE TABLE staff_stores (
  staff_id  VARCHAR(40) NOT NULL,
  store     VARCHAR(64) NOT NULL,
  PRIMARY KEY (staff_id, store),
  CONSTRAINT fk_staff_stores_staff FOREIGN KEY (staff_id) REFERENCES staff (id) ON DELETE CASCADE,
  CONSTRAINT fk_staff_stores_store FOREIGN KEY (store) REFERENCES pharmacies (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_staff_stores_store ON staff_stores (store);

-- A session is found by the SHA-256 of its token; its CSRF token is kept as a hash too.
-- `ended_at` is set at logout, on deactivation and on a new password. The member as it acts
-- (kind, org, name, license, its stores comma-separated) is copied in, and rewritten with each
-- change of the member, so every request reads one row by its key and nothing else.
CREATE TABLE staff_sessions (
  token_hash   CHAR(64)    NOT NULL PRIMARY KEY,
  id           VARCHAR(40) NOT NULL,
  staff_id     VARCHAR(40) NOT NULL,
  csrf_hash    CHAR(64)    NOT NULL,
  kind         VARCHAR(16) NOT NULL,
  org          VARCHAR(64) NOT NULL,
  name         VARCHAR(100) NOT NULL,
  license      VARCHAR(32),
  stores       {{LONGTEXT}},
  created_at   BIGINT      NOT NULL,
  last_seen_at BIGINT      NOT NULL,
  expires_at   BIGINT      NOT NULL,
  ended_at     BIGINT,
  CONSTRAINT fk_staff_sessions_staff FOREIGN KEY (staff_id) REFERENCES staff (id)
){{TABLE_OPTIONS}};
CREATE INDEX ix_staff_sessions_staff ON staff_sessions (staff_id);

-- Wrong passwords per login (known or not, so a lock tells nothing of whether it exists).
CREATE TABLE login_failures (
  login         VARCHAR(64) NOT NULL PRIMARY KEY,
  window_start  BIGINT      NOT NULL,
  failures      INTEGER     NOT NULL,
  locked_until  BIGINT      NOT NULL
){{TABLE_OPTIONS}};

-- The staff member who acted, beside the principal whose organisation they act for.
ALTER TABLE audit_events ADD COLUMN actor_staff_id VARCHAR(40) NULL;
ALTER TABLE audit_events ADD COLUMN actor_staff_kind VARCHAR(16) NULL;
ALTER TABLE audit_events ADD COLUMN actor_staff_name VARCHAR(100) NULL;
ALTER TABLE audit_events ADD COLUMN actor_staff_license VARCHAR(32) NULL;

-- 审方: each review of a prescription, with the pharmacist's signature exactly as sent.
CREATE TABLE reviews (
  id              {{AUTOINC_PK}},
  prescription_id VARCHAR(40)  NOT NULL,
  decision        VARCHAR(16)  NOT NULL,
  reason_code     VARCHAR(32),
  reason          {{LONGTEXT}},
  version         BIGINT       NOT NULL,
  reviewed_at     VARCHAR(40)  NOT NULL,
  pharmacist_name VARCHAR(100) NOT NULL,
  license         VARCHAR(32)  NOT NULL,
  signature       {{LONGTEXT}},
  created_at      BIGINT       NOT NULL
){{TABLE_OPTIONS}};
CREATE INDEX ix_reviews_prescription ON reviews (prescription_id, id);
