package index

import (
	"strings"
	"testing"

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
