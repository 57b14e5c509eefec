-- 006_cases.sql — enforcement cases (src/cases): 行政处罚, 行政检查 and
-- 行政强制 with their steps, handlers, evidence, deadlines, supervision
-- alerts and publication; the hearing thresholds of Art. 63.  Nothing is
-- deleted: a case ends archived or dropped.

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  case_no TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('penalty', 'inspection', 'coercion')),
  procedure TEXT NOT NULL CHECK (procedure IN ('ordinary', 'simple')),
  department_id BIGINT NOT NULL REFERENCES departments (id),
  matter_code TEXT NOT NULL,
  party_type TEXT NOT NULL CHECK (party_type IN ('organisation', 'person')),
  party_name TEXT NOT NULL,            -- a person's: masked in public
  entity_code TEXT NOT NULL,           -- 统一社会信用代码, '' for a person
  act_date TEXT NOT NULL,
  act_end_date TEXT NOT NULL,          -- '' unless the act continued
  discovered_on TEXT NOT NULL,
  grave_harm INTEGER NOT NULL,         -- Art. 36: five years instead of two
  facts TEXT NOT NULL,                 -- the facts as found (text)
  circumstances TEXT NOT NULL,         -- JSON: what evaluation reads
  source TEXT NOT NULL,
  source_ref TEXT NOT NULL,
  stage TEXT NOT NULL,
  filed_on TEXT,                       -- 立案
  review_grounds TEXT NOT NULL,        -- Art. 58 grounds, ',' between
  complex INTEGER NOT NULL,            -- Art. 57: collective discussion
  proposed TEXT,                       -- JSON: kinds and fine at 告知
  notified_on TEXT,
  hearing TEXT NOT NULL,               -- none|open|requested|held|waived
  hearing_chair BIGINT,
  review_state TEXT NOT NULL,          -- none|pending|approved|returned
  reviewer_id BIGINT,
  discussed_on TEXT,
  decision TEXT,                       -- JSON: kinds, fine, reasons
  decided_on TEXT,
  no_penalty INTEGER NOT NULL,
  outside_range INTEGER NOT NULL,
  lenient TEXT NOT NULL,               -- '' | 免罚 | 从轻 | 减轻
  fine BIGINT NOT NULL,                -- 分
  served_on TEXT,
  executed_on TEXT,
  seized_on TEXT,
  seizure_extended INTEGER NOT NULL,
  closed_on TEXT,
  archived_on TEXT,
  decide_seq BIGINT,                   -- ledger seq of case.decide
  published_at BIGINT,
  publish_seq BIGINT,
  withdrawn_at BIGINT,
  withdraw_reason TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX cases_department ON cases (department_id);
CREATE INDEX cases_entity ON cases (entity_code, matter_code);
CREATE INDEX cases_published ON cases (published_at);

-- The handlers (承办人员) of a case: at least two officers (Art. 42).
CREATE TABLE case_officers (
  case_id BIGINT NOT NULL REFERENCES cases (id),
  officer_id BIGINT NOT NULL REFERENCES officers (id),
  position INTEGER NOT NULL,
  PRIMARY KEY (case_id, officer_id)
);
CREATE INDEX case_officers_officer ON case_officers (officer_id);

-- The steps taken, each with its ledger event (全过程记录).
CREATE TABLE case_steps (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  step TEXT NOT NULL,
  stage TEXT NOT NULL,                 -- the stage after the step
  seq BIGINT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps (case_id);

CREATE TABLE case_evidence (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  sm3 TEXT NOT NULL REFERENCES files (sm3),
  size BIGINT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  seq BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence (case_id);

-- Deadlines from the rule table (data/rules/deadlines.tsv).  party = 1
-- for the party's own periods (hearing request, payment), which are shown
-- but are never the agency's overdue.
CREATE TABLE case_deadlines (
  case_id BIGINT NOT NULL REFERENCES cases (id),
  rule_id TEXT NOT NULL,
  start TEXT NOT NULL,
  due TEXT NOT NULL,
  party INTEGER NOT NULL,
  met_on TEXT,
  PRIMARY KEY (case_id, rule_id)
);
CREATE INDEX case_deadlines_open ON case_deadlines (met_on, due);

CREATE TABLE case_alerts (
  id INTEGER PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  department_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  seq BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX case_alerts_department ON case_alerts (department_id);

-- Art. 63 较大数额: set by the province or department, per department kind
-- and party type; fine and confiscation in 分.
CREATE TABLE hearing_thresholds (
  department_kind TEXT NOT NULL,
  party_type TEXT NOT NULL CHECK (party_type IN ('organisation', 'person')),
  fine BIGINT NOT NULL,
  confiscation BIGINT NOT NULL,
  basis TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (department_kind, party_type)
);
