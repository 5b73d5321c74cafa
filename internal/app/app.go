// Package app holds the use cases of the system: one method per action. Each
// write use case checks rights with the one policy function (policy.go), validates
// its input, and writes the data and its audit entry in one transaction.
package app

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"sdgdt"
	"sdgdt/internal/audit"
	"sdgdt/internal/auth"
	"sdgdt/internal/sign"
	"sdgdt/internal/store"
)

// Config holds the security settings of the use cases.
type Config struct {
	IdleTimeout     time.Duration // web sessions end after this long without activity
	AbsoluteTimeout time.Duration // web sessions end this long after sign-in
	TokenTTL        time.Duration // API tokens expire after this long
	MFARoles        map[string]bool
	Throttle        auth.Throttle
	Argon           auth.Params
	Issuer          string // shown in authenticator apps
	// Clock is the one clock of the system: every transaction, page and job
	// reads the time from it. Nil means the database's own (time.Now).
	Clock func() time.Time
	// PublicURL is the address people reach the server at, for the
	// verification links printed on documents ("https://sdgd.example.vn").
	PublicURL string

	// Digital signatures: the KDF that seals signers' keys under their PIN,
	// the validity of certificates the province CA issues, the passphrase of
	// the CA's key (enrolment needs it; "" leaves enrolment to the command
	// line), and trust roots besides the province CA (--trust-roots).
	SignKDF      sign.KDFParams
	CertValidity time.Duration
	CAPassphrase string
	TrustRoots   []*x509.Certificate
}

// DefaultConfig returns the production settings.
func DefaultConfig() Config {
	mfa := map[string]bool{}
	for _, r := range sdgdt.Roles {
		if r.NeedsMFA {
			mfa[r.Code] = true
		}
	}
	return Config{
		IdleTimeout:     30 * time.Minute,
		AbsoluteTimeout: 12 * time.Hour,
		TokenTTL:        12 * time.Hour,
		MFARoles:        mfa,
		Throttle:        auth.DefaultThrottle,
		Argon:           auth.DefaultParams,
		Issuer:          "SĐGĐT",
		SignKDF:         sign.DefaultKDFParams,
		CertValidity:    3 * 365 * 24 * time.Hour,
	}
}

// App is the set of use cases over one database.
type App struct {
	DB  *store.DB
	Cfg Config
	Log *slog.Logger

	dummyOnce sync.Once
	dummy     string
	recompute *recomputer  // the background recomputation of stored results
	kinds     sync.Map     // school id → kind, for wording pages (kinds do not change)
	signJobs  *signJobs    // batch signing in progress (sign_batch.go)
	computed  atomic.Int64 // pupil-years this process computed and stored (ResultsComputed)
}

// SchoolKind returns the kind of a school ("" if there is none), for wording
// pages and exports (sdgdt.ForKind). It reads the database once per school.
func (a *App) SchoolKind(ctx context.Context, schoolID int64) string {
	if k, ok := a.kinds.Load(schoolID); ok {
		return k.(string)
	}
	var kind string
	err := a.DB.View(ctx, func(tx *store.Tx) error {
		s, err := tx.School(schoolID)
		kind = s.Kind
		return err
	})
	if err != nil {
		return ""
	}
	a.kinds.Store(schoolID, kind)
	return kind
}

// New returns the use cases over db.
func New(db *store.DB, cfg Config, log *slog.Logger) *App {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock != nil {
		db.Now = cfg.Clock
	}
	return &App{DB: db, Cfg: cfg, Log: log, recompute: newRecomputer(), signJobs: newSignJobs()}
}

// Now reads the system's clock, the one every transaction uses.
func (a *App) Now() time.Time { return a.DB.Now() }

// Principal is who acts: an account with its roles, and where the request came from.
type Principal struct {
	User      sdgdt.User
	Roles     []sdgdt.RoleRef
	SessionID string
	IP        string
	UserAgent string
	RequestID string
	system    bool
}

// System returns the principal of the command line (demo, admin): the operator
// who holds the database holds every right.
func System(requestID string) *Principal {
	return &Principal{User: sdgdt.User{FullName: "Hệ thống (dòng lệnh)"}, RequestID: requestID, system: true}
}

// HasRole reports whether the principal holds role on any scope.
func (p *Principal) HasRole(role string) bool {
	for _, r := range p.Roles {
		if r.Role == role {
			return true
		}
	}
	return false
}

// record appends the audit entry of a write to tx. before and after are turned
// into JSON; nil gives "".
func record(tx *store.Tx, p *Principal, action sdgdt.Action, objKind, objID string, schoolID int64, unitPath string, before, after any) error {
	e := &audit.Entry{
		Chain:      audit.ChainFor(schoolID),
		ActorID:    p.User.ID,
		ActorName:  p.User.FullName,
		Action:     string(action),
		ObjectKind: objKind,
		ObjectID:   objID,
		SchoolID:   schoolID,
		UnitPath:   unitPath,
		Before:     toJSON(before),
		After:      toJSON(after),
		IP:         p.IP,
		RequestID:  p.RequestID,
	}
	return tx.AppendAudit(e)
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return `{"error":"not serialisable"}`
	}
	return string(b)
}

func forbidden() error {
	return &sdgdt.Error{Code: sdgdt.EFORBIDDEN, Message: "Bạn không có quyền thực hiện thao tác này."}
}
