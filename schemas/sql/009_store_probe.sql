-- Storage faults (API.md §13): while writes fail (a full disk, a read-only database), /readyz
-- tries one small write of its own, so the node is seen to recover without other traffic. This
-- one row is all it changes.

CREATE TABLE store_probe (
  id     INT    NOT NULL PRIMARY KEY,
  writes BIGINT NOT NULL,
  at     BIGINT NOT NULL
){{TABLE_OPTIONS}};

INSERT INTO store_probe (id, writes, at) VALUES (1, 0, 0);
