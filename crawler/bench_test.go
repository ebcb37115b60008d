package crawler

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"omgjort"
)

// BenchmarkParseReplicaPages parses the ten real ast.dk pages of ../shared/replica/astdk;
// pages/s is the figure BENCHMARKS.md records.
func BenchmarkParseReplicaPages(b *testing.B) {
	dir := filepath.Join("..", "..", "shared", "replica", "astdk", "files")
	files, _ := filepath.Glob(filepath.Join(dir, "principmeddelelse-*.html"))
	if len(files) == 0 {
		b.Skip("../shared replica not available")
	}
	var pages [][]byte
	size := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, body)
		size += len(body)
	}
	b.SetBytes(int64(size / len(pages)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ParsePage("https://www.ast.dk/x", "text/html; charset=utf-8", pages[i%len(pages)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// countSink keeps only what a store would need to answer PageState, so the benchmark
// measures the crawler, not a map of bodies.
type countSink struct {
	states map[string]omgjort.PageState
	saved  atomic.Int64
}

func (s *countSink) PageState(u string) (omgjort.PageState, bool, error) {
	st, ok := s.states[u]
	return st, ok, nil
}
func (s *countSink) Save(_ context.Context, f *Fetched) (Change, error) {
	s.saved.Add(1)
	s.states[f.Raw.URL] = omgjort.PageState{URL: f.Raw.URL, Lastmod: f.Lastmod, ETag: f.Raw.ETag, Hash: f.Raw.Hash}
	if f.Decision == nil {
		return ChangeNone, nil
	}
	return ChangeNew, nil
}
func (s *countSink) Touch(context.Context, string, omgjort.PageState) error { return nil }
func (s *countSink) Fail(context.Context, string, string) error             { return nil }

// BenchmarkCrawl5000 crawls a loopback replica of 5,000 detail pages (a fixture page under
// 5,000 numbers) at zero delay: pages/s, and the process's peak RSS (VmHWM; the replica
// server runs in the same process).
func BenchmarkCrawl5000(b *testing.B) {
	const n = 5000
	tmpl, err := os.ReadFile(filepath.Join("testdata", "flere-sager.html"))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow:\n")
		case r.URL.Path == "/sitemap.xml":
			var buf bytes.Buffer
			buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			for i := 1; i <= n; i++ {
				fmt.Fprintf(&buf, "<url><loc>https://www.ast.dk/for-myndigheder/principmeddelelser/2025/p-%d</loc><lastmod>2025-01-01</lastmod></url>", i)
			}
			buf.WriteString(`</urlset>`)
			w.Write(buf.Bytes())
		default:
			i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/for-myndigheder/principmeddelelser/2025/p-"))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(bytes.ReplaceAll(tmpl, []byte("12-24"), []byte(fmt.Sprintf("%d-24", 1000+i))))
		}
	}))
	defer srv.Close()
	b.ResetTimer()
	var pages int
	start := time.Now()
	for i := 0; i < b.N; i++ {
		sink := &countSink{states: map[string]omgjort.PageState{}}
		run, err := Crawl(context.Background(), Config{BaseURL: srv.URL, Delay: NoDelay, Logger: quietLogger()}, sink)
		if err != nil || run.Fetched != n || run.ParseFailed != 0 {
			b.Fatalf("crawl: %v %+v", err, run)
		}
		pages += run.Fetched
	}
	b.ReportMetric(float64(pages)/time.Since(start).Seconds(), "pages/s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS-MiB")
}

// peakRSS is the process's peak resident set size in bytes (VmHWM), 0 when unknown.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}
