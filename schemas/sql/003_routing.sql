-- Routing (API.md §6): stores that refused or timed out on a prescription are never offered it again.

CREATE TABLE route_exclusions (
  prescription_id VARCHAR(40)  NOT NULL,
  store           VARCHAR(64)  NOT NULL,
  reason          VARCHAR(32)  NOT NULL,
  PRIMARY KEY (prescription_id, store)
){{TABLE_OPTIONS}};

-- Indexes
CREATE INDEX ix_prescriptions_store ON prescriptions (store, status);
