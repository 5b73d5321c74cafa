package auth

import (
	"fmt"
	"time"
)

// Throttle says how sign-in attempts are limited. Three keys are counted:
//
//   - one account from one address: locked for Lockout after MaxFailures
//     (whoever guesses from there stops);
//   - one account from anywhere: never locked, only slowed down, by delays
//     that double after AccountFree failures up to AccountMaxDelay, so that
//     nobody can lock the principal out of his account from elsewhere;
//   - one address, any account: locked after AddressMaxFailures, high enough
//     for a whole school behind one NAT address.
type Throttle struct {
	MaxFailures        int           // failures of one account from one address that lock the pair; ≤ 0 disables every limit
	Window             time.Duration // how far back failures count
	Lockout            time.Duration // lockout length, counted from the latest failure
	AddressMaxFailures int           // failures from one address that lock it
	AccountFree        int           // failures of an account before its delays start
	AccountMaxDelay    time.Duration // the longest delay of an account
}

// DefaultThrottle: a pair is locked for 15 minutes after 5 failures in 15
// minutes; an account waits 1 s after its 5th failure, 2 s after the 6th, ...
// at most 5 minutes; an address is locked after 100 failures.
var DefaultThrottle = Throttle{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute,
	AddressMaxFailures: 100, AccountFree: 4, AccountMaxDelay: 5 * time.Minute}

// AddressLockedUntil is LockedUntil for the failures of one address.
func (t Throttle) AddressLockedUntil(failures []time.Time, now time.Time) (time.Time, bool) {
	if t.MaxFailures <= 0 || t.AddressMaxFailures <= 0 {
		return time.Time{}, false
	}
	a := t
	a.MaxFailures = t.AddressMaxFailures
	return a.LockedUntil(failures, now)
}

// AccountDelayUntil returns until when an account must wait before its next
// attempt, given its recent failures from any address: nothing for the first
// AccountFree failures, then 1 s, 2 s, 4 s, ... after the latest failure, at
// most AccountMaxDelay.
func (t Throttle) AccountDelayUntil(failures []time.Time, now time.Time) (time.Time, bool) {
	if t.MaxFailures <= 0 || t.AccountFree <= 0 {
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
	if n <= t.AccountFree {
		return time.Time{}, false
	}
	delay := t.AccountMaxDelay
	if k := n - t.AccountFree - 1; k < 20 && time.Second<<k < delay {
		delay = time.Second << k
	}
	until := latest.Add(delay)
	if !until.After(now) {
		return time.Time{}, false
	}
	return until, true
}

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

// DelayMessage returns the Vietnamese message of an account's delay, in
// seconds (or minutes when longer than two).
func DelayMessage(until, now time.Time) string {
	d := until.Sub(now)
	if d > 2*time.Minute {
		return fmt.Sprintf("Tài khoản này vừa bị nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau %d phút.", int((d+time.Minute-1)/time.Minute))
	}
	sec := int((d + time.Second - 1) / time.Second)
	if sec < 1 {
		sec = 1
	}
	return fmt.Sprintf("Tài khoản này vừa bị nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau %d giây.", sec)
}
