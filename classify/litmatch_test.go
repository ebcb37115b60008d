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
				lower := strings.ToLower(x.Text[s.start:s.end])
				present := make([]bool, len(lits))
				c.rs().litMatch.mark(lower, present)
				for id, l := range lits {
					if want := strings.Contains(lower, l); present[id] != want {
						t.Fatalf("literal %q in %q: matcher %v, Contains %v", l, lower, present[id], want)
					}
					if present[id] {
						found++
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
