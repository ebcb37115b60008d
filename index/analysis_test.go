package index

import (
	"testing"

	"github.com/blevesearch/bleve/v2/registry"
)

// TestStemExceptionsSeparateCollisions checks the pairs of unrelated words Snowball stems alike
// (stems.txt): each side still finds its own inflections, never the other's.
func TestStemExceptionsSeparateCollisions(t *testing.T) {
	an, err := registry.NewCache().AnalyzerNamed(danishAnalyzer)
	if err != nil {
		t.Fatal(err)
	}
	stem := func(w string) string {
		toks := an.Analyze([]byte(w))
		if len(toks) != 1 {
			t.Fatalf("%q: %d tokens", w, len(toks))
		}
		return string(toks[0].Term)
	}
	for _, tc := range []struct{ same, other []string }{
		{[]string{"læge", "lægen", "Lægens", "læger"}, []string{"lægger", "lægge", "lægges", "lægelig"}},
		{[]string{"lægelig", "lægelige", "lægeligt"}, []string{"lægger", "læge"}},
		{[]string{"hjælp", "hjælpen"}, []string{"hjælper", "hjælpe"}},
		{[]string{"varig", "varige", "varigt"}, []string{"vare", "varer"}},
		{[]string{"gæld", "gælden"}, []string{"gælder", "gældende"}},
		{[]string{"ret", "retten"}, []string{"rettet", "rettigheder", "retlige"}},
		{[]string{"tid", "tiden"}, []string{"tidligere"}},
		{[]string{"sag", "sagen", "sager"}, []string{"saglige"}},
		{[]string{"afgørelse", "afgørelsen", "afgørelser"}, nil}, // ordinary stemming is untouched
	} {
		want := stem(tc.same[0])
		for _, w := range tc.same[1:] {
			if got := stem(w); got != want {
				t.Errorf("%q stems to %q, want %q like %q", w, got, want, tc.same[0])
			}
		}
		for _, w := range tc.other {
			if got := stem(w); got == want {
				t.Errorf("%q stems to %q like %q: unrelated words must differ", w, got, tc.same[0])
			}
		}
	}
	if len(stemExceptions) < 50 {
		t.Errorf("stems.txt gave %d forms", len(stemExceptions))
	}
}
