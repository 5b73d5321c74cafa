-- The recomputation asks for the stale result rows in key order; an index
-- of just those rows, in that order, answers it without reading the others
-- (the former index on the flag alone left a sort or a full scan of the
-- table's primary key per batch: quadratic over a school year).
DROP INDEX pupil_results_stale;
CREATE INDEX pupil_results_stale_key ON pupil_results(school_id, school_year_id, pupil_id) WHERE stale;
