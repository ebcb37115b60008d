package classify

import (
	"strings"
	"testing"

	"omgjort"
)

// TestEmbeddedLetterModelIsCurrent retrains the letter model from the letters its header names
// and compares: the embedded weights are reproducible by the command in that header.
func TestEmbeddedLetterModelIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains the letter model (several seconds)")
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sources, all := headerSources(t, letterModelFile, "`omgjort eval --train-letter-model classify/letter-model.txt ")
	if got := c.TrainLetterModel(all, DefaultLetterModelOptions, sources); got != letterModelFile {
		t.Errorf("letter-model.txt is stale; run `go run ./cmd/omgjort eval --train-letter-model classify/letter-model.txt %s` (then the calibration command in calibration.txt)", strings.Join(sources, " "))
	}
}

// tinyLetterModel is a hand-written letter model: "medhold" in the result block weighs for
// ophaevet and "dom" for ukendt strongly enough to cross the override threshold; "enige" weighs
// for stadfaestet, enough to name an outcome where the rules found none but not to override.
const tinyLetterModel = `outcomes	stadfaestet aendret ophaevet hjemvist afvist ukendt
bias	0 0 0 0 0 0
R:medhold	0 0 12 0 0 0
R:giv_dig	0 0 12 0 0 0
enig	6 0 0 0 0 0
dom	0 0 0 0 0 12
`

// TestLetterModelSecondReading: the letter model names the outcome where the rules found
// none (from letterFallbackAt) and where it is all but certain of another (from
// letterOverrideAt), never "ukendt" in place of the rules' reading, and its evidence is the
// sentence that weighs most for its outcome.
func TestLetterModelSecondReading(t *testing.T) {
	m, err := parseLetterModel(tinyLetterModel)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New()
	// Words the tiny model does not weigh, so the letters are long enough to be read
	// (letterMinWords).
	filler := strings.Repeat(" Kommunen har lagt vægt på oplysningerne i sagen om din økonomi og din arbejdsevne.", 6)
	// The readings of the text: only "medhold" reads an outcome (ophaevet) here.
	readings := func(text string, sents []sentence) func(omgjort.Outcome) []omgjort.Evidence {
		return func(o omgjort.Outcome) []omgjort.Evidence {
			if strings.Contains(text, "Du får medhold i din klage.") && o == omgjort.OutcomeOphaevet {
				return []omgjort.Evidence{{Text: "Du får medhold i din klage.", Score: letterEvidenceScore}}
			}
			return nil
		}
	}
	// Where the model does not decide but leans to another outcome than the rules' reading
	// (from letterLeanAt): the disagreement the queue shows.
	leans := map[string]omgjort.Outcome{
		"below the override threshold the rules stand": omgjort.OutcomeStadfaestet,
		"no override by an outcome no sentence reads":  omgjort.OutcomeOphaevet,
	}
	for _, tc := range []struct {
		name, text string
		rules      omgjort.Outcome
		want       omgjort.Outcome
		evidence   string
	}{
		{"fallback from the result block", "Ankestyrelsens afgørelse\n\nDu får medhold i din klage.\n\nBegrundelse\n\nKommunen har lagt vægt på din formue.", omgjort.OutcomeUkendt, omgjort.OutcomeOphaevet, "Du får medhold i din klage."},
		{"override of a weaker reading", "Ankestyrelsens afgørelse\n\nDu får medhold i din klage.\n\nBegrundelse\n\nKommunen havde ikke ret.", omgjort.OutcomeStadfaestet, omgjort.OutcomeOphaevet, "Du får medhold i din klage."},
		{"the same word outside the result block weighs nothing", "Ankestyrelsens afgørelse\n\nKommunen traf afgørelse.\n\nBegrundelse\n\nDu får medhold i din klage.", omgjort.OutcomeUkendt, omgjort.OutcomeUkendt, ""},
		{"below the override threshold the rules stand", "Ankestyrelsens afgørelse\n\nKommunen traf afgørelse.\n\nBegrundelse\n\nVi er enige med kommunen.", omgjort.OutcomeHjemvist, omgjort.OutcomeHjemvist, ""},
		{"ukendt never replaces the rules' reading", "Ankestyrelsens afgørelse\n\nKommunen traf afgørelse.\n\nBegrundelse\n\nLandsrettens dom blev afsagt.", omgjort.OutcomeAendret, omgjort.OutcomeAendret, ""},
		{"no override by an outcome no sentence reads", "Ankestyrelsens afgørelse\n\nVi giver dig medhold.\n\nBegrundelse\n\nKommunen havde ikke ret.", omgjort.OutcomeStadfaestet, omgjort.OutcomeStadfaestet, ""},
	} {
		tc.text += filler
		sents := c.rs().segment(tc.text)
		lr := m.secondReading(newFeatureCache(tc.text, sents), tc.rules, readings(tc.text, sents))
		got, ev, ok := tc.rules, lr.evidence, lr.decided
		if ok {
			got = lr.outcome
		}
		if lean := leans[tc.name]; lr.lean != lean {
			t.Errorf("%s: leans to %q, want %q", tc.name, lr.lean, lean)
		}
		if got != tc.want || ok != (tc.evidence != "") {
			t.Errorf("%s: got %s (decided %v), want %s", tc.name, got, ok, tc.want)
			continue
		}
		if tc.evidence == "" {
			continue
		}
		if len(ev) == 0 || ev[0].Text != tc.evidence || ev[0].Score != letterEvidenceScore {
			t.Errorf("%s: evidence %+v, want »%s« scored %v", tc.name, ev, tc.evidence, letterEvidenceScore)
		}
	}
	// A short text is not read: the model's bias, not the letter, would decide.
	short := "Ankestyrelsens afgørelse\n\nDu får medhold i din klage."
	if lr := m.secondReading(newFeatureCache(short, c.rs().segment(short)), omgjort.OutcomeUkendt, readings(short, nil)); lr.decided {
		t.Errorf("a short letter was read as %s", lr.outcome)
	}
}

// TestLetterModelMarksItsLabel: when the embedded letter model names the outcome, the case
// says so and keeps the rules' reading beside it; bad input is never read by the model.
func TestLetterModelMarksItsLabel(t *testing.T) {
	c, _ := New()
	for _, text := range []string{"", "This is an English letter about nothing in particular, written to test the input checks of the classifier."} {
		got := c.ClassifyCase(text)
		if got.Outcome != omgjort.OutcomeUkendt || got.OutcomeModel || got.OutcomeReason == "" {
			t.Errorf("%q: got %s (model %v, reason %q), want ukendt with a reason and no model reading", text, got.Outcome, got.OutcomeModel, got.OutcomeReason)
		}
	}
}
