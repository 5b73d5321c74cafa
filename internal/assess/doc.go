// Package assess holds the Ministry of Education's assessment rules as pure,
// exact, explained functions: no I/O, no database, no floating point between
// a mark and a level.
//
// It holds:
//
//   - the rule sets, each a versioned RuleSet whose thresholds are fields:
//     TT22 (Circular 22/2021, secondary, grades 6-12), TT43 (Circular
//     43/2021, continuing education: TT22 with subject-count thresholds of 5
//     and no awards) and TT27 (Circular 27/2020, primary, grades 1-5), found
//     with Lookup("tt22") or Lookup("tt22/2021.1"). A new circular is a new
//     RuleSet, never an edit of an old one;
//   - exact scores (Score, in tenths) and marks (Mark: a score, Đạt, Chưa
//     đạt, empty or make-up pending), ParseScore accepting "7,5" and "7.5";
//     SemesterAverage and YearAverage computed with integers and rounded
//     half up once, at the end of each formula;
//   - the subject catalogue of the 2018 programme (Subjects, LookupSubject,
//     DefaultPeriods, SubjectName, RegularCount, PrimaryTestRequired);
//   - the evaluation of a secondary pupil's year (EvalSecondary,
//     EvalSecondaryInto for a reusable, allocation-free evaluation) and of a
//     primary pupil (EvalPrimary), with explanations built on demand
//     (SecondaryResult.Explain, ExplainPrimary) in Vietnamese;
//   - EvalCommand, the `sdgdt rules eval` JSON contract (04-rules-json.md).
//
// # Decisions on cases the circulars leave open
//
//   - Missing data is never guessed. An empty cell (JSON null) or a pending
//     make-up ("P") makes the subject's semester result not computable; every
//     level that depends on it is LevelNone (JSON null) and the cell is listed
//     in Missing, as "toan.hk1.regular[2]" (0-based, like JSON paths),
//     "toan.hk2.final", "conduct.hk1". Levels that do not depend on it are
//     still computed.
//   - A comment subject's semester is Đạt when every required mark is present
//     and Đạt, else Chưa đạt; its year result is the semester II result (so it
//     is known once semester II is complete).
//   - The level conditions are applied literally: a pupil with fewer scored
//     subjects than the count thresholds (6; 5 in tt43), e.g. because several
//     are not assessed, cannot reach Đạt.
//   - Điều 9.3 adjustment, precisely as the spec says: L_s is the level with
//     subject s at its best (10.0 or Đạt); when some L_s ≥ L+2 the level is
//     L+1 and AdjustedFor names the first such subject in input order.
//   - Promotion: absences above MaxAbsences (45) → retained whatever else.
//     Otherwise year conduct Chưa đạt and no summer re-assessment →
//     summer_training (re-tests wait); the summer re-assessment becomes
//     conduct_final, and if still Chưa đạt → retained. With conduct_final ≥
//     Đạt and year learning Chưa đạt, every comment subject at Chưa đạt and
//     every scored subject with ĐTBmcn < 5.0 is to be re-tested; until every
//     one of them has a re-test result → retest; then the re-test results
//     replace those subjects' year results (year_final), the learning level is
//     recomputed with the adjustment (learning_final), and Chưa đạt →
//     retained. If the list is empty (learning Chưa đạt only for lack of
//     enough scored subjects), there is nothing to re-test and the pupil is
//     retained. A re-test result on a subject not in the list is reported but
//     changes nothing; a summer conduct given when year conduct is not Chưa
//     đạt is ignored. A re-test result replaces the year result even when it
//     is lower.
//   - Awards use the year conduct and year learning levels (before summer
//     re-assessment and re-tests: a pupil at Tốt needs neither). The circular
//     sets no absence condition on awards, so none is applied. tt43 gives no
//     awards.
//   - A missing absent_sessions counts as 0 absences. assessed_by and
//     periods_per_year default from the catalogue for the grade; explicit
//     values win. The marks of a not-assessed subject are ignored.
//   - Primary: a test is required at ck1 and cn for the tested subjects the
//     pupil studies (Ngoại ngữ 1 in grades 1-2 only when it is listed), and at
//     gk1 and gk2 for Tiếng Việt and Toán in grades 4-5. A test score is an
//     integer 0-10 ("9.0" is accepted as 9, "9.5" is rejected); a test on a
//     subject not tested at that point is an error, a subject not taught in
//     the grade is an error, a required test or level that is missing makes
//     the input incomplete. The year result is computed only at "cn" (the
//     default point). completed_grade and completed_primary are null when the
//     result is not computable.
//   - JSON (EvalCommand): numbers are parsed from their text, never through
//     float64 ("7.50" is 7.5, "75e-1" is 7.5, "7.25" is an error); unknown
//     fields are rejected, except three optional additions to the input: a
//     subject's "name" and a pupil's "note" (ignored) and, for tt27, "point"
//     (default "cn"). "D"/"CD" may also be written "Đ"/"CĐ". The output has
//     exactly the fields of the contract; explanations are available through
//     the Go API only. A grade that is not a whole number, an empty "regular"
//     array, "P" as a re-test result, a duplicated subject code and a
//     primary subject not taught in the grade are errors.
package assess
