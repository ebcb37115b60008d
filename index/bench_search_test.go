package index_test

import (
	"cmp"
	"context"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

// BenchmarkSearchQueriesFile computes the searches of the shared query mix
// (OMGJORT_BENCH_QUERIES, default ../../shared/bench/queries.txt; the URL query strings of the
// search page) on an existing index (OMGJORT_BENCH_INDEX), one at a time, the result cache off:
// the cost of each search without HTTP and the page around it, and without queueing. Line 21
// on, in order; past the file's end it asks the next page of each. It logs the p50 and p99 of
// each kind of search and reports the share the fast path (fastscore.go) answered.
func BenchmarkSearchQueriesFile(b *testing.B) {
	dir := os.Getenv("OMGJORT_BENCH_INDEX")
	if dir == "" {
		b.Skip("set OMGJORT_BENCH_INDEX to an index directory")
	}
	path := os.Getenv("OMGJORT_BENCH_QUERIES")
	if path == "" {
		path = filepath.Join("..", "..", "shared", "bench", "queries.txt")
	}
	body, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(body), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(l, "/api/search?"), "/?"))
		}
	}
	if len(lines) < 21 {
		b.Fatalf("%s: %d query lines", path, len(lines))
	}
	x, err := index.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	x.SetCacheSize(0)
	ctx := context.Background()
	for _, l := range lines[:20] { // warm-up lines, as the HTTP benchmark
		if _, err := x.Search(ctx, fileRequest(b, l, 0)); err != nil {
			b.Fatal(err)
		}
	}
	rest := lines[20:]
	kinds := map[string][]time.Duration{}
	type timed struct {
		d    time.Duration
		line string
	}
	var all []timed
	fast0 := index.FastRuns(x)
	i := 0
	for b.Loop() {
		l := rest[i%len(rest)]
		start := time.Now()
		if _, err := x.Search(ctx, fileRequest(b, l, i/len(rest))); err != nil {
			b.Fatalf("%s: %v", l, err)
		}
		k := fileKind(l)
		kinds[k] = append(kinds[k], time.Since(start))
		all = append(all, timed{time.Since(start), l})
		i++
	}
	b.ReportMetric(float64(index.FastRuns(x)-fast0)/float64(i), "fast-share")
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		ds := kinds[k]
		slices.Sort(ds)
		b.Logf("%-9s %5d searches  p50 %5.2f ms  p99 %5.2f ms  max %5.2f ms", k, len(ds),
			float64(ds[len(ds)/2].Microseconds())/1000, float64(ds[len(ds)*99/100].Microseconds())/1000,
			float64(ds[len(ds)-1].Microseconds())/1000)
	}
	// The slowest searches, the ones a p99 is made of.
	slices.SortFunc(all, func(a, b timed) int { return cmp.Compare(b.d, a.d) })
	for _, t := range all[:min(15, len(all))] {
		b.Logf("slow: %6.2f ms  %s", float64(t.d.Microseconds())/1000, t.line)
	}
}

// fileRequest is the search of a query string of the search page (side, sort, the filter
// parameters as the server maps them), pass pages further on.
func fileRequest(b *testing.B, l string, pass int) omgjort.SearchRequest {
	v, err := url.ParseQuery(l)
	if err != nil {
		b.Fatalf("%s: %v", l, err)
	}
	page, _ := strconv.Atoi(v.Get("side"))
	page = max(page, 1) + pass
	req := omgjort.SearchRequest{Query: v.Get("q"), Sort: v.Get("sort"), From: (page - 1) * 20, Size: 20}
	if req.Sort == "" {
		req.Sort = "relevance"
	}
	params := map[string]string{"lov": "law", "udfald": "outcome", "fejl": "errors", "aar": "year",
		"status": "status", "myndighed": "authority", "kritik": "kritik", "kilde": "source"}
	for p, key := range params {
		if vs := v[p]; len(vs) > 0 {
			if req.Filters == nil {
				req.Filters = map[string][]string{}
			}
			req.Filters[key] = vs
		}
	}
	return req
}

// fileKind names the kind of a search of the query file, as the HTTP benchmark's queryKind.
func fileKind(l string) string {
	v, _ := url.ParseQuery(l)
	box := v.Get("q")
	if _, phrase, ok := strings.Cut(box, `"`); ok {
		phrase, _, _ = strings.Cut(phrase, `"`)
		if len(strings.Fields(phrase)) >= 3 {
			return "phrase3+"
		}
		return "phrase2"
	}
	for _, w := range strings.Fields(box) {
		if f, _, ok := strings.Cut(w, ":"); ok && f != "" {
			return "field"
		}
	}
	for _, w := range strings.Fields(box) {
		if strings.HasPrefix(w, "-") {
			return "exclude"
		}
	}
	for k := range v {
		if k != "q" && k != "side" && k != "sort" {
			return "filter"
		}
	}
	if s := v.Get("side"); s != "" && s != "1" {
		return "page2+"
	}
	return "words" + strconv.Itoa(len(strings.Fields(box)))
}
