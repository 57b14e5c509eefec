-- 010_officer_departments.sql — an officer may serve departments besides
-- the one that issued his certificate (a 综合行政执法 officer who also
-- serves another body).  officers.department_id stays his primary
-- department: it issued the certificate, and changing the officer is for
-- whoever's data scope covers it.  This table holds the others, never the
-- primary one (src/registry/kinds.c checks it).  Reading an officer, the
-- lists filtered by department, the inspector pools (src/inspect) and the
-- handlers of a case (src/cases) count both kinds of membership; the index
-- on (department_id, officer_id) finds a department's officers.
CREATE TABLE officer_departments (
  officer_id BIGINT NOT NULL REFERENCES officers (id),
  department_id BIGINT NOT NULL REFERENCES departments (id),
  PRIMARY KEY (officer_id, department_id)
);
CREATE INDEX officer_departments_department
  ON officer_departments (department_id, officer_id);
