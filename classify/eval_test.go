package classify

import (
	"path/filepath"
	"strings"
	"testing"

	"omgjort"
)

// TestGoldSetShape holds the gold set to the bar: at least 80 letters, every error
// type at least 4 times, at least 15 letters with traps, every outcome present.
func TestGoldSetShape(t *testing.T) {
	gold, err := LoadGold(filepath.Join("testdata", "gold"))
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) < 80 {
		t.Errorf("gold set has %d letters, want at least 80", len(gold))
	}
	perType := map[omgjort.ErrorType]int{}
	outcomes := map[omgjort.Outcome]int{}
	traps := 0
	for _, g := range gold {
		for _, e := range g.Errors {
			perType[e]++
		}
		outcomes[g.Outcome]++
		if len(g.Traps) > 0 {
			traps++
		}
	}
	for _, et := range omgjort.ErrorTypes {
		if perType[et] < 4 {
			t.Errorf("error type %s occurs %d times in the gold set, want at least 4", et, perType[et])
		}
	}
	for _, o := range []omgjort.Outcome{omgjort.OutcomeStadfaestet, omgjort.OutcomeAendret, omgjort.OutcomeOphaevet, omgjort.OutcomeHjemvist, omgjort.OutcomeAfvist} {
		if outcomes[o] == 0 {
			t.Errorf("no gold letter with outcome %s", o)
		}
	}
	if traps < 15 {
		t.Errorf("%d letters with traps, want at least 15", traps)
	}
}

// TestGoldTargets runs the evaluation on the gold set and fails below the targets.
func TestGoldTargets(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	gold, err := LoadGold(filepath.Join("testdata", "gold"))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Evaluate(gold)
	if fails := r.Check(GoldTargets); len(fails) > 0 {
		var b strings.Builder
		r.Print(&b)
		t.Errorf("gold set below target: %s\n%s", strings.Join(fails, "; "), b.String())
	}
	for _, g := range gold {
		checkOffsets(t, c.ClassifyCase(g.Text))
	}
}

// TestRealCorpusEval evaluates the hand-labelled real decisions. It reports the figures (they
// are honest, not tuned to a target) and fails only if the labels no longer match the corpus.
func TestRealCorpusEval(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpus", "astdk-real")
	gold, err := LoadReal(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r := c.Evaluate(gold)
	var b strings.Builder
	r.Print(&b)
	t.Logf("real corpus:\n%s", b.String())
	if r.OutcomeAccuracy() < 1 {
		t.Errorf("real outcomes: accuracy %.3f, want 1 (the outcome table is exact)", r.OutcomeAccuracy())
	}
}

func TestGoldParseErrors(t *testing.T) {
	tests := []struct{ src, msg string }{
		{"outcome: hjemvist\nerrors: -\nkritik: nej\nugyldig: nej\nDu har klaget.", "blank line"},
		{"outcome: bortfaldet\nerrors: -\nkritik: nej\nugyldig: nej\n\nx", "unknown outcome"},
		{"outcome: hjemvist\nerrors: sagsbehandling\nkritik: nej\nugyldig: nej\n\nx", "unknown error type"},
		{"outcome: hjemvist\nerrors: -\nkritik: måske\nugyldig: nej\n\nx", "ja or nej"},
		{"outcome: hjemvist\nerrors: -\nkritik: nej\n\nx", "missing"},
	}
	for _, tc := range tests {
		if _, err := parseGold("x.txt", tc.src); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: error %v, want one mentioning %q", tc.src, err, tc.msg)
		}
	}
	g, err := parseGold("x.txt", "outcome: hjemvist\nerrors: sagsoplysning, begrundelse\nkritik: ja\nugyldig: nej\ntraps: claim\n\nBrev.")
	if err != nil || len(g.Errors) != 2 || !g.Kritik || g.Text != "Brev." || len(g.Traps) != 1 {
		t.Errorf("parse: %+v %v", g, err)
	}
}
