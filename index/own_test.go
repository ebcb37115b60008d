package index_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"omgjort"
	"omgjort/index"
)

// TestOwnDecisionsFiltered: an own decision (Source egen) is found only by a request that says
// IncludeOwn, a cached result for one audience is never served to the other, and the
// published-decision statistics do not count it.
func TestOwnDecisionsFiltered(t *testing.T) {
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	own := &omgjort.Decision{ID: "egen-25-70001", Number: "25-70001", Source: omgjort.SourceOwn,
		Title: "Egen afgørelse om sygedagpenge", Published: "2025-05-01", Year: 2025,
		Laws: []string{"Sygedagpengeloven"}, Outcome: omgjort.OutcomeHjemvist,
		Cases: []omgjort.Case{{ID: "1", Text: "Vi hjemviser sagen om sygedagpenge til kommunen."}}}
	if err := x.Put(append(fixtures(), own)...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before, err := x.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"sygedagpenge", ""} {
		pub := search(t, x, omgjort.SearchRequest{Query: q, Size: 20})
		if slices.Contains(ids(pub), own.ID) {
			t.Errorf("query %q without IncludeOwn found the own decision: %v", q, ids(pub))
		}
		all := search(t, x, omgjort.SearchRequest{Query: q, Size: 20, IncludeOwn: true})
		if !slices.Contains(ids(all), own.ID) {
			t.Errorf("query %q with IncludeOwn missed the own decision: %v", q, ids(all))
		}
		if all.Total != pub.Total+1 {
			t.Errorf("query %q: totals %d (own) vs %d (public), want one more", q, all.Total, pub.Total)
		}
		again := search(t, x, omgjort.SearchRequest{Query: q, Size: 20})
		if slices.Contains(ids(again), own.ID) {
			t.Errorf("query %q: the cached result with own decisions leaked to a public search", q)
		}
	}
	if err := x.Delete(own.ID); err != nil {
		t.Fatal(err)
	}
	after, err := x.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before.Decisions != after.Decisions {
		t.Errorf("statistics counted the own decision: total %d with it, %d without", before.Decisions, after.Decisions)
	}
}
