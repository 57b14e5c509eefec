-- 008_cases_indexes.sql — a case's alerts are read with every view of it;
-- case numbers are counted per department, kind and year in a table of
-- their own, so that numbering a case reads one row.
CREATE INDEX case_alerts_case ON case_alerts (case_id);

CREATE TABLE case_numbers (
  prefix TEXT PRIMARY KEY,             -- "P-12-2026-"
  last BIGINT NOT NULL
);
INSERT INTO case_numbers (prefix, last)
  SELECT substr(case_no, 1, length(case_no) - 5), COUNT(*) FROM cases
  GROUP BY substr(case_no, 1, length(case_no) - 5);
