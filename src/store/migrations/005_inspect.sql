-- 005_inspect.sql — 双随机、一公开 (src/inspect): plans, their participants'
-- commitments, frozen pools, the draw, tasks with teams, results with
-- evidence, and publication.  A plan moves draft → committed → revealed →
-- drawn → in_progress → results_recorded → published; nothing is deleted.

-- The login of an officer, so that an officer sees his own tasks.
ALTER TABLE officers ADD COLUMN user_id BIGINT REFERENCES users (id);
CREATE UNIQUE INDEX officers_user ON officers (user_id);

CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  year INTEGER NOT NULL,               -- of window_from: the annual cap's year
  lead_department_id BIGINT NOT NULL REFERENCES departments (id),
  items TEXT NOT NULL,                 -- 抽查事项 codes, ';' between
  pool_region TEXT NOT NULL,           -- GB/T 2260 prefix of the entities
  pool_kind TEXT NOT NULL,             -- '' = every kind
  pool_industry TEXT NOT NULL,         -- GB/T 4754 'C' or 'C13'; '' = all
  pool_status TEXT NOT NULL,           -- 存续 by default
  stratify_by TEXT NOT NULL CHECK (stratify_by IN
    ('credit_grade', 'risk_level', 'none')),
  team_size INTEGER NOT NULL,
  officer_cap INTEGER NOT NULL,        -- 0: computed at commitment
  entity_cap INTEGER NOT NULL,         -- inspections per department per year
  inspector_area TEXT NOT NULL,        -- '' = any enforcement area
  window_from TEXT NOT NULL,
  window_to TEXT NOT NULL,
  public_value_source TEXT NOT NULL,   -- '' = no public value announced
  public_value TEXT,                   -- entered after commitment
  status TEXT NOT NULL CHECK (status IN ('draft', 'committed', 'revealed',
    'drawn', 'in_progress', 'results_recorded', 'published')),
  commit_seq BIGINT,                   -- ledger seq of plan.commit
  commit_leaf TEXT,                    -- its leaf hash, hex: C
  excluded_at_cap BIGINT NOT NULL,     -- entities left out by entity_cap
  seed TEXT,                           -- hex, after the draw
  publish_due TEXT,                    -- inspection.publish deadline
  published_at BIGINT,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX plans_status ON plans (status);

-- The departments of a plan (a joint plan has several), in order.
CREATE TABLE plan_departments (
  plan_id BIGINT NOT NULL REFERENCES plans (id),
  position INTEGER NOT NULL,
  department_id BIGINT NOT NULL REFERENCES departments (id),
  PRIMARY KEY (plan_id, position),
  UNIQUE (plan_id, department_id)
);
CREATE INDEX plan_departments_department ON plan_departments (department_id);

-- Who holds a secret: the department, the 司法局 supervisor, optionally a
-- 社会监督员.  commit and secret are hex; secret is NULL until revealed.
CREATE TABLE plan_participants (
  plan_id BIGINT NOT NULL REFERENCES plans (id),
  position INTEGER NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id),
  label TEXT NOT NULL,                 -- "user:12 执法监督员 张*"
  commit_hex TEXT,
  secret_hex TEXT,
  committed_at BIGINT,
  revealed_at BIGINT,
  PRIMARY KEY (plan_id, position),
  UNIQUE (plan_id, user_id)
);

-- The strata; pool, pool_size, pool_digest and n are fixed at commitment.
-- pool holds the codes, ascending, each followed by '\n': the digested bytes.
CREATE TABLE plan_strata (
  plan_id BIGINT NOT NULL REFERENCES plans (id),
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  ratio TEXT,                          -- decimal text, or NULL with a count
  count BIGINT,
  pool_size BIGINT,
  pool_digest TEXT,
  n BIGINT,
  pool BYTEA,
  PRIMARY KEY (plan_id, position),
  UNIQUE (plan_id, key)
);

-- The frozen inspector pool and the conflicts (回避) that bind the draw.
CREATE TABLE plan_inspectors (
  plan_id BIGINT NOT NULL REFERENCES plans (id),
  officer_id BIGINT NOT NULL REFERENCES officers (id),
  department_id BIGINT NOT NULL,
  PRIMARY KEY (plan_id, officer_id)
);
CREATE TABLE plan_conflicts (
  plan_id BIGINT NOT NULL REFERENCES plans (id),
  officer_id BIGINT NOT NULL,
  entity_uscc TEXT NOT NULL,
  PRIMARY KEY (plan_id, officer_id, entity_uscc)
);

-- The published draw record (JSON, pools larger than the inline limit
-- linked rather than inlined), as made by the draw.
CREATE TABLE plan_records (
  plan_id BIGINT PRIMARY KEY REFERENCES plans (id),
  record TEXT NOT NULL,
  record_sm3 TEXT NOT NULL
);

-- One task per selected entity, in ticket order.
CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  plan_id BIGINT NOT NULL REFERENCES plans (id),
  position INTEGER NOT NULL,           -- ticket order within the plan
  stratum TEXT NOT NULL,
  entity_uscc TEXT NOT NULL,
  ticket TEXT NOT NULL,
  staffed INTEGER NOT NULL,            -- 0: published as unstaffed
  result TEXT,                         -- one of the standard categories
  notes TEXT NOT NULL,
  case_ref TEXT NOT NULL,              -- the enforcement case it opened
  result_by TEXT,
  result_at BIGINT,
  UNIQUE (plan_id, entity_uscc),
  UNIQUE (plan_id, position)
);
CREATE INDEX tasks_entity ON tasks (entity_uscc);
CREATE INDEX tasks_open ON tasks (plan_id, staffed, result);

-- A task's team; a replaced officer stays with active = 0 and the reason.
CREATE TABLE task_officers (
  task_id BIGINT NOT NULL REFERENCES tasks (id),
  officer_id BIGINT NOT NULL REFERENCES officers (id),
  position INTEGER NOT NULL,
  active INTEGER NOT NULL,
  replaced_reason TEXT,
  PRIMARY KEY (task_id, officer_id)
);
CREATE INDEX task_officers_officer ON task_officers (officer_id);

-- Evidence files, their content kept by SM3 (one copy of equal files).
CREATE TABLE files (
  sm3 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  data BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE task_evidence (
  id INTEGER PRIMARY KEY,
  task_id BIGINT NOT NULL REFERENCES tasks (id),
  sm3 TEXT NOT NULL REFERENCES files (sm3),
  size BIGINT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX task_evidence_task ON task_evidence (task_id);
