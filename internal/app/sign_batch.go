package app

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
	"time"

	"sdgdt"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
)

// Batch signing: a teacher signs all his sheets of a term with one PIN entry,
// a leader a grade's class books with one PIN and one TOTP code. The key is
// opened once; each object is then signed as by Sign, in its own
// transaction, with one result per object. The batch runs in the background;
// its progress is read with SignJobStatus.

// SignBatchInput chooses what a batch signs.
type SignBatchInput struct {
	Kind     string // "sheets": the caller's sheets of Term; "books": the class books of Grade in SchoolID at Term
	Term     string
	SchoolID int64
	Grade    int
	PIN      string
	OTP      string
}

// SignBatchItem is one object of a batch and what became of it.
type SignBatchItem struct {
	Object      SignObject
	Name        string
	SignatureID int64
	Skipped     bool   // already signed, over the current data
	Error       string // Vietnamese, "" when signed or skipped
}

// SignJob is a batch and its progress.
type SignJob struct {
	ID         string
	UserID     int64
	Kind, Term string
	Total      int
	Done       int
	Signed     int
	Failed     int
	Items      []SignBatchItem
	Finished   bool
	StartedAt  time.Time
	FinishedAt time.Time
}

// signJobs keeps the batches of this process (the latest hundred).
type signJobs struct {
	mu    sync.Mutex
	jobs  map[string]*SignJob
	order []string
}

func newSignJobs() *signJobs { return &signJobs{jobs: map[string]*SignJob{}} }

func (j *signJobs) add(job *SignJob) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.jobs[job.ID] = job
	j.order = append(j.order, job.ID)
	if len(j.order) > 100 {
		delete(j.jobs, j.order[0])
		j.order = j.order[1:]
	}
}

func (j *signJobs) snapshot(id string) (SignJob, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.jobs[id]
	if !ok {
		return SignJob{}, false
	}
	out := *job
	out.Items = append([]SignBatchItem(nil), job.Items...)
	return out, true
}

func (j *signJobs) update(id string, f func(*SignJob)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if job, ok := j.jobs[id]; ok {
		f(job)
	}
}

// batchItems lists what a batch signs, checking the caller's rights.
func (a *App) batchItems(ctx context.Context, p *Principal, in SignBatchInput) ([]SignBatchItem, error) {
	var items []SignBatchItem
	switch in.Kind {
	case "sheets":
		list, err := a.MyAssignments(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, as := range list {
			if as.Term == in.Term && as.SheetID != 0 {
				items = append(items, SignBatchItem{Object: SignObject{Kind: sdgdt.SignSheet, SheetID: as.SheetID},
					Name: as.SubjectName + " · lớp " + as.ClassName + " · " + as.TermName()})
			}
		}
	case "books":
		err := a.DB.View(ctx, func(tx *store.Tx) error {
			s, err := tx.School(in.SchoolID)
			if err != nil {
				return err
			}
			if !Can(p, ActApprove, SchoolTarget(s)) {
				return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Chỉ lãnh đạo nhà trường mới ký xác nhận sổ của các lớp."}
			}
			y, err := tx.CurrentYear()
			if err != nil {
				return err
			}
			classes, err := tx.ClassesOf(s.ID, y.ID)
			if err != nil {
				return err
			}
			sort.Slice(classes, func(i, j int) bool { return classes[i].Name < classes[j].Name })
			for _, c := range classes {
				if c.Grade != in.Grade {
					continue
				}
				if !validTermFor(c, in.Term) {
					return badSignTerm(in.Term)
				}
				items = append(items, SignBatchItem{Object: SignObject{Kind: sdgdt.SignBook, ClassID: c.ID, Term: in.Term},
					Name: "Sổ lớp " + c.Name + " · " + sdgdt.TermName(in.Term)})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, &sdgdt.Error{Code: sdgdt.EMALFORMED, Message: "Loại ký hàng loạt không hợp lệ (sheets hoặc books)."}
	}
	if len(items) == 0 {
		return nil, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Không có dữ liệu nào để ký ở " + sdgdt.TermName(in.Term) + "."}
	}
	return items, nil
}

// StartSignBatch checks the PIN (and, for class books, the TOTP code) once
// and signs every object of the batch in the background. A wrong PIN is
// refused at once (422, throttled); the result of each object is in the job.
func (a *App) StartSignBatch(ctx context.Context, p *Principal, in SignBatchInput) (SignJob, error) {
	items, err := a.batchItems(ctx, p, in)
	if err != nil {
		return SignJob{}, err
	}
	if in.PIN == "" {
		return SignJob{}, pinError("Vui lòng nhập mã PIN ký.")
	}
	var key sdgdt.SigningKey
	var user sdgdt.User
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		if err := a.checkSignThrottle(tx, p.User.ID); err != nil {
			return err
		}
		var err error
		if user, err = tx.User(p.User.ID); err != nil {
			return err
		}
		key, err = tx.ActiveKey(p.User.ID)
		if sdgdt.ErrorCode(err) == sdgdt.ENOTFOUND {
			return signErr(sdgdt.EINVALID, "Bạn chưa đăng ký chữ ký số: vào trang “Chữ ký số” trong tài khoản để đăng ký và đặt mã PIN ký.")
		}
		return err
	}); err != nil {
		return SignJob{}, err
	}
	if len(key.SealedKey) == 0 {
		return SignJob{}, signErr(sdgdt.EINVALID, "Khóa ký của bạn nằm trên thiết bị ký riêng: ký hàng loạt cần khóa do hệ thống giữ.")
	}
	if in.Kind == "books" {
		if !user.TOTPEnabled {
			return SignJob{}, signErr(sdgdt.EFORBIDDEN, "Lãnh đạo cần bật xác thực hai lớp (TOTP) trước khi ký xác nhận sổ.")
		}
		step, ok := auth.VerifyTOTP(user.TOTPSecret, strings.TrimSpace(in.OTP), a.Now(), user.TOTPLastStep)
		if !ok {
			if err := a.recordSignAttempt(ctx, p.User.ID, false); err != nil {
				return SignJob{}, err
			}
			return SignJob{}, &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Mã xác thực không đúng hoặc đã dùng.", Fields: map[string]string{"otp": "Mã xác thực không đúng hoặc đã dùng."}}
		}
		if err := a.DB.Update(ctx, func(tx *store.Tx) error {
			u, err := tx.User(p.User.ID)
			if err != nil {
				return err
			}
			if u.TOTPLastStep >= step {
				return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Mã xác thực đã được dùng; hãy chờ mã mới.", Fields: map[string]string{"otp": "Mã xác thực đã được dùng."}}
			}
			u.TOTPLastStep = step
			return tx.UpdateUser(&u)
		}); err != nil {
			return SignJob{}, err
		}
	}
	priv, err := a.openKey(ctx, p, key, in.PIN)
	if err != nil {
		return SignJob{}, err
	}
	var idb [8]byte
	rand.Read(idb[:])
	job := &SignJob{ID: hex.EncodeToString(idb[:]), UserID: p.User.ID, Kind: in.Kind, Term: in.Term, Total: len(items), Items: items, StartedAt: a.Now()}
	a.signJobs.add(job)
	snap, _ := a.signJobs.snapshot(job.ID)
	bg := context.WithoutCancel(ctx)
	go a.runSignBatch(bg, p, job.ID, items, priv, key.ID)
	return snap, nil
}

func (a *App) runSignBatch(ctx context.Context, p *Principal, id string, items []SignBatchItem, key crypto.Signer, keyID int64) {
	for i, it := range items {
		res := it
		if st, err := a.Signatures(ctx, p, it.Object); err == nil && len(st.Signatures) > 0 && st.Signatures[0].Current && st.Signatures[0].SignerID == p.User.ID {
			res.Skipped, res.SignatureID = true, st.Signatures[0].ID
		} else if sg, err := a.Sign(ctx, p, it.Object, SignInput{opened: key, openedID: keyID, otpDone: true}); err != nil {
			res.Error = sdgdt.ErrorMessage(err)
			if sdgdt.ErrorCode(err) == sdgdt.EINTERNAL || sdgdt.ErrorCode(err) == "" {
				a.Log.Error("batch signing", "err", err, "object", it.Name)
				res.Error = "Lỗi hệ thống khi ký."
			}
		} else {
			res.SignatureID = sg.ID
		}
		a.signJobs.update(id, func(j *SignJob) {
			j.Items[i] = res
			j.Done++
			switch {
			case res.Error != "":
				j.Failed++
			case !res.Skipped:
				j.Signed++
			}
			if j.Done == j.Total {
				j.Finished, j.FinishedAt = true, a.Now()
			}
		})
	}
}

// SignJobStatus returns a batch of the caller's.
func (a *App) SignJobStatus(p *Principal, id string) (SignJob, error) {
	job, ok := a.signJobs.snapshot(id)
	if !ok || job.UserID != p.User.ID {
		return SignJob{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy lượt ký hàng loạt này (có thể máy chủ đã khởi động lại)."}
	}
	return job, nil
}

// BookState is a class book of a term on the school's signing overview.
type BookState struct {
	Class   sdgdt.Class
	Term    string
	Latest  *sdgdt.Signature // the newest signature, nil when never signed
	Current bool             // it is valid over the current data
	Missing int              // parts without a valid signature
}

// SchoolSigning is the signing overview of a school's class books.
type SchoolSigning struct {
	School  sdgdt.School
	Terms   []string
	Grades  []int
	Books   []BookState // by class, then term
	CanSign bool        // a leader: may sign the books
}

// SchoolBooks returns the state of every class book of a school's current
// year, for its leaders, board and administrators and the units above.
func (a *App) SchoolBooks(ctx context.Context, p *Principal, schoolID int64) (SchoolSigning, error) {
	var out SchoolSigning
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		if err != nil {
			return err
		}
		out.School = s
		if !Can(p, ActReadSheet, SchoolTarget(s)) {
			return forbidden()
		}
		out.CanSign = Can(p, ActApprove, SchoolTarget(s))
		y, err := tx.CurrentYear()
		if err != nil {
			return err
		}
		classes, err := tx.ClassesOf(s.ID, y.ID)
		if err != nil {
			return err
		}
		seenGrade := map[int]bool{}
		for _, c := range classes {
			if !seenGrade[c.Grade] {
				seenGrade[c.Grade] = true
				out.Grades = append(out.Grades, c.Grade)
			}
			terms := allTerms(c)
			if out.Terms == nil {
				out.Terms = terms
			}
			for _, term := range terms {
				d, err := a.bookDoc(tx, c.ID, term)
				if err != nil {
					return err
				}
				bs := BookState{Class: c, Term: term, Missing: len(d.missing)}
				sigs, err := tx.SignaturesOf(s.ID, sdgdt.SignBook, SignObject{Kind: sdgdt.SignBook, ClassID: c.ID, Term: term}.key())
				if err != nil {
					return err
				}
				if len(sigs) > 0 {
					bs.Latest = &sigs[0]
					bs.Current = sigs[0].Valid && sameDoc(sigs[0], d)
				}
				out.Books = append(out.Books, bs)
			}
		}
		sort.Ints(out.Grades)
		return nil
	})
	return out, err
}
