package classify

import (
	"strings"
	"testing"
	"unicode/utf8"
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
	f.Fuzz(func(t *testing.T, text string) {
		for _, cs := range SplitCases(text) {
			got := c.ClassifyCase(cs.Text)
			if utf8.ValidString(cs.Text) {
				checkOffsets(t, got)
			}
		}
		c.ClassifyCase(text)
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
		small := c.rules.segment(in)
		big := c.rules.segment(strings.Repeat(in+"\n\n", 8))
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
