package index_test

import (
	"context"
	"os"
	"testing"

	"omgjort"
	"omgjort/index"
)

// BenchmarkSearchPhraseData searches phrases in an existing index (OMGJORT_BENCH_INDEX, as
// BenchmarkSearchData) with the six facets and highlights, the result cache off.
func BenchmarkSearchPhraseData(b *testing.B) {
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
	ctx := context.Background()
	// The facet table is read once per snapshot: keep it out of the timing.
	if _, err := x.Search(ctx, omgjort.SearchRequest{Query: "sag", Size: 20}); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`"lægelige oplysninger"`, `"lægelige oplysninger" kontanthjælp`, `"konkret vurdering"`, `"varigt nedsat arbejdsevne"`} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Search(ctx, omgjort.SearchRequest{Query: q, Size: 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
