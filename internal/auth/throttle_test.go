package auth

import (
	"strconv"
	"testing"
	"time"
)

func TestLockedUntil(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	ago := func(d ...time.Duration) []time.Time {
		var ts []time.Time
		for _, x := range d {
			ts = append(ts, now.Add(-x))
		}
		return ts
	}
	m := time.Minute
	s := time.Second
	cases := []struct {
		name      string
		th        Throttle
		failures  []time.Time
		wantUntil time.Time
		locked    bool
	}{
		{"none", DefaultThrottle, nil, time.Time{}, false},
		{"four", DefaultThrottle, ago(1*m, 2*m, 3*m, 4*m), time.Time{}, false},
		{"five", DefaultThrottle, ago(1*m, 2*m, 3*m, 4*m, 5*m), now.Add(14 * m), true},
		{"five unordered", DefaultThrottle, ago(5*m, 3*m, 1*m, 4*m, 2*m), now.Add(14 * m), true},
		{"five just now", DefaultThrottle, ago(0, 0, 0, 0, 0), now.Add(15 * m), true},
		{"one outside window", DefaultThrottle, ago(1*m, 2*m, 3*m, 4*m, 15*m), time.Time{}, false},
		{"old ones ignored", DefaultThrottle, ago(1*m, 2*m, 3*m, 4*m, 20*m, 30*m, 40*m), time.Time{}, false},
		{"lockout expired", Throttle{MaxFailures: 3, Window: time.Hour, Lockout: 5 * m}, ago(10*m, 11*m, 12*m), time.Time{}, false},
		{"lockout ends exactly now", Throttle{MaxFailures: 3, Window: time.Hour, Lockout: 5 * m}, ago(5*m, 6*m, 7*m), time.Time{}, false},
		{"lockout ends in a second", Throttle{MaxFailures: 3, Window: time.Hour, Lockout: 5 * m}, ago(5*m-s, 6*m, 7*m), now.Add(s), true},
		{"future failures ignored", DefaultThrottle, []time.Time{now.Add(m), now.Add(m), now.Add(m), now.Add(m), now.Add(m)}, time.Time{}, false},
		{"disabled", Throttle{}, ago(0, 0, 0, 0, 0, 0), time.Time{}, false},
		{"many", DefaultThrottle, ago(1*m, 1*m, 1*m, 1*m, 1*m, 1*m, 1*m, 1*m), now.Add(14 * m), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			until, locked := c.th.LockedUntil(c.failures, now)
			if locked != c.locked || !until.Equal(c.wantUntil) {
				t.Errorf("LockedUntil = %v, %v; want %v, %v", until, locked, c.wantUntil, c.locked)
			}
		})
	}
}

func TestLockoutMessage(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		d    time.Duration
		want int
	}{
		{15 * time.Minute, 15},
		{14*time.Minute + time.Second, 15},
		{61 * time.Second, 2},
		{time.Minute, 1},
		{time.Second, 1},
		{0, 1},
		{-time.Hour, 1},
	}
	for _, c := range cases {
		got := LockoutMessage(now.Add(c.d), now)
		want := "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau " + strconv.Itoa(c.want) + " phút."
		if got != want {
			t.Errorf("LockoutMessage(+%v) = %q, want %q", c.d, got, want)
		}
	}
}

func TestAccountDelayUntil(t *testing.T) {
	now := time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)
	s := time.Second
	n := func(k int, last time.Duration) []time.Time {
		out := []time.Time{now.Add(-last)}
		for i := 1; i < k; i++ {
			out = append(out, now.Add(-last-time.Duration(i)*time.Minute/10))
		}
		return out
	}
	cases := []struct {
		name    string
		fails   []time.Time
		until   time.Time
		delayed bool
	}{
		{"four: free", n(4, 0), time.Time{}, false},
		{"five: 1 s", n(5, 0), now.Add(s), true},
		{"five, 1 s ago: free again", n(5, s), time.Time{}, false},
		{"six: 2 s", n(6, 0), now.Add(2 * s), true},
		{"eight: 8 s", n(8, 0), now.Add(8 * s), true},
		{"thirty: capped at 5 min", n(30, 0), now.Add(5 * time.Minute), true},
		{"outside the window", n(30, 20*time.Minute), time.Time{}, false},
	}
	for _, c := range cases {
		until, delayed := DefaultThrottle.AccountDelayUntil(c.fails, now)
		if delayed != c.delayed || !until.Equal(c.until) {
			t.Errorf("%s: %v %v, want %v %v", c.name, until, delayed, c.until, c.delayed)
		}
	}
	if _, locked := DefaultThrottle.AddressLockedUntil(n(99, 0), now); locked {
		t.Error("99 failures lock an address")
	}
	if until, locked := DefaultThrottle.AddressLockedUntil(n(100, 0), now); !locked || !until.Equal(now.Add(15*time.Minute)) {
		t.Errorf("100 failures: %v %v", until, locked)
	}
}
