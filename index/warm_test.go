package index

import (
	"context"
	"testing"

	"omgjort"
)

// TestWarmReadsTheTableSearchesUse checks that Warm prepares the facet table of the current
// snapshot and the postings of its common words, and that the next search uses them instead
// of reading its own.
func TestWarmReadsTheTableSearchesUse(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ds := []*omgjort.Decision{
		{ID: "1-25", Number: "1-25", Title: "Om kontanthjælp", Laws: []string{"Aktivloven"}, Status: omgjort.StatusGaeldende,
			Outcome: omgjort.OutcomeHjemvist, Published: "2025-01-10", Year: 2025,
			Cases: []omgjort.Case{{ID: "1", Text: "Kommunen har ikke oplyst sagen om kontanthjælp."}}},
		{ID: "2-25", Number: "2-25", Title: "Om sygedagpenge", Laws: []string{"Sygedagpengeloven"}, Status: omgjort.StatusGaeldende,
			Outcome: omgjort.OutcomeStadfaestet, Published: "2025-02-10", Year: 2025,
			Cases: []omgjort.Case{{ID: "1", Text: "Kommunen har oplyst sagen om sygedagpenge."}}},
	}
	if err := x.Put(ds...); err != nil {
		t.Fatal(err)
	}
	if err := x.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	warmed := x.facetTables.cur
	if warmed == nil {
		t.Fatal("Warm kept no facet table")
	}
	// The words in every decision are read already: the search reads no postings.
	read := x.postings.read.Load()
	if read == 0 {
		t.Fatal("Warm read no postings")
	}
	res, err := x.Search(context.Background(), omgjort.SearchRequest{Query: "kommunen"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Facets["outcome"]) != 2 {
		t.Fatalf("search = %d hits, outcome facets %v", res.Total, res.Facets["outcome"])
	}
	if x.facetTables.cur != warmed {
		t.Error("the search read a new facet table instead of the warmed one")
	}
	if n := x.postings.read.Load(); n != read {
		t.Errorf("the search read %d postings after Warm read the common words'", n-read)
	}
}
