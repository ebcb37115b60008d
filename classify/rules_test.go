package classify

import (
	"strings"
	"testing"
)

func TestEmbeddedRulesParse(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	// New compiles on first use: the embedded rules, calibration and model must compile.
	if err := c.parts.load(); err != nil {
		t.Fatal(err)
	}
	if len(c.Version()) != 12 {
		t.Errorf("version %q, want 12 hex digits", c.Version())
	}
	c2, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != c2.Version() {
		t.Errorf("version not stable: %s vs %s", c.Version(), c2.Version())
	}
	changed := newFromRules(rulesFile + "\n# a comment changes the version\n")
	if changed.Version() == c.Version() {
		t.Error("version did not change with the rules file")
	}
	// Every outcome slug has at least one rule, and both flags have rules.
	seen := map[string]bool{}
	for _, r := range c.rs().rules {
		if r.kind == kindOutcome {
			seen[string(r.outcome)] = true
		} else {
			seen[r.kind.String()] = true
		}
	}
	for _, k := range []string{"stadfaestet", "aendret", "ophaevet", "hjemvist", "afvist", "kritik", "ugyldig"} {
		if !seen[k] {
			t.Errorf("no rule for %s", k)
		}
	}
}

func TestRulesErrors(t *testing.T) {
	base := "section resultat inline result\n  Resultatet er:\ngroup own = indledning,resultat\n"
	tests := []struct{ name, src, msg string }{
		{"bad regexp", base + "outcome hjemvist score=1 sections=own\n  vi (hjemviser\n", "pattern"},
		{"unknown outcome", base + "outcome bortfaldet score=1 sections=own\n  x\n", "unknown outcome"},
		{"score out of range", base + "kritik score=1.5 sections=own\n  x\n", "score"},
		{"unknown section", base + "kritik score=1 sections=nowhere\n  x\n", "unknown section"},
		{"no patterns", base + "ugyldig score=1 sections=own\n", "no patterns"},
		{"pattern outside rule", "  x\n", "outside a rule"},
		{"unknown kind", base + "label x\n  y\n", "unknown rule kind"},
		{"bad veto scope", base + "outcome hjemvist score=1 sections=own\n  x\nveto outcome scope=word\n  y\n", "scope"},
		{"no rules", base, "no outcome"},
		{"group with unknown section", "group own = nowhere\noutcome hjemvist score=1 sections=own\n  x\n", "unknown section"},
		{"result on a flag", base + "kritik score=1 sections=own result=yes\n  x\n", "result=yes is for outcome rules"},
		{"fallback not yes or no", base + "outcome hjemvist score=1 sections=own fallback=maybe\n  x\n", "fallback must be yes or no"},
		{"result not yes or no", base + "outcome hjemvist score=1 sections=own result=ja\n  x\n", "result must be yes or no"},
	}
	for _, tc := range tests {
		err := newFromRules(tc.src).parts.load()
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.msg)
		}
	}
}

func TestSegmentSections(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := "Du har klaget. Resultatet er: Det betyder, at vi stadfæster afgørelsen. Begrundelse for afgørelsen om stadfæstelse af afgørelsen om p-piller Sådan vurderer vi sagen Om reglerne om inddragelse bemærker vi, at kommunen skal høre B. Om reglerne Loven siger, at jf. Ankestyrelsens praksis gælder 10.000 kr. Mødebehandling Sagen er behandlet på møde."
	var got []string
	for _, s := range c.rs().segment(text) {
		got = append(got, s.section+": "+text[s.start:s.end])
	}
	want := []string{
		"indledning: Du har klaget.",
		"resultat: Det betyder, at vi stadfæster afgørelsen.",
		"vurdering: Om reglerne om inddragelse bemærker vi, at kommunen skal høre B.",
		"regler: Loven siger, at jf. Ankestyrelsens praksis gælder 10.000 kr.",
		"moede: Sagen er behandlet på møde.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("segments:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGates checks that the literal gates never hide a match: on every sentence of the test
// letters where a pattern matches, its gate passes; and that most patterns have a gate.
func TestGates(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	gated, total := 0, 0
	for _, r := range c.rs().rules {
		for i, re := range r.res {
			total++
			if r.gates[i] != nil {
				gated++
			}
			for _, lc := range letters {
				for _, s := range c.rs().segment(lc.text) {
					st := lc.text[s.start:s.end]
					if re.MatchString(st) && !passes(strings.ToLower(st), r.gates[i]) {
						t.Errorf("rules line %d: gate %q hides a match in %q", r.line, r.gates[i], st)
					}
				}
			}
		}
	}
	if gated*2 < total {
		t.Errorf("only %d of %d patterns have a gate", gated, total)
	}
	if g := gate(`\b(?:[Vv]i|Ankestyrelsen) (?:\p{L}+ )?stadfæster\b`); len(g) == 0 || g[len(g)-1][0] != "stadfæster" {
		t.Errorf("gate = %q, want it to end with [stadfæster]", g)
	}
	// A factored alternation ("hv(?:orfor|ilke)") is expanded back into whole words.
	if g := gate(`(?i)\bikke,? (?:hvilke|hvorfor)\b`); len(g) != 1 || len(g[0]) != 4 {
		t.Errorf("gate = %q, want the four whole phrases", g)
	}
	if g := gate(`(?i)(?:sagen blev|hjemvistes) x`); len(g) != 1 || len(g[0]) != 2 {
		t.Errorf("gate = %q, want the two literals", g)
	}
	if g := gate(`(?i)\bikke (?:\p{L}+ ){0,3}oplyst\b`); len(g) != 2 {
		t.Errorf("gate = %q, want both ikke and oplyst", g)
	}
}
