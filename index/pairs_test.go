package index

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/registry"
)

func TestPairTerms(t *testing.T) {
	an, err := registry.NewCache().AnalyzerNamed(danishAnalyzer)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"lægelige oplysninger", []string{"lægelig oplysning"}},
		{"ret til hjælp", []string{"ret _ hjælp"}},
		{"til hjælp", nil},
		{"retten til og hjælp til", []string{"ret _ _ hjælp"}},
		{"varigt nedsat arbejdsevne varigt nedsat", []string{"varig nedsat", "nedsat arbejdsevn", "arbejdsevn varig"}},
	} {
		if got := pairTerms(an.Analyze([]byte(tc.in))); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}
