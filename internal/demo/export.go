package demo

import "math/rand/v2"

// What the province-scale data set (internal/demo/scale) reuses of the demo.

// Person is a generated Vietnamese name.
type Person = person

// NewPerson draws a realistic name of Đắk Lắk: mostly Kinh, some Ê Đê.
func NewPerson(r *rand.Rand) Person { return newPerson(r) }

// ASCII folds Vietnamese text to lower-case ASCII for usernames.
func ASCII(s string) string { return ascii(s) }

// Comment is a teacher's comment on a secondary subject at a level (0-10)
// and a variant k (0-2).
func Comment(by string, lvl float64, k int) string { return commentFor(by, lvl, k) }
