package classify

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLitMatcherAgreesWithContains: the one-pass literal finder marks exactly the gate literals
// strings.Contains finds, on every sentence of the labelled letters.
func TestLitMatcherAgreesWithContains(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	lits := c.rs().lits
	if len(lits) < 100 {
		t.Fatalf("only %d gate literals", len(lits))
	}
	dirs, _ := filepath.Glob("testdata/heldout*")
	checked, found := 0, 0
	for _, d := range dirs {
		g, err := LoadGold(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range g {
			for _, s := range c.rs().segment(x.Text) {
				// The rules match on the transliterated sentence (translit.go).
				lower := translit(strings.ToLower(x.Text[s.start:s.end]))
				present := make([]bool, len(lits))
				ids := c.rs().litMatch.mark(lower, present, nil)
				listed := map[int32]bool{}
				for _, id := range ids {
					if listed[id] {
						t.Fatalf("literal %q listed twice", lits[id])
					}
					listed[id] = true
				}
				for id, l := range lits {
					if want := strings.Contains(lower, l); present[id] != want || listed[int32(id)] != want {
						t.Fatalf("literal %q in %q: matcher %v (listed %v), Contains %v", l, lower, present[id], listed[int32(id)], want)
					}
					if present[id] {
						found++
					}
				}
				// Every gate passes exactly when each of its literal sets has a literal in the
				// sentence.
				mt := c.rs().matchText(x.Text[s.start:s.end], "")
				for _, r := range c.rs().rules {
					for pi, g := range r.gateIDs {
						if got, want := mt.passes(r.gateIdx[pi]), gateHolds(g, present); got != want {
							t.Fatalf("gate %v of the rule on line %d in %q: passes %v, want %v", g, r.line, lower, got, want)
						}
					}
				}
				checked++
			}
		}
	}
	if checked < 1000 || found == 0 {
		t.Fatalf("checked %d sentences, %d literals found", checked, found)
	}
}

// gateHolds is the gate test spelled out: every set has a present literal.
func gateHolds(gate [][]int, present []bool) bool {
	for _, set := range gate {
		ok := false
		for _, id := range set {
			ok = ok || present[id]
		}
		if !ok {
			return false
		}
	}
	return true
}
