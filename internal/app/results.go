package app

import (
	"context"
	"encoding/json"
	"sdgdt"
	"strings"
	"sync"
	"time"

	"sdgdt/internal/assess"
	"sdgdt/internal/store"
)

// Stored results. Every change of a pupil's marks, conduct or re-tests marks his
// pupil-year stale in the same transaction (store.MarkResultsStale); a
// background recomputation then evaluates the whole year with the rules engine
// (assess.EvalSecondary) and stores the levels, decisions and subject averages
// with the rule-set version that produced them. Because the stale mark is
// written with the change, nothing is missed if the process stops: the next
// kick (or RecomputeStale at start-up) catches up. Readers that need exact
// results call ClassResults, which computes what is still stale first.

// recomputeDelay is how long the recomputation waits after being kicked.
const recomputeDelay = 150 * time.Millisecond

// recomputeBatch is how many pupil-years one background step computes: small
// enough that its write never holds the (SQLite) writer long.
const recomputeBatch = 50

// recomputer is the state of an App's background recomputation (App.recompute).
type recomputer struct {
	mu      sync.Mutex
	running bool
	kicked  bool
	held    int
	idle    *sync.Cond
}

func newRecomputer() *recomputer {
	r := &recomputer{}
	r.idle = sync.NewCond(&r.mu)
	return r
}

func (a *App) recomputer() *recomputer { return a.recompute }

// kickResults asks the background recomputation to run (it starts if idle and
// stops when nothing is stale).
func (a *App) kickResults() {
	r := a.recomputer()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kicked = true
	if r.running || r.held > 0 {
		return
	}
	r.running = true
	go a.recomputeLoop(r)
}

func (a *App) recomputeLoop(r *recomputer) {
	ctx := context.Background()
	for {
		r.mu.Lock()
		if !r.kicked {
			r.running = false
			r.idle.Broadcast()
			r.mu.Unlock()
			return
		}
		r.kicked = false
		r.mu.Unlock()
		// Let a burst of changes (a pasted block, an import) settle, so that
		// a pupil is computed once for it rather than once per request.
		time.Sleep(recomputeDelay)
		for {
			n, err := a.RecomputeStale(ctx, recomputeBatch)
			if err != nil {
				a.Log.Error("recompute results", "err", err)
				time.Sleep(100 * time.Millisecond)
				break
			}
			if n == 0 {
				break
			}
		}
	}
}

// HoldResults stops the background recomputation from starting until release
// is called (bulk writers such as the demo and imports compute once at the
// end instead of after every request).
func (a *App) HoldResults() (release func()) {
	r := a.recomputer()
	r.mu.Lock()
	r.held++
	r.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			r.held--
			start := r.held == 0 && r.kicked && !r.running
			if start {
				r.running = true
			}
			r.mu.Unlock()
			if start {
				go a.recomputeLoop(r)
			}
		})
	}
}

// WaitResults waits until the background recomputation is idle (tests, demo).
func (a *App) WaitResults() {
	r := a.recomputer()
	r.mu.Lock()
	for r.running {
		r.idle.Wait()
	}
	r.mu.Unlock()
}

// RecomputeStale computes up to limit stale pupil-years and returns how many
// it looked at. Inputs are read on the reader pool and only the results are
// written, each only if its inputs did not change meanwhile: no write
// transaction is held while a batch is read and computed. On PostgreSQL,
// where several servers may share the database, the batch is first claimed
// for a while (resultClaim), so that each pupil-year is computed by one
// server; a save marking a claimed pupil stale again clears the claim.
func (a *App) RecomputeStale(ctx context.Context, limit int) (int, error) {
	var keys []sdgdt.ResultKey
	var err error
	if a.DB.Dialect.ClaimsRows() {
		err = a.DB.Update(ctx, func(tx *store.Tx) error {
			keys, err = tx.ClaimStaleResults(limit, tx.Now.Add(resultClaim))
			return err
		})
	} else {
		err = a.DB.View(ctx, func(tx *store.Tx) error {
			keys, err = tx.StaleResults(limit)
			return err
		})
	}
	if err != nil {
		return 0, err
	}
	for _, g := range groupKeys(keys) {
		if err := a.recomputePupils(ctx, g.school, g.year, g.pupils); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// resultClaim is how long a server's claim on a batch of stale results
// lasts: far longer than a batch takes, short enough that the batches of a
// server that stopped are taken over soon.
const resultClaim = 2 * time.Minute

// keyGroup is the pupils of one school and year among some result keys.
type keyGroup struct {
	school, year int64
	pupils       []int64
}

// groupKeys groups result keys by school and year, in their order.
func groupKeys(keys []sdgdt.ResultKey) []keyGroup {
	var out []keyGroup
	for _, k := range keys {
		if n := len(out); n > 0 && out[n-1].school == k.SchoolID && out[n-1].year == k.SchoolYearID {
			out[n-1].pupils = append(out[n-1].pupils, k.PupilID)
			continue
		}
		out = append(out, keyGroup{k.SchoolID, k.SchoolYearID, []int64{k.PupilID}})
	}
	return out
}

// resultBatch is the inputs of some pupils' years of one school.
type resultBatch struct {
	school, year int64
	ids          []int64
	years        []sdgdt.PupilYear
	gens         map[int64]int64
	prim         primaryBatch // primary pupils: primary.go
}

// loadResults reads the inputs of some pupils' years of a school.
func loadResults(tx *store.Tx, schoolID, yearID int64, ids []int64) (*resultBatch, error) {
	b := &resultBatch{school: schoolID, year: yearID, ids: ids}
	var err error
	if b.gens, err = tx.ResultGens(schoolID, yearID, ids); err != nil {
		return nil, err
	}
	if b.years, err = tx.PupilYears(schoolID, yearID, ids); err != nil {
		return nil, err
	}
	return b, b.prim.load(tx, schoolID, yearID, b.years)
}

// evaluate computes the batch's results with the rules engine.
func (b *resultBatch) evaluate() []sdgdt.PupilResult {
	placed := map[int64]bool{}
	out := make([]sdgdt.PupilResult, 0, len(b.ids))
	var ev evaluator
	for i := range b.years {
		py := &b.years[i]
		placed[py.PupilID] = true
		var r sdgdt.PupilResult
		if isPrimaryYear(py) {
			r = b.prim.evaluate(py, b.school, b.year, b.gens[py.PupilID])
		} else {
			r = ev.evaluate(py)
		}
		r.SchoolID, r.SchoolYearID, r.Gen = b.school, b.year, b.gens[py.PupilID]
		out = append(out, r)
	}
	for _, id := range b.ids {
		if !placed[id] { // not enrolled in this school and year any more
			out = append(out, sdgdt.PupilResult{SchoolID: b.school, SchoolYearID: b.year, PupilID: id, Gen: b.gens[id],
				SubjectsJSON: "[]", MissingJSON: "[]", Error: "Học sinh không còn học ở trường trong năm học này."})
		}
	}
	return out
}

// save stores the batch's results.
func (b *resultBatch) save(tx *store.Tx, out []sdgdt.PupilResult) error {
	if err := tx.SaveResults(out); err != nil {
		return err
	}
	return b.prim.save(tx)
}

// recomputePupils evaluates and stores the years of some pupils of a school,
// reading on the reader pool and writing only the results.
func (a *App) recomputePupils(ctx context.Context, schoolID, yearID int64, ids []int64) error {
	var b *resultBatch
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		b, err = loadResults(tx, schoolID, yearID, ids)
		return err
	}); err != nil {
		return err
	}
	out := b.evaluate()
	err := a.DB.Update(ctx, func(tx *store.Tx) error { return b.save(tx, out) })
	if err == nil {
		a.computed.Add(int64(len(out)))
	}
	return err
}

// ResultsComputed returns how many pupil-years this process has computed and
// stored since it started (the metric sdgdt_results_computed_total).
func (a *App) ResultsComputed() int64 { return a.computed.Load() }

// evaluator turns a pupil-year into a stored result, reusing its buffers.
type evaluator struct {
	in    assess.SecondaryInput
	res   assess.SecondaryResult
	cells map[cellKey]string // the values of the pupil's cells
}

// cellKey names a cell of a pupil's year.
type cellKey struct{ subject, term, field string }

// resultSubject is one subject of pupil_results.subjects_json.
type resultSubject struct {
	Subject    string      `json:"subject"`
	AssessedBy string      `json:"assessed_by"`
	HK1        assess.Mark `json:"hk1"`
	HK2        assess.Mark `json:"hk2"`
	Year       assess.Mark `json:"year"`
	Retest     assess.Mark `json:"retest"`
	YearFinal  assess.Mark `json:"year_final"`
	// NotAssessed: the pupil is not assessed in the subject (TT22 Điều 10-11).
	NotAssessed bool `json:"not_assessed,omitempty"`
}

func (ev *evaluator) evaluate(py *sdgdt.PupilYear) sdgdt.PupilResult {
	r := sdgdt.PupilResult{PupilID: py.PupilID, ClassID: py.Class.ID, Grade: py.Class.Grade, AbsentSessions: py.Absent, SubjectsJSON: "[]", MissingJSON: "[]"}
	rs, ok := assess.Lookup(py.Class.Ruleset)
	if !ok || !rs.Secondary() {
		r.Error = "Kết quả theo bộ quy tắc " + py.Class.Ruleset + " chưa được tính ở đây."
		return r
	}
	r.RulesetVersion = rs.Version
	if ev.cells == nil {
		ev.cells = map[cellKey]string{}
	}
	clear(ev.cells) // the map is used again from pupil to pupil
	for _, c := range py.Cells {
		ev.cells[cellKey{c.Subject, c.Term, c.Field}] = c.Value
	}
	in := &ev.in
	*in = assess.SecondaryInput{Grade: py.Class.Grade, AbsentSessions: py.Absent, Subjects: in.Subjects[:0]}
	in.Conduct[0], _ = assess.ParseLevel(py.Conduct["hk1"])
	in.Conduct[1], _ = assess.ParseLevel(py.Conduct["hk2"])
	in.SummerConduct, _ = assess.ParseLevel(py.Conduct["summer"])
	var skipped []string
	for _, cs := range py.Subjects {
		by := assess.AssessedBy(cs.AssessedBy)
		if by != assess.ByScore && by != assess.ByComment {
			continue
		}
		if _, known := assess.LookupSubject(assess.THCS, cs.Subject); !known {
			skipped = append(skipped, cs.Subject)
			continue
		}
		n := rs.RegularCount(by, cs.PeriodsPerYear)
		s := assess.SubjectInput{Code: cs.Subject, AssessedBy: by, PeriodsPerYear: cs.PeriodsPerYear, NotAssessed: py.NotAssessed[cs.Subject]}
		if s.PeriodsPerYear <= 0 {
			s.PeriodsPerYear = 1
		}
		for t, term := range [2]string{"hk1", "hk2"} {
			s.HK[t] = semesterInput(by, n, func(field string) string { return ev.cells[cellKey{cs.Subject, term, field}] })
		}
		if v := py.Retests[cs.Subject]; v != "" {
			if m, err := assess.ParseMark(v); err == nil && m.Known() &&
				((m.Kind == assess.MarkScore) == (by == assess.ByScore)) {
				s.Retest = m
			}
		}
		in.Subjects = append(in.Subjects, s)
	}
	if err := assess.EvalSecondaryInto(&rs, in, &ev.res); err != nil {
		r.Error = err.Error()
		return r
	}
	res := &ev.res
	r.Complete = res.Complete
	for t := 0; t < 2; t++ {
		r.HK[t] = termLevels(res.HK[t])
	}
	r.Year = termLevels(res.Year.TermResult)
	r.LearningFinal, r.ConductFinal = res.Year.LearningFinal.Code(), res.Year.ConductFinal.Code()
	r.RetestSubjects = strings.Join(res.Year.RetestSubjects, ",")
	r.Promotion, r.Award = string(res.Year.Promotion), string(res.Year.Award)
	subs := make([]resultSubject, 0, len(res.Subjects))
	for _, s := range res.Subjects {
		subs = append(subs, resultSubject{s.Code, string(s.AssessedBy), s.HK[0], s.HK[1], s.Year, s.Retest, s.YearFinal, s.NotAssessed})
	}
	r.SubjectsJSON = toJSON(subs)
	missing := res.Missing
	if missing == nil {
		missing = []string{}
	}
	r.MissingJSON = toJSON(missing)
	if len(skipped) > 0 {
		r.Error = "Môn không có trong danh mục, không tính: " + strings.Join(skipped, ", ")
	}
	return r
}

func termLevels(t assess.TermResult) sdgdt.TermLevels {
	return sdgdt.TermLevels{Learning: t.Learning.Code(), LearningComputed: t.LearningComputed.Code(), AdjustedFor: t.AdjustedFor, Conduct: t.Conduct.Code()}
}

// SubjectResult is one subject of a stored result, decoded.
type SubjectResult = resultSubject

// DecodeSubjects returns the subject results of a stored result.
func DecodeSubjects(r sdgdt.PupilResult) ([]SubjectResult, error) {
	var out []SubjectResult
	var raw []struct {
		Subject     string          `json:"subject"`
		AssessedBy  string          `json:"assessed_by"`
		HK1         json.RawMessage `json:"hk1"`
		HK2         json.RawMessage `json:"hk2"`
		Year        json.RawMessage `json:"year"`
		Retest      json.RawMessage `json:"retest"`
		YearFinal   json.RawMessage `json:"year_final"`
		NotAssessed bool            `json:"not_assessed"`
	}
	if err := json.Unmarshal([]byte(r.SubjectsJSON), &raw); err != nil {
		return nil, err
	}
	mark := func(b json.RawMessage) assess.Mark {
		m, _ := assess.ParseMark(strings.Trim(string(b), `"`))
		return m
	}
	for _, s := range raw {
		out = append(out, SubjectResult{s.Subject, s.AssessedBy, mark(s.HK1), mark(s.HK2), mark(s.Year), mark(s.Retest), mark(s.YearFinal), s.NotAssessed})
	}
	return out, nil
}

// ClassResults returns the stored results of a class's pupils, computing
// first those still stale, for whoever may read the class's sheets.
func (a *App) ClassResults(ctx context.Context, p *Principal, classID int64) ([]sdgdt.PupilResult, error) {
	var c sdgdt.Class
	var ids []int64
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = tx.Class(classID); err != nil {
			return err
		}
		s, err := tx.School(c.SchoolID)
		if err != nil {
			return err
		}
		if !Can(p, ActReadSheet, ClassTarget(s, c.ID)) {
			return forbidden()
		}
		ids, err = tx.StudyingPupils(classID)
		return err
	}); err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if err := a.DB.Update(ctx, func(tx *store.Tx) error {
			return tx.MarkResultsStaleIfMissing(c.SchoolID, c.SchoolYearID, classID, ids)
		}); err != nil {
			return nil, err
		}
		if err := a.recomputeStaleOf(ctx, c, ids); err != nil {
			return nil, err
		}
	}
	var out []sdgdt.PupilResult
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ClassResults(classID)
		return err
	})
	return out, err
}

// recomputeStaleOf computes the stale results among some pupils of a class.
func (a *App) recomputeStaleOf(ctx context.Context, c sdgdt.Class, ids []int64) error {
	var stale []int64
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		rs, err := tx.ClassResults(c.ID)
		if err != nil {
			return err
		}
		want := map[int64]bool{}
		for _, id := range ids {
			want[id] = true
		}
		for _, r := range rs {
			if r.Stale && want[r.PupilID] {
				stale = append(stale, r.PupilID)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if len(stale) == 0 {
		return nil
	}
	return a.recomputePupils(ctx, c.SchoolID, c.SchoolYearID, stale)
}

// RecomputeAll marks every pupil of a school year stale and computes them all
// (after a rule-set change or a curriculum edit).
func (a *App) RecomputeAll(ctx context.Context, p *Principal, schoolID, yearID int64) error {
	if _, err := a.MarkYearStale(ctx, p, schoolID, yearID); err != nil {
		return err
	}
	for {
		n, err := a.RecomputeStale(ctx, 500)
		if err != nil || n == 0 {
			return err
		}
	}
}

// MarkYearStale marks the result of every pupil studying in a school year
// stale, in one transaction, for the background recomputation (or a caller's
// RecomputeStale) to compute again, and returns how many it marked.
func (a *App) MarkYearStale(ctx context.Context, p *Principal, schoolID, yearID int64) (int, error) {
	if !p.system {
		return 0, forbidden()
	}
	marked := 0
	err := a.DB.Update(ctx, func(tx *store.Tx) error {
		cs, err := tx.ClassesOf(schoolID, yearID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			ids, err := tx.StudyingPupils(c.ID)
			if err != nil {
				return err
			}
			if err := tx.MarkResultsStale(schoolID, yearID, c.ID, ids); err != nil {
				return err
			}
			marked += len(ids)
		}
		return nil
	})
	return marked, err
}
