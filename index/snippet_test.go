package index

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/registry"
)

// TestSnippet checks the snippet marker against texts written for it: stemmed matches, case,
// phrases in order only, a stop word inside a phrase, no match inside a longer word, negated
// words unmarked, markup escaped, and a passage of about snippetRunes characters.
func TestSnippet(t *testing.T) {
	cache := registry.NewCache()
	an, err := cache.AnalyzerNamed(danishAnalyzer)
	if err != nil {
		t.Fatal(err)
	}
	mark := func(q, text string) string {
		t.Helper()
		cs, err := parseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		m := newMarker(an, cs)
		if m == nil {
			return ""
		}
		return m.snippet(text)
	}
	long := strings.Repeat("Der står intet her om sagen. ", 20)
	for _, tc := range []struct {
		q, text string
		want    []string // substrings of the snippet
		not     []string
	}{
		{"afgørelser", "Kommunens afgørelse blev ophævet. Afgørelsen var forkert.",
			[]string{"<mark>afgørelse</mark> blev", "<mark>Afgørelsen</mark> var"}, nil},
		{"sag", "Sagsbehandlingen i sagen tog tid.", []string{"i <mark>sagen</mark>"}, []string{"<mark>Sagsbehandlingen"}},
		{`"lægelige oplysninger"`, "Oplysninger om lægelige forhold. De lægelige oplysninger manglede.",
			[]string{"De <mark>lægelige</mark> <mark>oplysninger</mark> manglede"}, []string{"<mark>Oplysninger</mark> om"}},
		{`"ret til hjælp"`, "Hun har ret til hjælp. Hun har ret og krav på hjælp.",
			[]string{"<mark>ret</mark> til <mark>hjælp</mark>. Hun"}, []string{"<mark>ret</mark> og"}},
		{"sanktion -kommunen", "Kommunen gav en sanktion.", []string{"<mark>sanktion</mark>"}, []string{"<mark>Kommunen"}},
		{"script", `Teksten <script>alert(1)</script> er & farlig.`, []string{"&lt;<mark>script</mark>&gt;alert(1)&lt;/", "&amp; farlig"}, []string{"<script>"}},
		{"fleksjob", long + "Han fik fleksjob i kommunen. " + long,
			[]string{"<mark>fleksjob</mark>", snippetSep}, nil},
		{"øre", "Beløbet var 5 kr. og 50 øre.", []string{"50 <mark>øre</mark>."}, nil},
		{"lov:aktivloven", "Aktivloven gælder.", nil, []string{"<mark>"}},
		{"kommunen", "Intet relevant.", nil, []string{"<mark>"}},
	} {
		got := mark(tc.q, tc.text)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: snippet %q lacks %q", tc.q, got, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: snippet %q has %q", tc.q, got, w)
			}
		}
		plain := strings.NewReplacer("<mark>", "", "</mark>", "", snippetSep, "").Replace(got)
		if n := len([]rune(plain)); n > snippetRunes+20 {
			t.Errorf("%s: snippet of %d characters", tc.q, n)
		}
	}
}

// TestBestWindowCountsCharacters compares the window choice with counting each window's
// characters directly, on texts with multi-byte letters and long gaps between the marks.
func TestBestWindowCountsCharacters(t *testing.T) {
	words := []string{"sag", "æøå", "kommunen", "ø", "afgørelse", "lægen", "x"}
	stems := []string{"a", "b", "c"}
	seed := uint64(1)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	for round := 0; round < 2000; round++ {
		var b strings.Builder
		var spans []span
		for k := next(40) + 1; k > 0; k-- {
			gap := next(3)
			if next(10) == 0 {
				gap = 100 + next(300)
			}
			for g := 0; g < gap; g++ {
				b.WriteString(words[next(len(words))])
				b.WriteByte(' ')
			}
			w := words[next(len(words))]
			spans = append(spans, span{b.Len(), b.Len() + len(w), stems[next(len(stems))]})
			b.WriteString(w)
			b.WriteByte(' ')
		}
		text := b.String()
		best, last, used := bestWindow(text, spans)
		// The reference: every window measured in characters.
		rb, rl, rd, rc := -1, 0, 0, 0
		for i := range spans {
			var distinct []string
			l := i
			for j := i; j < len(spans); j++ {
				if j > i && utf8.RuneCountInString(text[spans[i].start:spans[j].end]) > snippetRunes {
					break
				}
				if !slices.Contains(distinct, spans[j].stem) {
					distinct = append(distinct, spans[j].stem)
				}
				l = j
			}
			if d, c := len(distinct), l-i+1; d > rd || (d == rd && c > rc) {
				rb, rl, rd, rc = i, l, d, c
			}
		}
		if best != rb || last != rl || used != utf8.RuneCountInString(text[spans[rb].start:spans[rl].end]) {
			t.Fatalf("round %d: window %d–%d (%d characters), want %d–%d", round, best, last, used, rb, rl)
		}
	}
}
