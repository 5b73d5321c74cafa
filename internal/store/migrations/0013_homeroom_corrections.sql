-- A correction of a class's homeroom data (conduct, homeroom comments, re-test
-- results, summer re-assessment) names no sheet (sheet_id 0) but a term of
-- the class: hk1, hk2 or year. Sheet corrections keep '' and take the sheet's.
ALTER TABLE corrections ADD COLUMN term TEXT NOT NULL DEFAULT '';
