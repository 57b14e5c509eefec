-- 002_ledger.sql — the tamper-evident ledger (执法全过程记录, DESIGN §4).

-- One row per event, seq = the leaf's index in the Merkle tree (from 0).
-- body is the event's canonical JSON, the exact bytes the leaf hashes.
CREATE TABLE ledger_event (
  seq BIGINT PRIMARY KEY,
  ts BIGINT NOT NULL,            -- milliseconds since 1970-01-01 UTC
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  body TEXT NOT NULL,
  leaf_hash BYTEA NOT NULL
);
CREATE INDEX ledger_event_object ON ledger_event (object_type, object_id);

-- Hashes of complete subtrees: 2^level leaves from leaf idx * 2^level.
-- They make every proof O(log n) look-ups.
CREATE TABLE ledger_node (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (level, idx)
);

-- Signed checkpoints (C2SP signed notes) of the tree at some sizes.
CREATE TABLE ledger_checkpoint (
  size BIGINT PRIMARY KEY,
  root BYTEA NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL       -- UTC, YYYY-MM-DDTHH:MM:SSZ
);
