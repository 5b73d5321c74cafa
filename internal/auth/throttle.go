package auth

import (
	"fmt"
	"time"
)

// Throttle says how sign-in attempts are limited.
type Throttle struct {
	MaxFailures int           // failures within Window that trigger a lockout; ≤ 0 disables
	Window      time.Duration // how far back failures count
	Lockout     time.Duration // lockout length, counted from the latest failure
}

// DefaultThrottle locks a key for 15 minutes after 5 failures in 15 minutes.
var DefaultThrottle = Throttle{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute}

// LockedUntil returns when a key (account or client address) may try again,
// given the times of its recent failed attempts (any order), and whether it
// is locked at now.
//
// Failures count when they are in (now-Window, now]; failures after now are
// ignored. If at least MaxFailures count, the key is locked until the latest
// counted failure plus Lockout, provided that is after now. When not locked
// it returns the zero time and false.
func (t Throttle) LockedUntil(failures []time.Time, now time.Time) (until time.Time, locked bool) {
	if t.MaxFailures <= 0 {
		return time.Time{}, false
	}
	since := now.Add(-t.Window)
	var n int
	var latest time.Time
	for _, f := range failures {
		if !f.After(since) || f.After(now) {
			continue
		}
		n++
		if f.After(latest) {
			latest = f
		}
	}
	if n < t.MaxFailures {
		return time.Time{}, false
	}
	until = latest.Add(t.Lockout)
	if !until.After(now) {
		return time.Time{}, false
	}
	return until, true
}

// LockoutMessage returns the Vietnamese message telling the user how long to
// wait: minutes rounded up, at least 1.
func LockoutMessage(until, now time.Time) string {
	d := until.Sub(now)
	n := int64(d / time.Minute)
	if d%time.Minute > 0 {
		n++
	}
	if n < 1 {
		n = 1
	}
	return fmt.Sprintf("Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %d phút.", n)
}
