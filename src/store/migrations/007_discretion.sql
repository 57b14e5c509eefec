-- 007_discretion.sql — 行政处罚裁量基准 (行政处罚法 Art. 34) and the lenient
-- lists of 柔性执法: 免罚 (Art. 33), 从轻/减轻 (Art. 30, 32), 不予行政强制措施
-- (行政强制法 Art. 16 ¶2) — src/cases/discretion.h.
-- Law as data: versioned with effective dates, a chain per matter (per list
-- kind and department kind) without gap or overlap.  A version never
-- changes once made; a successor closes its effective_to and marks it
-- superseded.  Nothing is deleted.  Amounts are BIGINT 分; multiples are
-- hundredths (10 倍 = 1000); dates TEXT YYYY-MM-DD; times BIGINT ms.

CREATE TABLE discretion_benchmarks (
  id INTEGER PRIMARY KEY,
  matter_code TEXT NOT NULL,           -- a 行政处罚 matter of the registry
  matter_name TEXT NOT NULL,           -- as registered when made
  department_kind TEXT NOT NULL,       -- the matter's, for filters
  version TEXT NOT NULL,               -- its label, e.g. "2023版"
  effective_from TEXT NOT NULL,
  effective_to TEXT,                   -- NULL: in force until superseded
  law TEXT NOT NULL,                   -- the legal basis
  article TEXT NOT NULL,
  punishable INTEGER NOT NULL,         -- 0: the act is no longer punished
  note TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'superseded')),
  supersedes BIGINT REFERENCES discretion_benchmarks (id),
  superseded_by BIGINT REFERENCES discretion_benchmarks (id),
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,            -- the ledger's actor
  UNIQUE (matter_code, version),
  UNIQUE (matter_code, effective_from)
);
CREATE INDEX discretion_benchmarks_kind ON discretion_benchmarks (department_kind);

-- The tiers (裁量档次) of a version; together they cover every harm level
-- for persons and organisations exactly once.
CREATE TABLE discretion_tiers (
  benchmark_id BIGINT NOT NULL REFERENCES discretion_benchmarks (id),
  position INTEGER NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('轻微', '较轻', '一般', '较重', '严重')),
  party TEXT NOT NULL CHECK (party IN ('any', 'person', 'organisation')),
  harms TEXT NOT NULL,                 -- none;slight;general;serious;severe
  conditions TEXT NOT NULL,            -- 适用情形, for people
  kinds TEXT NOT NULL,                 -- 行政处罚法 Art. 9 names, ';' between
  fine INTEGER NOT NULL,               -- 1 when kinds holds 罚款
  fine_base TEXT NOT NULL CHECK (fine_base IN ('', 'gains', 'goods')),
  split_fen BIGINT,                    -- two-branch rules: the base amount
  split_upper INTEGER NOT NULL,        -- an amount equal to the split: upper
  lower_times INTEGER NOT NULL,        -- 0: 分; 1: hundredths of the base
  lower_min BIGINT,
  lower_max BIGINT,
  upper_times INTEGER NOT NULL,
  upper_min BIGINT,
  upper_max BIGINT,
  floor_fen BIGINT,
  ceiling_fen BIGINT,
  basis TEXT NOT NULL,
  PRIMARY KEY (benchmark_id, position)
);

CREATE TABLE discretion_lists (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('exempt', 'mitigate', 'no_coercion')),
  department_kind TEXT NOT NULL,       -- '' = every kind of department
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  effective_to TEXT,
  law TEXT NOT NULL,
  article TEXT NOT NULL,
  note TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'superseded')),
  supersedes BIGINT REFERENCES discretion_lists (id),
  superseded_by BIGINT REFERENCES discretion_lists (id),
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (kind, department_kind, version),
  UNIQUE (kind, department_kind, effective_from)
);

-- The entries of a list version, with the conditions evaluation checks.
CREATE TABLE discretion_entries (
  list_id BIGINT NOT NULL REFERENCES discretion_lists (id),
  position INTEGER NOT NULL,
  matter_code TEXT NOT NULL,           -- '' = every matter of the list's kind
  measure_code TEXT NOT NULL,          -- no_coercion: the 行政强制 matter
  party TEXT NOT NULL CHECK (party IN ('any', 'person', 'organisation')),
  max_harm TEXT NOT NULL,
  need_corrected INTEGER NOT NULL,
  need_first INTEGER NOT NULL,
  need_minor INTEGER NOT NULL,
  grounds TEXT NOT NULL,               -- Art. 32 keys, ';' between; any one
  max_gains_fen BIGINT,
  effect TEXT NOT NULL CHECK (effect IN ('no_penalty', 'may_no_penalty',
    'lighter', 'reduced', 'no_coercion')),
  reduce_floor_pct INTEGER NOT NULL,   -- local rule for 减轻 (see discretion.h)
  lighten_cap_pct INTEGER NOT NULL,    -- local rule for 从轻
  conditions TEXT NOT NULL,
  law TEXT NOT NULL,
  article TEXT NOT NULL,
  PRIMARY KEY (list_id, position)
);
CREATE INDEX discretion_entries_matter ON discretion_entries (matter_code);
