package app

import (
	"context"
	"fmt"

	"sdgdt"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
)

// SignatureProblem is a signature that does not hold: marked valid in the
// database but not verifying (Broken), or marked invalid (for the record).
type SignatureProblem struct {
	Signature sdgdt.Signature
	Broken    bool   // marked valid, yet it does not verify over the current data
	Problem   string // Vietnamese
}

// String is one line of `sdgdt sign verify`.
func (p SignatureProblem) String() string {
	state := "không hợp lệ"
	if p.Broken {
		state = "ĐÁNH DẤU HỢP LỆ NHƯNG KHÔNG ĐÚNG"
	}
	return fmt.Sprintf("chữ ký %d (%s %s, %s, %s): %s — %s", p.Signature.ID, p.Signature.ObjectKind, p.Signature.ObjectKey,
		p.Signature.SignerName, p.Signature.SignedAt.Format("2006-01-02 15:04"), state, p.Problem)
}

// VerifySignatures recomputes the canonical document of every signed object
// (of one school, or all when schoolID is 0) and checks every signature: its
// CMS over its stored bytes against the trust roots and revocation lists,
// its digest, and, for one marked valid, that the stored bytes are the
// current document. Only the operator.
func (a *App) VerifySignatures(ctx context.Context, p *Principal, schoolID int64) (checked int, problems []SignatureProblem, err error) {
	if !p.system {
		return 0, nil, forbidden()
	}
	err = a.DB.View(ctx, func(tx *store.Tx) error {
		trust, err := a.trustIn(tx)
		if err != nil {
			return err
		}
		sigs, err := tx.SignaturesOfSchool(schoolID)
		if err != nil {
			return err
		}
		docs := map[string]*signDoc{}
		opts := trust.opts(a.Now())
		for _, sg := range sigs {
			checked++
			problem := ""
			if sign.Digest(sg.Canonical) != sg.Digest {
				problem = "mã băm lưu không khớp với tài liệu đã ký"
			} else if _, err := sign.Verify(sg.CMS, sg.Canonical, opts); err != nil {
				problem = sign.Reason(err) + " (" + err.Error() + ")"
			}
			if problem == "" && sg.Valid {
				o := objectOf(sg)
				k := o.Kind + ":" + o.key()
				d, ok := docs[k]
				if !ok {
					if d, err = a.canonicalDoc(tx, o); err != nil {
						return err
					}
					docs[k] = d
				}
				if !sameDoc(sg, d) {
					problem = "dữ liệu hiện tại khác dữ liệu đã ký"
					if ch := diffDocs(sg.Canonical, d.bytes); len(ch) > 0 {
						problem += fmt.Sprintf(" (%d ô thay đổi, ví dụ học sinh %s, cột %s)", len(ch), ch[0].PupilID, ch[0].Field)
					}
				}
			}
			switch {
			case problem != "":
				problems = append(problems, SignatureProblem{Signature: sg, Broken: sg.Valid, Problem: problem})
			case !sg.Valid:
				problems = append(problems, SignatureProblem{Signature: sg, Problem: sg.InvalidReason})
			}
		}
		return nil
	})
	return checked, problems, err
}
