-- Statistics (08-statistics.md): per school, year and period (hk1, hk2,
-- year), the figures of each class (class_id > 0, with its grade), of each
-- grade (class_id = -grade) and of the whole school (class_id = 0), the last
-- two sums of the classes' rows. data is sdgdt.Figures in the store's compact
-- text form (store/statistics.go: encodeFigures). The rows of a class are counted again from its pupils'
-- stored results in the same transaction as any write of those results or
-- of its enrolments (store: touchStatistics, flushed at commit), and the
-- school's row is summed again from its classes' rows; a unit's figures are
-- the sum of its schools' rows, so no page counts pupils above a school.
CREATE TABLE result_statistics (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    school_year_id BIGINT NOT NULL,
    term TEXT NOT NULL,
    class_id BIGINT NOT NULL,
    grade INTEGER NOT NULL DEFAULT 0,
    pupils INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (school_id, school_year_id, term, class_id)
);
CREATE INDEX result_statistics_year ON result_statistics(school_year_id, term, class_id);

-- Each primary result keeps its subjects' levels and test scores, so that the
-- statistics count levels per subject (JSON: [{"subject","level","test"}]).
ALTER TABLE primary_results ADD COLUMN subjects_json TEXT NOT NULL DEFAULT '[]';
