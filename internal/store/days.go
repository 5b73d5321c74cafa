package store

import (
	"time"

	"sdgdt"
)

// day parses a stored calendar day (yyyy-mm-dd) as midnight in Vietnam.
func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, sdgdt.Vietnam)
	if err != nil {
		return time.Time{}
	}
	return t
}
