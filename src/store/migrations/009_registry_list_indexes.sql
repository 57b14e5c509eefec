-- 009_registry_list_indexes.sql — lists of regulated entities filtered by
-- region read a page in id order from an index instead of walking every id
-- until the page fills (src/registry/list.c, fz_reg_prefix_sql in
-- kinds.c).  A county's code is compared whole: (region_code, id) serves
-- it in id order on both backends.  A city's four digits are compared as
-- substr(region_code, 1, 4), the expression indexed here with the id, so
-- that the last city of the file costs what the first one does.  (A range
-- region_code >= '2101' AND < '2102' spans the city's counties: an index
-- on the code yields them county by county, not in id order, so one page
-- would sort every row of the city.)
DROP INDEX entities_region;
CREATE INDEX entities_region ON entities (region_code, id);
CREATE INDEX entities_city ON entities (substr(region_code, 1, 4), id);
