package store

import (
	"database/sql"

	"sdgdt"
)

// CreateApproval records a proposal.
func (t *Tx) CreateApproval(a *sdgdt.Approval) error {
	a.ProposedAt = t.Now
	var err error
	a.ID, err = t.insert(`INSERT INTO approvals (school_id, school_year_id, class_id, term, status, proposed_by, proposed_at, proposal_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.SchoolID, a.SchoolYearID, a.ClassID, a.Term, a.Status, a.ProposedBy, a.ProposedAt, a.ProposalNote)
	return err
}

// DecideApproval records a leader's decision.
func (t *Tx) DecideApproval(id int64, status string, by int64, note string, lockID int64) error {
	_, err := t.exec(`UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4, lock_id = $5 WHERE id = $6`,
		status, by, t.Now, note, nullInt(lockID), id)
	return err
}

const approvalQuery = `SELECT a.id, a.school_id, a.school_year_id, a.class_id, c.name, a.term, a.status, a.proposed_by, pu.full_name, a.proposed_at, a.proposal_note,
	COALESCE(a.decided_by, 0), COALESCE(du.full_name, ''), a.decided_at, a.decision_note, COALESCE(a.lock_id, 0)
	FROM approvals a JOIN classes c ON c.id = a.class_id JOIN users pu ON pu.id = a.proposed_by LEFT JOIN users du ON du.id = a.decided_by`

func (t *Tx) approvals(where string, args ...any) ([]sdgdt.Approval, error) {
	rows, err := t.query(approvalQuery+" WHERE "+where+" ORDER BY c.grade, c.name, "+sdgdt.TermOrderSQL("a.term")+", a.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sdgdt.Approval
	for rows.Next() {
		var a sdgdt.Approval
		var decided sql.NullTime
		if err := rows.Scan(&a.ID, &a.SchoolID, &a.SchoolYearID, &a.ClassID, &a.ClassName, &a.Term, &a.Status, &a.ProposedBy, &a.ProposerName, &a.ProposedAt,
			&a.ProposalNote, &a.DecidedBy, &a.DeciderName, &decided, &a.DecisionNote, &a.LockID); err != nil {
			return nil, err
		}
		a.DecidedAt = decided.Time
		out = append(out, a)
	}
	return out, rows.Err()
}

// Approval returns one approval.
func (t *Tx) Approval(id int64) (sdgdt.Approval, error) {
	as, err := t.approvals(`a.id = $1`, id)
	if err == nil && len(as) == 0 {
		err = &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy đề nghị phê duyệt."}
	}
	if err != nil {
		return sdgdt.Approval{}, err
	}
	return as[0], nil
}

// ApprovalsOf returns a school's approvals of a year.
func (t *Tx) ApprovalsOf(schoolID, yearID int64) ([]sdgdt.Approval, error) {
	return t.approvals(`a.school_id = $1 AND a.school_year_id = $2`, schoolID, yearID)
}
