-- 001_init.sql — the bookkeeping tables every later migration relies on.
-- Portable SQL: it runs unchanged on SQLite and PostgreSQL.

-- One row per applied migration; the highest version is the schema's.
CREATE TABLE schema_version (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL -- UTC, YYYY-MM-DDTHH:MM:SSZ
);

-- Settings that belong to the database rather than to one server's
-- configuration (e.g. the instance identity), as text.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
