package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLetter checks, for any input, that Letter does not panic, that every removal covers
// its placeholder, and that no CPR-shaped run survives.
func FuzzLetter(f *testing.F) {
	f.Add(letter)
	f.Add("Cpr.nr. 010190-1234")
	f.Add("0101901234 O1O19O-l234 01 01 90 12 34")
	f.Add("Kære \nVedr.:\nKopi til:\n")
	f.Add("010190-1234-5678 2902001234")
	f.Add("Med venlig hilsen\n")
	f.Fuzz(func(t *testing.T, in string) {
		r := Letter(in, Options{})
		if CPRShaped(r.Text) {
			t.Fatalf("CPR-shaped run survived: %q → %q", in, r.Text)
		}
		runes := []rune(r.Text)
		last := 0
		for _, x := range r.Removals {
			if x.Start < last || x.End > len(runes) {
				t.Fatalf("bad removal %+v in %q", x, r.Text)
			}
			if string(runes[x.Start:x.End]) != x.Category.Placeholder() {
				t.Fatalf("removal %+v covers %q", x, string(runes[x.Start:x.End]))
			}
			last = x.End
		}
		for _, x := range r.Reasons {
			if x.Start > x.End || x.End > len(runes) {
				t.Fatalf("bad reason %+v", x)
			}
		}
		if !utf8.ValidString(r.Text) {
			t.Fatal("invalid UTF-8 out")
		}
		if strings.Count(r.Text, "[CPR]") < r.Count(CPR) {
			t.Fatal("count mismatch")
		}
	})
}
