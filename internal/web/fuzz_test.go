package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/store"
	"sdgdt/internal/store/storetest"
	"sdgdt/internal/web"
)

// tokenServer is a server over a database with one account, "fuzz.user".
func tokenServer(t testing.TB, db *store.DB) http.Handler {
	cfg := app.DefaultConfig()
	cfg.Argon = auth.TestParams
	a := app.New(db, cfg, nil)
	ctx, sys := context.Background(), app.System("fuzz")
	u, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục Thử", "SO")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: "fuzz.user", FullName: "Người Thử", HomeKind: sdgdt.ScopeUnit, HomeID: u.ID, Password: "Mật-khẩu-thử-2026"}); err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(a, slog.New(slog.DiscardHandler), web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// checkTokenAnswer posts body to the token endpoint: the answer is 200 with a
// token, or an error status (never 500) with the API's error shape.
func checkTokenAnswer(t testing.TB, h http.Handler, body []byte) {
	req := httptest.NewRequest("POST", "/api/v1/auth/token", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	switch {
	case rec.Code == http.StatusOK:
		var ok struct{ Token string }
		if json.Unmarshal(rec.Body.Bytes(), &ok) != nil || ok.Token == "" {
			t.Fatalf("200 without a token for %q: %s", body, rec.Body)
		}
	case rec.Code >= 500:
		t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
	default:
		var e struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("status %d for %q without the error shape: %s", rec.Code, body, rec.Body)
		}
	}
}

var tokenSeeds = []string{
	`{"username":"fuzz.user","password":"Mật-khẩu-thử-2026"}`,
	`{"username":"fuzz.user","password":"sai","otp":"123456"}`,
	`{"username":"fuzz.user\u0000","password":"x"}`,
	`{"username":"\u0000","password":"\u0000"}`,
	"{\"username\":\"\xff\xfe\",\"password\":\"x\"}",
	`{"username":"` + string(bytes.Repeat([]byte("a"), 5000)) + `","password":"x"}`,
	`{"username":null,"password":null}`,
	`[]`, `null`, `"x"`, `{`, ``, `{"a":1}`, `{"username":"a"}{"username":"b"}`,
}

// TestTokenDecoderOnEachEngine runs the fuzz seeds on both engines, where a
// string the database refuses (NUL, invalid UTF-8) would show as a 500.
func TestTokenDecoderOnEachEngine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := tokenServer(t, db)
		for _, s := range tokenSeeds {
			checkTokenAnswer(t, h, []byte(s))
		}
	})
}

func FuzzAPIToken(f *testing.F) {
	h := tokenServer(f, storetest.OpenSQLite(f))
	for _, s := range tokenSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkTokenAnswer(t, h, body)
	})
}
