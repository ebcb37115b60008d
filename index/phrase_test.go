package index_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"omgjort"
	"omgjort/index"
)

// Phrases are matched by their word pairs and, from three words, their positions: a three-word
// phrase must not match the same words in another order nor its word pairs standing apart, a stop word in a phrase is one place between its neighbours, and the highlighted snippet still marks the phrase's words.
func TestPhraseWordOrder(t *testing.T) {
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	doc := func(id, text string) *omgjort.Decision {
		return &omgjort.Decision{ID: id, Number: id, Title: "Principmeddelelse " + id, Status: omgjort.StatusGaeldende,
			Published: "2025-01-01", Year: 2025, Cases: []omgjort.Case{{ID: "1", Text: text}},
			ContentHash: "h" + id, RulesVersion: "r1", Version: 1}
	}
	if err := x.Put(
		doc("1-25", "Alfa beta gamma delta. Kommunen har ikke vægtet de lægelige oplysninger."),
		doc("2-25", "Gamma beta alfa delta."),
		doc("3-25", "Beta gamma alfa."),
		doc("4-25", "Alfa gamma beta."),
		doc("5-25", "Alfa og beta gamma."),
		doc("6-25", "Alfa til epsilon. Zeta til beta."),
		// The pairs of "varigt nedsat arbejdsevne" apart: "varigt nedsat" and "nedsat arbejdsevne".
		doc("7-25", "Hun har varigt nedsat hørelse. Lægen skriver om nedsat arbejdsevne i to år."),
		doc("8-25", "Kommunen vurderer, at hun har varigt nedsat arbejdsevne."),
		doc("9-25", "Omega psi chi. Psi chi tau. Omega psi."),
	); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{`"alfa beta gamma"`, []string{"1-25"}},
		{`"gamma beta alfa"`, []string{"2-25"}},
		{`"beta gamma alfa"`, []string{"3-25"}},
		{`"alfa gamma beta"`, []string{"4-25"}},
		{`"beta alfa gamma"`, nil},
		{`"gamma alfa beta"`, nil},
		{`"alfa og beta gamma"`, []string{"5-25"}},
		{`"alfa til beta"`, []string{"5-25"}},
		{`"zeta til beta"`, []string{"6-25"}},
		{`"beta gamma"`, []string{"1-25", "3-25", "5-25"}},
		{`delta -"beta gamma"`, []string{"2-25"}},
		{`"varigt nedsat arbejdsevne"`, []string{"8-25"}},
		{`"nedsat arbejdsevne"`, []string{"7-25", "8-25"}},
		{`"har varigt nedsat arbejdsevne"`, []string{"8-25"}},
		{`"omega psi chi tau"`, nil},
		{`"psi chi tau"`, []string{"9-25"}},
		{`hørelse -"varigt nedsat arbejdsevne"`, []string{"7-25"}},
		{`arbejdsevne -"varigt nedsat arbejdsevne"`, []string{"7-25"}},
	} {
		res := search(t, x, omgjort.SearchRequest{Query: tc.q})
		got := sorted(ids(res))
		want := sorted(tc.want)
		if want == nil {
			want = []string{}
		}
		if !slices.Equal(got, want) || res.Total != uint64(len(want)) {
			t.Errorf("%s: got %v (total %d), want %v", tc.q, got, res.Total, want)
		}
	}

	res := search(t, x, omgjort.SearchRequest{Query: `"lægelige oplysninger"`})
	for _, h := range res.Hits {
		sn := strings.Join(h.Snippets, " ")
		if !strings.Contains(sn, "<mark>lægelige</mark>") || !strings.Contains(sn, "<mark>oplysninger</mark>") {
			t.Errorf("%s: snippet does not mark the phrase: %q", h.ID, sn)
		}
	}
}
