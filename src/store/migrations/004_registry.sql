-- 004_registry.sql — the register (src/registry): departments (执法主体),
-- officers (执法人员, 辅助人员), regulated entities (监管对象), the 执法事项
-- and 抽查事项 catalogues, conflicts (回避), and bulk imports.
-- Nothing is deleted: active = 0 marks a deactivated record.  Dates are
-- TEXT YYYY-MM-DD; times BIGINT ms since 1970-01-01 UTC; empty optional
-- text is '' (so that it sorts), a missing code or id is NULL.

CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  uscc TEXT NOT NULL UNIQUE,           -- 统一社会信用代码 of the body
  kind TEXT NOT NULL,                  -- data/registry/department_kinds.tsv
  region_code TEXT NOT NULL,           -- GB/T 2260
  level TEXT NOT NULL,                 -- 省 市 县 乡
  parent_id BIGINT REFERENCES departments (id),
  path TEXT NOT NULL DEFAULT '',       -- '/1/5/': ids from the top, for subtrees
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX departments_parent ON departments (parent_id);
CREATE INDEX departments_region ON departments (region_code);

CREATE TABLE officers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  id_sealed BYTEA,                     -- 身份证号, SM4-CTR + HMAC-SM3 (id/seal.h)
  id_index BYTEA,                      -- HMAC-SM3 of it, to find duplicates
  id_masked TEXT,                      -- 110105********002X
  cert_no TEXT UNIQUE,                 -- NULL for 辅助人员, who hold none
  cert_from TEXT NOT NULL,
  cert_to TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked')),
  auxiliary INTEGER NOT NULL,          -- 1: 辅助人员, never counted as an officer
  department_id BIGINT NOT NULL REFERENCES departments (id),
  areas TEXT NOT NULL,                 -- enforcement areas, ';' between
  legal_qualification INTEGER NOT NULL, -- 法律职业资格 (法制审核员)
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX officers_department ON officers (department_id);
CREATE INDEX officers_id_index ON officers (id_index);

CREATE TABLE entities (
  id INTEGER PRIMARY KEY,
  uscc TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  region_code TEXT NOT NULL,
  address TEXT NOT NULL,
  industry TEXT NOT NULL,              -- GB/T 4754: 'C' or 'C13'
  legal_rep TEXT NOT NULL,             -- a natural person: masked in public
  credit_grade TEXT NOT NULL,          -- A B C D or ''
  credit_date TEXT NOT NULL,
  credit_source TEXT NOT NULL,
  risk_level TEXT NOT NULL,
  status TEXT NOT NULL,                -- 存续 注销 吊销
  tags TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX entities_region ON entities (region_code);
CREATE INDEX entities_name ON entities (name);

CREATE TABLE matters (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                  -- 行政处罚 行政检查 行政强制 …
  department_kind TEXT NOT NULL,
  law TEXT NOT NULL,
  article TEXT NOT NULL,
  level TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  department_kind TEXT NOT NULL,
  matter_code TEXT NOT NULL,           -- a 行政检查 matter
  method TEXT NOT NULL,
  law TEXT NOT NULL,
  article TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY,
  officer_id BIGINT NOT NULL REFERENCES officers (id),
  entity_uscc TEXT NOT NULL,
  reason TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (officer_id, entity_uscc)
);
CREATE INDEX conflicts_entity ON conflicts (entity_uscc);

-- Bulk imports over the API: their progress and every rejected row.
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sm3 TEXT NOT NULL,              -- hex, of the file as uploaded
  bytes_total BIGINT NOT NULL,
  bytes_done BIGINT NOT NULL,
  encoding TEXT NOT NULL,
  rows_done BIGINT NOT NULL,
  inserted BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  message TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL
);

CREATE TABLE import_errors (
  import_id BIGINT NOT NULL REFERENCES imports (id),
  line BIGINT NOT NULL,
  field TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (import_id, line)
);
