package index_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"omgjort"
	"omgjort/index"
)

// TestDocCacheFollowsWrites searches the same pages again (their documents then come from the
// cache of stored fields) and after a decision was rewritten: the hits must be the same as the
// first time, and show the new title after the write, never the cached one.
func TestDocCacheFollowsWrites(t *testing.T) {
	x, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.SetCacheSize(0) // every search computed, so the second one reads the cached documents
	ds := synthCorpus(t, 120)
	if err := x.Put(ds...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	search := func(req omgjort.SearchRequest) *omgjort.SearchResult {
		res, err := x.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		res.Took = 0
		return res
	}
	reqs := []omgjort.SearchRequest{
		{Query: "kommunen", Size: 50},
		{Query: "kommunen", Size: 50, From: 50},
		{Query: "kommunen", Size: 50, NoSnippets: true},
		{Query: "afgørelsen", Size: 100, Sort: "date"},
	}
	first := make([]*omgjort.SearchResult, len(reqs))
	for i, r := range reqs {
		first[i] = search(r)
		if len(first[i].Hits) == 0 {
			t.Fatalf("%+v: no hits", r)
		}
	}
	runs := index.FastRuns(x)
	for i, r := range reqs {
		if again := search(r); !reflect.DeepEqual(again, first[i]) {
			t.Errorf("%+v: the second search differs from the first", r)
		}
	}
	if index.FastRuns(x) == runs {
		t.Fatal("the fast path answered none of the searches")
	}

	top := first[0].Hits[0]
	var d *omgjort.Decision
	for _, c := range ds {
		if c.ID == top.ID {
			d = c
		}
	}
	if d == nil {
		t.Fatalf("hit %s is not in the corpus", top.ID)
	}
	d.Title = "Omskrevet titel " + d.Title
	if err := x.Put(d); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range search(reqs[0]).Hits {
		if h.ID == top.ID {
			found = true
			if h.Title != d.Title {
				t.Errorf("after the write, %s has title %q, want %q", h.ID, h.Title, d.Title)
			}
		}
	}
	if !found {
		t.Errorf("after the write, %s is not among the hits", top.ID)
	}
}
