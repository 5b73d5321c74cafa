package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sdgdt/internal/audit"
)

// The audit chain proves that the log was not changed; VerifyData proves that
// the data was not changed behind the log's back. Every mark, every identity
// number and every role grant has its last change in the log; VerifyData
// replays those entries and compares them with the stored rows, so a mark
// changed in `marks` (with or without its history row), deleted history rows,
// a changed identity number or a role inserted into `role_grants` are named.

// DataProblem is one stored value that the audit log does not account for.
type DataProblem struct {
	Kind   string // "mark", "history", "pupil", "grant", "group"
	Key    string // which row
	Stored string // what the table holds
	Logged string // what the log says it should hold
}

var dataKinds = map[string]string{"mark": "điểm", "history": "lịch sử sửa điểm", "pupil": "học sinh", "grant": "phân quyền", "group": "tổ/nhóm", "log": "nhật ký"}

func (p DataProblem) String() string {
	return fmt.Sprintf("%s (%s) %s: đang lưu %q, nhật ký ghi %q", dataKinds[p.Kind], p.Kind, p.Key, p.Stored, p.Logged)
}

type markKey struct {
	school, year, pupil int64
	subject, term       string
	field               string
}

func (k markKey) String() string {
	return fmt.Sprintf("trường %d năm học %d học sinh %d %s/%s/%s", k.school, k.year, k.pupil, k.subject, k.term, k.field)
}

// dataLog is what the audit log says the data is.
type dataLog struct {
	marks    map[markKey]string
	changes  map[markKey]int
	identity map[int64]string  // pupil → identity number
	grants   map[int64]bool    // grant → active
	members  map[int64][]int64 // group → its members, sorted
}

// VerifyData compares the stored marks, mark history, identity numbers and
// role grants with what the audit log's entries say, and returns every
// difference (sorted), or none.
func (db *DB) VerifyData(ctx context.Context) ([]DataProblem, error) {
	type sheetInfo struct {
		school, year  int64
		subject, term string
	}
	sheets := map[int64]sheetInfo{}
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT id, school_id, school_year_id, subject, term FROM sheets`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var s sheetInfo
			if err := rows.Scan(&id, &s.school, &s.year, &s.subject, &s.term); err != nil {
				return err
			}
			sheets[id] = s
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	lg := dataLog{marks: map[markKey]string{}, changes: map[markKey]int{}, identity: map[int64]string{}, grants: map[int64]bool{}, members: map[int64][]int64{}}
	var problems []DataProblem
	setMark := func(sheetID, pupil int64, field, value string) {
		sh, ok := sheets[sheetID]
		if !ok {
			problems = append(problems, DataProblem{Kind: "mark", Key: "sheet " + strconv.FormatInt(sheetID, 10), Stored: "", Logged: "ghi vào một bảng điểm không còn"})
			return
		}
		k := markKey{sh.school, sh.year, pupil, sh.subject, sh.term, field}
		lg.marks[k] = value
		lg.changes[k]++
	}
	actions := []string{"sheet.patch", "correction.apply", "pupil.create", "pupil.update", "pupil.import", "role.grant", "role.revoke", "group.create", "group.members"}
	chain, seq := "", int64(0)
	for {
		var page []audit.Entry
		err := db.View(ctx, func(tx *Tx) error {
			rows, err := tx.query(`SELECT `+auditColumns+` FROM audit_log WHERE (chain > $1 OR (chain = $1 AND seq > $2)) AND action IN ('`+strings.Join(actions, "', '")+`') ORDER BY chain, seq LIMIT 5000`, chain, seq)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				e, err := scanAudit(rows)
				if err != nil {
					return err
				}
				page = append(page, e)
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if err := lg.replay(e, setMark); err != nil {
				problems = append(problems, DataProblem{Kind: "log", Key: fmt.Sprintf("mục %d", e.ID), Logged: err.Error()})
			}
		}
		last := page[len(page)-1]
		chain, seq = last.Chain, last.Seq
	}
	err = db.View(ctx, func(tx *Tx) error {
		seen := map[markKey]bool{}
		rows, err := tx.query(`SELECT school_id, school_year_id, pupil_id, subject, term, field, value FROM marks`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k markKey
			var v string
			if err := rows.Scan(&k.school, &k.year, &k.pupil, &k.subject, &k.term, &k.field, &v); err != nil {
				rows.Close()
				return err
			}
			seen[k] = true
			logged, ok := lg.marks[k]
			switch {
			case !ok:
				problems = append(problems, DataProblem{Kind: "mark", Key: k.String(), Stored: v, Logged: "(không có lần ghi nào)"})
			case logged != v:
				problems = append(problems, DataProblem{Kind: "mark", Key: k.String(), Stored: v, Logged: logged})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for k, v := range lg.marks {
			if !seen[k] && v != "" {
				problems = append(problems, DataProblem{Kind: "mark", Key: k.String(), Stored: "(đã bị xóa)", Logged: v})
			}
		}
		counts := map[markKey]int{}
		rows, err = tx.query(`SELECT school_id, school_year_id, pupil_id, subject, term, field, COUNT(*) FROM mark_changes GROUP BY school_id, school_year_id, pupil_id, subject, term, field`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k markKey
			var n int
			if err := rows.Scan(&k.school, &k.year, &k.pupil, &k.subject, &k.term, &k.field, &n); err != nil {
				rows.Close()
				return err
			}
			counts[k] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for k, want := range lg.changes {
			if got := counts[k]; got != want {
				problems = append(problems, DataProblem{Kind: "history", Key: k.String(), Stored: fmt.Sprintf("%d lần sửa", got), Logged: fmt.Sprintf("%d lần sửa", want)})
			}
		}
		for k, got := range counts {
			if _, ok := lg.changes[k]; !ok {
				problems = append(problems, DataProblem{Kind: "history", Key: k.String(), Stored: fmt.Sprintf("%d lần sửa", got), Logged: "0 lần sửa"})
			}
		}
		rows, err = tx.query(`SELECT id, identity_number FROM pupils`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return err
			}
			if logged, ok := lg.identity[id]; ok && logged != v || !ok && v != "" {
				if !ok {
					logged = "(no write logged)"
				}
				problems = append(problems, DataProblem{Kind: "pupil", Key: "học sinh " + strconv.FormatInt(id, 10) + " số định danh", Stored: v, Logged: logged})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Group members: who holds a group's roles.
		rows, err = tx.query(`SELECT group_id, user_id FROM group_members ORDER BY group_id, user_id`)
		if err != nil {
			return err
		}
		stored := map[int64][]int64{}
		for rows.Next() {
			var g, u int64
			if err := rows.Scan(&g, &u); err != nil {
				rows.Close()
				return err
			}
			stored[g] = append(stored[g], u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for g := range stored {
			if _, ok := lg.members[g]; !ok {
				lg.members[g] = nil
			}
		}
		for g, want := range lg.members {
			if got := stored[g]; !slices.Equal(got, want) {
				problems = append(problems, DataProblem{Kind: "group", Key: "tổ/nhóm " + strconv.FormatInt(g, 10) + " thành viên", Stored: fmt.Sprint(got), Logged: fmt.Sprint(want)})
			}
		}
		rows, err = tx.query(`SELECT id, revoked_at IS NULL FROM role_grants`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var active bool
			if err := rows.Scan(&id, &active); err != nil {
				return err
			}
			logged, ok := lg.grants[id]
			switch {
			case !ok:
				problems = append(problems, DataProblem{Kind: "grant", Key: "phân quyền " + strconv.FormatInt(id, 10), Stored: map[bool]string{true: "đang hiệu lực", false: "đã thu hồi"}[active], Logged: "(không có lần cấp nào)"})
			case logged != active:
				problems = append(problems, DataProblem{Kind: "grant", Key: "phân quyền " + strconv.FormatInt(id, 10), Stored: map[bool]string{true: "đang hiệu lực", false: "đã thu hồi"}[active], Logged: map[bool]string{true: "đang hiệu lực", false: "đã thu hồi"}[logged]})
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(problems, func(i, j int) bool {
		if problems[i].Kind != problems[j].Kind {
			return problems[i].Kind < problems[j].Kind
		}
		return problems[i].Key < problems[j].Key
	})
	return problems, nil
}

// replay applies one audit entry to what the log says the data is.
func (lg *dataLog) replay(e audit.Entry, setMark func(sheet, pupil int64, field, value string)) error {
	id, _ := strconv.ParseInt(e.ObjectID, 10, 64)
	switch e.Action {
	case "sheet.patch":
		var after struct {
			Cells map[string]string `json:"cells"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return fmt.Errorf("unreadable sheet.patch entry: %w", err)
		}
		for key, v := range after.Cells {
			dot := strings.IndexByte(key, '.')
			if dot < 0 {
				return fmt.Errorf("unreadable cell key %q", key)
			}
			pupil, err := strconv.ParseInt(key[:dot], 10, 64)
			if err != nil {
				return fmt.Errorf("unreadable cell key %q", key)
			}
			setMark(id, pupil, key[dot+1:], v)
		}
	case "correction.apply":
		var after struct {
			Cells []struct {
				PupilID int64  `json:"pupil_id"`
				Field   string `json:"field"`
				New     string `json:"new"`
			} `json:"cells"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return fmt.Errorf("unreadable correction.apply entry: %w", err)
		}
		for _, c := range after.Cells {
			setMark(id, c.PupilID, c.Field, c.New)
		}
	case "pupil.create":
		var after struct {
			Pupil struct {
				IdentityNumber string `json:"identity_number"`
			} `json:"pupil"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return fmt.Errorf("unreadable pupil.create entry: %w", err)
		}
		lg.identity[id] = after.Pupil.IdentityNumber
	case "pupil.update":
		var after struct {
			IdentityNumber string `json:"identity_number"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return fmt.Errorf("unreadable pupil.update entry: %w", err)
		}
		lg.identity[id] = after.IdentityNumber
	case "pupil.import":
		var after struct {
			Pupils map[string]struct {
				IdentityNumber string `json:"identity_number"`
			} `json:"pupils"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return fmt.Errorf("unreadable pupil.import entry: %w", err)
		}
		for k, v := range after.Pupils {
			pid, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				return fmt.Errorf("unreadable pupil id %q", k)
			}
			lg.identity[pid] = v.IdentityNumber
		}
	case "group.create", "group.members":
		var after struct {
			Members []int64 `json:"members"`
		}
		if err := json.Unmarshal([]byte(e.After), &after); err != nil {
			return fmt.Errorf("unreadable %s entry: %w", e.Action, err)
		}
		slices.Sort(after.Members)
		lg.members[id] = after.Members
	case "role.grant":
		lg.grants[id] = true
	case "role.revoke":
		lg.grants[id] = false
	}
	return nil
}
