package classify

import (
	"strings"
	"testing"
	"unicode/utf8"

	"omgjort"
)

// FuzzClassifyCase feeds arbitrary text to the splitter and the classifier: nothing may panic,
// and every piece of evidence must slice back out of the text.
func FuzzClassifyCase(f *testing.F) {
	for _, lc := range letters {
		f.Add(lc.text)
	}
	f.Add("Resultatet er: Vi kritiserer, at kommunen ikke har partshørt dig. Sag nr. 1, j.nr. 24-1\n\nx")
	f.Add("Om reglerne\n\n\n\n•••. . . Sådan vurderer vi sagen Hvad skal  gøre?")
	f.Add(string([]byte{0xff, 0xfe, '.', ' ', 'V', 'i'}))
	c, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Resumé:\n\nAnkestyrelsen ophævede afgørelsen, og sagen blev sendt tilbage. Nævnet havde stadfæstet den, men kommunen havde ikke givet borgeren mulighed for at udtale sig.")
	f.Add("Konklusion\nAfgørelsen fra X Kommune af 3. maj 2013 ændres på ét punkt: Du skal ikke betale de 4.000 kr. tilbage.")
	f.Add("A n k e s t y r e l s e n | | 0 0 1 ~~ ##")
	f.Fuzz(func(t *testing.T, text string) {
		for _, cs := range SplitCases(text) {
			got := c.ClassifyCase(cs.Text)
			if utf8.ValidString(cs.Text) {
				checkOffsets(t, got)
			}
			checkLabels(t, got)
		}
		checkLabels(t, c.ClassifyCase(text))
	})
}

// TestLinearTime checks that work grows linearly with the letter: classifying a letter eight
// times as long costs about eight times the regexp work. Work is counted as the bytes of the
// sentences the rules were run on and the number of sentences, which the classifier's cost is
// proportional to (all patterns are RE2, linear in their input).
func TestLinearTime(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	base := benchLetter(3000)
	// A pathological input too: one "sentence" with no punctuation and many near-misses.
	patho := strings.Repeat("ikke ikke ikke kommunen har ikke ", 200)
	for _, in := range []string{base, patho} {
		small := c.rs().segment(in)
		big := c.rs().segment(strings.Repeat(in+"\n\n", 8))
		ratio := float64(len(big)) / float64(len(small))
		if ratio < 7 || ratio > 9 {
			t.Errorf("8× input gives %.1f× sentences", ratio)
		}
		var sb, bb int
		for _, s := range small {
			sb += s.end - s.start
		}
		for _, s := range big {
			bb += s.end - s.start
		}
		if r := float64(bb) / float64(sb); r < 7 || r > 9 {
			t.Errorf("8× input gives %.1f× sentence bytes", r)
		}
	}
}

// checkLabels holds for every labelled case (issue 10): a known outcome has evidence and a
// confidence in (0,1] and no reason; an unknown one has a reason, confidence 0 and no evidence;
// every error label and flag has evidence, and error confidences are in (0,1].
func checkLabels(t *testing.T, c omgjort.Case) {
	t.Helper()
	if c.Outcome == omgjort.OutcomeUkendt {
		if c.OutcomeReason == "" || c.OutcomeConfidence != 0 || len(c.OutcomeEvidence) != 0 {
			t.Errorf("ukendt with reason %q, confidence %v, %d evidence", c.OutcomeReason, c.OutcomeConfidence, len(c.OutcomeEvidence))
		}
	} else if c.OutcomeReason != "" || c.OutcomeConfidence <= 0 || c.OutcomeConfidence > 1 || len(c.OutcomeEvidence) == 0 {
		t.Errorf("%s with reason %q, confidence %v, %d evidence", c.Outcome, c.OutcomeReason, c.OutcomeConfidence, len(c.OutcomeEvidence))
	}
	if c.Kritik != (len(c.KritikEvidence) > 0) || c.Ugyldig != (len(c.UgyldigEvidence) > 0) {
		t.Errorf("flag without evidence: kritik %v/%d ugyldig %v/%d", c.Kritik, len(c.KritikEvidence), c.Ugyldig, len(c.UgyldigEvidence))
	}
	for _, l := range c.Errors {
		if len(l.Evidence) == 0 || l.Confidence <= 0 || l.Confidence > 1 {
			t.Errorf("%s: %d evidence, confidence %v", l.Type, len(l.Evidence), l.Confidence)
		}
	}
}
