package index_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"

	"omgjort"
)

// The result cache answers a repeated search (also with filters in another order and extra
// spaces) from memory, never serves a result of older index content, and leaves the caller
// free to change what it got.
func TestSearchCacheFollowsWrites(t *testing.T) {
	x, _ := openFilled(t)
	fx := fixtures()
	req := omgjort.SearchRequest{Query: "kommunen", Filters: map[string][]string{"status": {"gaeldende"}, "outcome": {"hjemvist", "omgjort"}}}
	first := search(t, x, req)
	h0, m0 := x.CacheStats()
	again := search(t, x, omgjort.SearchRequest{Query: "  kommunen ", Filters: map[string][]string{"outcome": {"omgjort", "hjemvist"}, "status": {"gaeldende"}, "year": {""}}})
	h1, m1 := x.CacheStats()
	if h1 != h0+1 || m1 != m0 {
		t.Errorf("repeated search: hits %d→%d, misses %d→%d; want one more hit", h0, h1, m0, m1)
	}
	if again.Total != first.Total || !slices.Equal(ids(again), ids(first)) {
		t.Errorf("cached result differs: %v vs %v", ids(again), ids(first))
	}
	// Changing the returned result does not change the cached one.
	again.Hits = again.Hits[:0]
	again.Facets["law"] = nil
	if third := search(t, x, req); len(third.Hits) != len(first.Hits) || len(third.Facets["law"]) != len(first.Facets["law"]) {
		t.Errorf("cached result was changed through a returned copy")
	}

	// Another page or sort of the same hits reuses the counted facets and total.
	page2 := search(t, x, omgjort.SearchRequest{Query: "kommunen", Filters: req.Filters, From: 1, Size: 1, Sort: "date"})
	if page2.Total != first.Total || !reflect.DeepEqual(page2.Facets, first.Facets) {
		t.Errorf("page 2: total %d facets %v, want %d %v", page2.Total, page2.Facets, first.Total, first.Facets)
	}

	// A write moves the epoch: the next search sees the new content.
	all := search(t, x, omgjort.SearchRequest{Query: "kommunen"})
	if err := x.Delete(all.Hits[0].ID); err != nil {
		t.Fatal(err)
	}
	if after := search(t, x, omgjort.SearchRequest{Query: "kommunen"}); after.Total != all.Total-1 {
		t.Errorf("after Delete: total %d, want %d (stale cached result?)", after.Total, all.Total-1)
	}
	for _, d := range fx {
		if d.ID == all.Hits[0].ID {
			if err := x.Put(d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if after := search(t, x, omgjort.SearchRequest{Query: "kommunen"}); after.Total != all.Total {
		t.Errorf("after Put: total %d, want %d", after.Total, all.Total)
	}
}

// Concurrent identical searches are computed once and all get the result; a cancelled
// caller does not poison the cache for the others.
func TestSearchCacheConcurrent(t *testing.T) {
	x, _ := openFilled(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Search(ctx, omgjort.SearchRequest{Query: "partshøring"}); err == nil {
		t.Fatal("cancelled search succeeded")
	}
	var wg sync.WaitGroup
	totals := make([]int, 8)
	for i := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := x.Search(context.Background(), omgjort.SearchRequest{Query: "partshøring"})
			if err != nil {
				t.Error(err)
				return
			}
			totals[i] = int(res.Total)
		}()
	}
	wg.Wait()
	for _, n := range totals {
		if n == 0 || n != totals[0] {
			t.Fatalf("totals %v", totals)
		}
	}
	x.SetCacheSize(0)
	h, _ := x.CacheStats()
	search(t, x, omgjort.SearchRequest{Query: "partshøring"})
	search(t, x, omgjort.SearchRequest{Query: "partshøring"})
	if h2, _ := x.CacheStats(); h2 != h {
		t.Errorf("cache size 0 still caches")
	}
}
