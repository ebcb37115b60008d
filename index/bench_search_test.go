package index_test

import (
	"context"
	"os"
	"testing"

	"omgjort"
	"omgjort/index"
)

// BenchmarkSearchData searches an existing index (OMGJORT_BENCH_INDEX, e.g. the index/ of a
// data directory loaded with `omgjort gen --load`; no process may hold it) with the six facets
// and highlights, to profile search without HTTP. The result cache is off: every iteration
// computes its search.
func BenchmarkSearchData(b *testing.B) {
	dir := os.Getenv("OMGJORT_BENCH_INDEX")
	if dir == "" {
		b.Skip("set OMGJORT_BENCH_INDEX to an index directory")
	}
	x, err := index.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	x.SetCacheSize(0)
	reqs := []omgjort.SearchRequest{
		{Query: "kontanthjælp sanktion", Size: 20},
		{Query: "partshøring", Filters: map[string][]string{"outcome": {"hjemvist"}}, Size: 20},
		{Query: `"konkret vurdering"`, Size: 20},
		{Query: "boligstøtte -tilbagebetaling", Sort: "date", Size: 20},
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := x.Search(ctx, reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
