// Package audit defines the entries of the tamper-evident audit log and the hash
// chain that links them: each entry's hash covers its content and the hash of the
// entry before it in the same chain, so that changing, removing or inserting an
// entry breaks every hash after it.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// Genesis is the previous hash of the first entry of every chain.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one recorded action.
type Entry struct {
	ID         int64
	Chain      string // "school:12" or "system"
	Seq        int64  // 1, 2, ... within the chain
	At         time.Time
	ActorID    int64
	ActorName  string
	Action     string // e.g. "user.create"
	ObjectKind string
	ObjectID   string
	SchoolID   int64
	UnitPath   string
	Before     string // JSON, "" when nothing was there
	After      string // JSON
	IP         string
	RequestID  string
	PrevHash   string
	Hash       string
}

// ChainFor returns the chain an action belongs to: its school's, or "system".
func ChainFor(schoolID int64) string {
	if schoolID == 0 {
		return "system"
	}
	return "school:" + strconv.FormatInt(schoolID, 10)
}

// ComputeHash returns the hash of the entry's content and PrevHash. Every field is
// length-prefixed, so no two different entries serialise alike.
func ComputeHash(e *Entry) string {
	h := sha256.New()
	field := func(s string) {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	field(e.Chain)
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.ActorID, 10))
	field(e.ActorName)
	field(e.Action)
	field(e.ObjectKind)
	field(e.ObjectID)
	field(strconv.FormatInt(e.SchoolID, 10))
	field(e.UnitPath)
	field(e.Before)
	field(e.After)
	field(e.IP)
	field(e.RequestID)
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Verifier checks entries chain by chain. Feed it the entries of each chain in
// order of Seq (chains may interleave), then call Finish with each chain's head.
type Verifier struct {
	last    map[string]*Entry
	expect  map[string]map[int64]anchor // chain → seq → anchored hash
	Checked int
}

type anchor struct {
	hash, source string
}

// Expect tells the verifier that entry h.Seq of chain had hash h.Hash when it
// was anchored outside the school's reach (a heads file exported to the unit
// above, or an anchor entry in the unit's own chain). A chain rewritten with
// recomputed hashes and head then fails at that entry.
func (v *Verifier) Expect(chain string, h Head, source string) {
	if v.expect == nil {
		v.expect = map[string]map[int64]anchor{}
	}
	if v.expect[chain] == nil {
		v.expect[chain] = map[int64]anchor{}
	}
	v.expect[chain][h.Seq] = anchor{h.Hash, source}
}

// Problem names the first broken entry found.
type Problem struct {
	EntryID int64
	Chain   string
	Seq     int64
	Reason  string
}

func (p *Problem) Error() string {
	if p.EntryID == 0 {
		return fmt.Sprintf("chuỗi %s: %s", p.Chain, p.Reason)
	}
	return fmt.Sprintf("mục %d (chuỗi %s, số thứ tự %d): %s", p.EntryID, p.Chain, p.Seq, p.Reason)
}

// NewVerifier returns an empty verifier.
func NewVerifier() *Verifier { return &Verifier{last: map[string]*Entry{}} }

// Add checks one entry against the one before it in its chain.
func (v *Verifier) Add(e Entry) *Problem {
	v.Checked++
	prev := v.last[e.Chain]
	wantSeq, wantPrev := int64(1), Genesis
	if prev != nil {
		wantSeq, wantPrev = prev.Seq+1, prev.Hash
	}
	p := &Problem{EntryID: e.ID, Chain: e.Chain, Seq: e.Seq}
	switch {
	case e.Seq != wantSeq:
		p.Reason = fmt.Sprintf("lẽ ra là số thứ tự %d: một mục bị mất hoặc bị chèn thêm", wantSeq)
		return p
	case e.PrevHash != wantPrev && prev != nil && ComputeHash(&e) == e.Hash:
		// This entry is intact, so the one before it was changed (its hash rewritten).
		return &Problem{EntryID: prev.ID, Chain: prev.Chain, Seq: prev.Seq, Reason: "mã băm của mục bị viết lại: mục sau nó nối với một mã băm khác"}
	case e.PrevHash != wantPrev:
		p.Reason = "mã băm trước không khớp với mục đứng trước"
		return p
	case ComputeHash(&e) != e.Hash:
		p.Reason = "nội dung không khớp mã băm (mục đã bị sửa)"
		return p
	}
	if a, ok := v.expect[e.Chain][e.Seq]; ok {
		if a.hash != e.Hash {
			p.Reason = "mã băm khác với mã đã neo trong " + a.source + ": chuỗi đã bị viết lại"
			return p
		}
		delete(v.expect[e.Chain], e.Seq)
	}
	v.last[e.Chain] = &e
	return nil
}

// Finish compares each chain's recorded head with the last entry seen, which
// detects entries removed from the end of a chain.
func (v *Verifier) Finish(heads map[string]Head) *Problem {
	chains := make([]string, 0, len(heads))
	for c := range heads {
		chains = append(chains, c)
	}
	for c := range v.last {
		if _, ok := heads[c]; !ok {
			chains = append(chains, c)
		}
	}
	for c, m := range v.expect {
		for seq, a := range m {
			return &Problem{Chain: c, Seq: seq, Reason: fmt.Sprintf("mục số %d, đã neo trong %s, không còn: chuỗi bị cắt hoặc viết lại", seq, a.source)}
		}
	}
	for _, c := range sortedUnique(chains) {
		h, last := heads[c], v.last[c]
		switch {
		case last == nil:
			return &Problem{Chain: c, Reason: fmt.Sprintf("đầu chuỗi ghi %d mục nhưng không tìm thấy mục nào", h.Seq)}
		case h.Seq != last.Seq || h.Hash != last.Hash:
			return &Problem{EntryID: last.ID, Chain: c, Seq: last.Seq, Reason: fmt.Sprintf("đầu chuỗi (số thứ tự %d) không khớp mục cuối: có mục bị xóa hoặc đầu chuỗi bị sửa", h.Seq)}
		}
	}
	return nil
}

// Head is the recorded last sequence number and hash of a chain.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

func sortedUnique(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
