package classify

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"omgjort"
)

// benchLetter builds a letter of about the given number of words, paragraphed like a
// 2018– letter, with the formula in the result block and a kritik near the end.
func benchLetter(words int) string {
	fill := []string{
		"Vi lægger vægt på, at du den %d. maj 2024 har oplyst, at din formue udgør %d kr. på din bankkonto.",
		"Det fremgår af sagen, at kommunen den %d. juni 2024 har indhentet oplysninger fra din læge om dit helbred, jf. § %d, stk. 2.",
		"Kommunen har i genvurderingen anført, at du ikke har ret til hjælp, fordi du har en formue på %d.%03d kr.",
		"Du mener, at kommunen skulle have ændret afgørelsen, da du har udgifter til bolig og uddannelse.",
		"Vi bemærker, at oplysningerne ikke kan føre til et andet resultat, og at en ny behandling godt kan føre til det samme resultat.",
	}
	var b strings.Builder
	b.WriteString(para(intro, "Resultatet er:", "• Du har ikke ret til hjælp.", "Det betyder, at vi stadfæster kommunens afgørelse.",
		"Begrundelse for afgørelsen", "Sådan vurderer vi sagen", ""))
	for i := 0; len(strings.Fields(b.String())) < words-60; i++ {
		fmt.Fprintf(&b, fill[i%len(fill)], i%28+1, 1000+i)
		if i%6 == 5 {
			b.WriteString("\n\n")
		} else {
			b.WriteString(" ")
		}
	}
	b.WriteString(para("", "Bemærkninger til kommunen", "Vi kritiserer, at kommunen ikke har partshørt dig.", rules, ruleTxt, "Mødebehandling", meeting))
	return b.String()
}

func TestBenchLetter(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := benchLetter(3000)
	if n := len(strings.Fields(text)); n < 2900 || n > 3200 {
		t.Fatalf("benchmark letter has %d words", n)
	}
	got := c.ClassifyCase(text)
	checkOffsets(t, got)
	if got.Outcome != omgjort.OutcomeStadfaestet || !got.Kritik || got.Ugyldig {
		t.Errorf("outcome %s kritik %v ugyldig %v", got.Outcome, got.Kritik, got.Ugyldig)
	}
}

func BenchmarkClassifyCase(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	text := benchLetter(3000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		c.ClassifyCase(text)
	}
}

func BenchmarkSplitCases(b *testing.B) {
	var sb strings.Builder
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&sb, "Sag nr. %d, j.nr. 24-%d\n\n%s\n\n", i, 1000+i, benchLetter(3000))
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		SplitCases(text)
	}
}

// BenchmarkClassifyScaling classifies the same letter at 1× and 10× length: the time per byte
// must stay flat (linear time: 10× the text ≈ 10× the time), which BENCHMARKS.md records.
func BenchmarkClassifyScaling(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	base := benchLetter(3000)
	for _, n := range []int{1, 10} {
		text := strings.Repeat(base+"\n\n", n)
		b.Run(fmt.Sprintf("x%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				c.ClassifyCase(text)
			}
		})
	}
}

// BenchmarkClassifyHeldOut classifies the held-out letters in turn (typically 250–500 words
// each): the cost of a letter as the writers of those sets wrote them, beside the long
// synthetic letter of BenchmarkClassifyCase.
func BenchmarkClassifyHeldOut(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	dirs, err := filepath.Glob("testdata/heldout*")
	if err != nil || len(dirs) == 0 {
		b.Fatalf("no held-out sets: %v", err)
	}
	var texts []string
	words := 0
	for _, d := range dirs {
		g, err := LoadGold(d)
		if err != nil {
			b.Fatal(err)
		}
		for _, x := range g {
			texts = append(texts, x.Text)
			words += len(strings.Fields(x.Text))
		}
	}
	for i := 0; b.Loop(); i++ {
		c.ClassifyCase(texts[i%len(texts)])
	}
	b.ReportMetric(float64(words)/float64(len(texts)), "words/letter")
}

// BenchmarkClassifyReal classifies the concrete cases of the real published decisions in
// ../shared/corpus in turn: the cost of a letter as Ankestyrelsen writes them (skipped when the
// corpus is not beside the repository).
func BenchmarkClassifyReal(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	words := 0
	for _, dir := range []string{"../../shared/corpus/astdk-real", "../../shared/corpus/retsinformation-real"} {
		g, err := LoadReal(dir)
		if err != nil {
			continue
		}
		for _, x := range g {
			texts = append(texts, x.Text)
			words += len(strings.Fields(x.Text))
		}
	}
	if len(texts) == 0 {
		b.Skip("the real corpus (../shared/corpus) is not beside the repository")
	}
	for i := 0; b.Loop(); i++ {
		c.ClassifyCase(texts[i%len(texts)])
	}
	b.ReportMetric(float64(words)/float64(len(texts)), "words/letter")
	b.ReportMetric(float64(len(texts)), "letters")
}
