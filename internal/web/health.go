package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.app.DB.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	fmt.Fprintln(w, "ready")
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// metrics counts requests per route and status and their durations, in the
// Prometheus text format.
type metrics struct {
	mu       sync.Mutex
	start    time.Time
	requests map[string]int64 // "route\x00code"
	buckets  []float64
	hist     map[string][]int64 // route → counts per bucket (+Inf last)
	sum      map[string]float64
}

func newMetrics() *metrics {
	return &metrics{start: time.Now(), requests: map[string]int64{}, hist: map[string][]int64{}, sum: map[string]float64{},
		buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	if status == 0 {
		status = 200
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[fmt.Sprintf("%s\x00%d", route, status)]++
	h := m.hist[route]
	if h == nil {
		h = make([]int64, len(m.buckets)+1)
		m.hist[route] = h
	}
	sec := d.Seconds()
	for i, b := range m.buckets {
		if sec <= b {
			h[i]++
		}
	}
	h[len(m.buckets)]++
	m.sum[route] += sec
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	if !s.mayScrape(r) {
		http.Error(w, "Chỉ đọc được số liệu vận hành từ máy chủ này, hoặc với mã truy cập (--metrics-token).", http.StatusForbidden)
		return
	}
	m := s.metrics
	var b strings.Builder
	m.mu.Lock()
	b.WriteString("# HELP sdgdt_http_requests_total HTTP requests by route and status.\n# TYPE sdgdt_http_requests_total counter\n")
	keys := make([]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts := strings.SplitN(k, "\x00", 2)
		fmt.Fprintf(&b, "sdgdt_http_requests_total{route=%q,code=%q} %d\n", parts[0], parts[1], m.requests[k])
	}
	b.WriteString("# HELP sdgdt_http_request_duration_seconds HTTP request durations by route.\n# TYPE sdgdt_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.hist))
	for k := range m.hist {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, rt := range routes {
		h := m.hist[rt]
		for i, bk := range m.buckets {
			fmt.Fprintf(&b, "sdgdt_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", rt, bk, h[i])
		}
		fmt.Fprintf(&b, "sdgdt_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", rt, h[len(m.buckets)])
		fmt.Fprintf(&b, "sdgdt_http_request_duration_seconds_sum{route=%q} %g\n", rt, m.sum[rt])
		fmt.Fprintf(&b, "sdgdt_http_request_duration_seconds_count{route=%q} %d\n", rt, h[len(m.buckets)])
	}
	uptime := time.Since(m.start).Seconds()
	m.mu.Unlock()
	wr, rd := s.app.DB.Stats()
	fmt.Fprintf(&b, "# HELP sdgdt_uptime_seconds Seconds since the server started.\n# TYPE sdgdt_uptime_seconds gauge\nsdgdt_uptime_seconds %g\n", uptime)
	fmt.Fprintf(&b, "# HELP sdgdt_db_open_connections Open database connections by pool.\n# TYPE sdgdt_db_open_connections gauge\n")
	fmt.Fprintf(&b, "sdgdt_db_open_connections{pool=\"writer\"} %d\nsdgdt_db_open_connections{pool=\"reader\"} %d\n", wr.OpenConnections, rd.OpenConnections)
	fmt.Fprintf(&b, "# HELP sdgdt_db_wait_seconds_total Time spent waiting for a database connection.\n# TYPE sdgdt_db_wait_seconds_total counter\n")
	fmt.Fprintf(&b, "sdgdt_db_wait_seconds_total{pool=\"writer\"} %g\nsdgdt_db_wait_seconds_total{pool=\"reader\"} %g\n", wr.WaitDuration.Seconds(), rd.WaitDuration.Seconds())
	fmt.Fprintf(&b, "# HELP sdgdt_results_computed_total Pupil-years whose results this server computed and stored.\n# TYPE sdgdt_results_computed_total counter\nsdgdt_results_computed_total %d\n", s.app.ResultsComputed())
	if rs := s.app.DB.ReplicaStats(); rs.Attached {
		up, lag := 0, rs.Lag.Seconds()
		if rs.Up {
			up = 1
		} else {
			lag = -1
		}
		fmt.Fprintf(&b, "# HELP sdgdt_replica_up Whether the read replica answered its last check, in recovery.\n# TYPE sdgdt_replica_up gauge\nsdgdt_replica_up %d\n", up)
		fmt.Fprintf(&b, "# HELP sdgdt_replica_lag_seconds Replay lag of the read replica at its last check (-1 when it did not answer).\n# TYPE sdgdt_replica_lag_seconds gauge\nsdgdt_replica_lag_seconds %g\n", lag)
		fmt.Fprintf(&b, "# HELP sdgdt_replica_reads_total Dashboard and statistics reads, by the server that served them.\n# TYPE sdgdt_replica_reads_total counter\n")
		fmt.Fprintf(&b, "sdgdt_replica_reads_total{served=\"replica\"} %d\nsdgdt_replica_reads_total{served=\"primary\"} %d\n", rs.Replica, rs.Primary)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}

// mayScrape reports whether a request may read /metrics: from the loopback
// address itself (the direct peer, never a forwarded address), or with the
// configured bearer token.
func (s *Server) mayScrape(r *http.Request) bool {
	if tok := s.opt.MetricsToken; tok != "" {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(tok)) == 1 {
			return true
		}
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && ap.Addr().IsLoopback()
}
