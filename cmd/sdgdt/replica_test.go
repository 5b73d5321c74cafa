package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"sdgdt/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.StopReplication() // the primary and standby of TestServeReplica
	os.Exit(code)
}

// TestServeReplica runs serve with a read replica from the environment
// (SDGDT_REPLICA_DB) and reads its state on /metrics; serve refuses a
// replica that is the primary itself, and starts with one that does not
// answer, the primary serving meanwhile.
func TestServeReplica(t *testing.T) {
	r := storetest.NewReplication(t)
	if err, _, stderr := runCmd(t, "", "serve", "--addr", "127.0.0.1:0", "--db", r.Primary, "--replica-db", r.Primary); err == nil || !strings.Contains(err.Error(), "not a standby") {
		t.Fatalf("serve with the primary as replica: %v %s, want «not a standby»", err, stderr)
	}
	down := "postgres://postgres@127.0.0.1:1/sdgdt?sslmode=disable" // nothing listens on port 1
	serveReplica(t, map[string]string{"SDGDT_DB": r.Primary, "SDGDT_REPLICA_DB": down},
		[]string{"sdgdt_replica_up 0\n", `sdgdt_replica_reads_total{served="primary"} `}, "read replica not answering")
	serveReplica(t, map[string]string{"SDGDT_DB": r.Primary, "SDGDT_REPLICA_DB": r.Standby, "SDGDT_REPLICA_MAX_LAG": "5s"},
		[]string{"sdgdt_replica_up 1\n", "sdgdt_replica_lag_seconds ", `sdgdt_replica_reads_total{served="replica"} `, `sdgdt_replica_reads_total{served="primary"} `},
		"read replica attached")
}

// serveReplica runs serve with env, checks that /metrics has each of
// metrics and the log the line logged, and stops it.
func serveReplica(t *testing.T, env map[string]string, metrics []string, logged string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"sdgdt", "serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	addrRE := regexp.MustCompile(`đang chạy tại http://(\S+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stdout.String()); m != nil {
			base = "http://" + m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no address printed: %q", stdout.String())
		}
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range metrics {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(stderr.String(), logged) {
		t.Errorf("no log line %q: %s", logged, stderr.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
