package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"omgjort"
)

// gzipBomb is n MiB of zeros as n concatenated gzip members: about 1 KiB per MiB on the
// wire, n MiB once inflated (gzip readers read multistream bodies to the end).
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), n)
}

func reasonsByPage(run omgjort.CrawlRun) map[string]string {
	reasons := map[string]string{}
	for _, e := range run.Errors {
		reasons[e.URL[strings.LastIndex(e.URL, "/")+1:]] = e.Reason
	}
	return reasons
}

// TestGzipBombIsAFailedPage serves detail pages that are small on the wire and 256 MiB once
// inflated — with a gzip Content-Type, on a .xml.gz path and with a gzip Content-Encoding —
// beside a good page. Each bomb is a failed page with its reason, the good page is stored,
// and the crawl allocates far less than one bomb's inflated size.
func TestGzipBombIsAFailedPage(t *testing.T) {
	bomb := gzipBomb(t, 256)
	site := &pathSite{lastmod: map[string]string{"god": "2025-01-01", "bombe": "2025-01-01", "bombe.xml.gz": "2025-01-01", "kodet": "2025-01-01"},
		pages: map[string]http.HandlerFunc{
			"god":          serveBytes("text/html; charset=utf-8", readTestdata(t, "enkelt-sag.html")),
			"bombe":        serveBytes("application/gzip", bomb),
			"bombe.xml.gz": serveBytes("text/html; charset=utf-8", bomb),
			"kodet": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb)
			},
		}}
	srv := site.start(t)
	sink := newMemSink()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	run, err := Crawl(context.Background(), fastConfig(srv.URL), sink)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if run.New != 1 || run.FetchFailed != 3 {
		t.Fatalf("run %+v", run)
	}
	reasons := reasonsByPage(run)
	for _, p := range []string{"bombe", "bombe.xml.gz", "kodet"} {
		if !strings.Contains(reasons[p], "larger than 10485760 bytes") {
			t.Errorf("%s: reason %q", p, reasons[p])
		}
		if _, ok := sink.raw["https://www.ast.dk"+detailDir+p]; ok {
			t.Errorf("%s: a bomb was archived", p)
		}
		if n := site.hits.get(detailDir + p); n != 1 {
			t.Errorf("%s requested %d times: an oversized body is not transient", p, n)
		}
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3*100<<20 {
		t.Errorf("the crawl allocated %d MiB for three 256 MiB bombs: bodies are not bounded after decompression", alloc>>20)
	}
}

// TestGzipSitemapBomb: a sitemap index whose child .xml.gz inflates past the sitemap limit
// fails the run; nothing is crawled.
func TestGzipSitemapBomb(t *testing.T) {
	bomb := gzipBomb(t, 64)
	var detail atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow:\n")
		case "/sitemap.xml":
			fmt.Fprint(w, `<sitemapindex><sitemap><loc>https://www.ast.dk/sitemap-1.xml.gz</loc></sitemap></sitemapindex>`)
		case "/sitemap-1.xml.gz":
			w.Header().Set("Content-Type", "application/x-gzip")
			w.Write(bomb)
		default:
			detail.Add(1)
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	run, err := Crawl(context.Background(), fastConfig(srv.URL), newMemSink())
	if err != nil {
		t.Fatal(err)
	}
	if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "larger than") || detail.Load() != 0 {
		t.Fatalf("run %+v", run)
	}
}

// TestRedirectsStayHome: detail pages redirecting to another port on loopback, a private
// address, a link-local address or file:// are failed pages, requested once (not retried),
// with nothing from elsewhere archived; a redirect on the same host is followed. A robots.txt
// or sitemap redirected elsewhere fails the run without touching the other server.
func TestRedirectsStayHome(t *testing.T) {
	var away atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		away.Add(1)
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow:\n")
		case "/sitemap.xml":
			fmt.Fprint(w, `<urlset><url><loc>https://www.ast.dk`+detailDir+`god</loc></url></urlset>`)
		default:
			w.Write(readTestdata(t, "flere-sager.html"))
		}
	}))
	t.Cleanup(elsewhere.Close)
	to := func(target string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusFound) }
	}
	site := &pathSite{lastmod: map[string]string{"god": "2025-01-01", "hjem": "2025-01-01", "ud": "2025-01-01",
		"privat": "2025-01-01", "linklokal": "2025-01-01", "fil": "2025-01-01"},
		pages: map[string]http.HandlerFunc{
			"god":       serveBytes("text/html; charset=utf-8", readTestdata(t, "enkelt-sag.html")),
			"hjem":      to(detailDir + "god"),
			"ud":        to(elsewhere.URL + detailDir + "ud"),
			"privat":    to("http://10.0.0.1" + detailDir + "privat"),
			"linklokal": to("http://169.254.169.254/latest/meta-data/"),
			"fil":       to("file:///etc/passwd"),
		}}
	srv := site.start(t)
	sink := newMemSink()
	cfg := fastConfig(srv.URL)
	cfg.Timeout = time.Second
	cfg.Retries = 3
	run, err := Crawl(context.Background(), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if run.Fetched != 2 || run.FetchFailed != 4 || away.Load() != 0 {
		t.Fatalf("run %+v, elsewhere asked %d times", run, away.Load())
	}
	reasons := reasonsByPage(run)
	for _, p := range []string{"ud", "privat", "linklokal", "fil"} {
		if !strings.Contains(reasons[p], "redirect refused") {
			t.Errorf("%s: reason %q", p, reasons[p])
		}
		if n := site.hits.get(detailDir + p); n != 1 {
			t.Errorf("%s requested %d times: a refused redirect is not transient", p, n)
		}
		if _, ok := sink.raw["https://www.ast.dk"+detailDir+p]; ok {
			t.Errorf("%s: a body from elsewhere was archived", p)
		}
		if sink.failed["https://www.ast.dk"+detailDir+p] == "" {
			t.Errorf("%s: the failure is not recorded on the page", p)
		}
	}
	if sink.decisions["12-24"] != nil {
		t.Error("the decision served by the other host was stored")
	}

	for _, res := range []string{"/robots.txt", "/sitemap.xml"} {
		t.Run(res, func(t *testing.T) {
			away.Store(0)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == res {
					http.Redirect(w, r, elsewhere.URL+res, http.StatusMovedPermanently)
					return
				}
				switch r.URL.Path {
				case "/robots.txt":
					fmt.Fprint(w, "User-agent: *\nDisallow:\n")
				case "/sitemap.xml":
					fmt.Fprint(w, `<urlset><url><loc>https://www.ast.dk`+detailDir+`god</loc></url></urlset>`)
				default:
					w.Write(readTestdata(t, "enkelt-sag.html"))
				}
			}))
			defer srv.Close()
			c := cfg
			c.BaseURL = srv.URL
			run, err := Crawl(context.Background(), c, newMemSink())
			if err != nil {
				t.Fatal(err)
			}
			if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "redirect refused") || away.Load() != 0 || run.Fetched != 0 {
				t.Fatalf("run %+v, elsewhere asked %d times", run, away.Load())
			}
		})
	}
}

// TestRetsinfoRedirectsStayHome: a retsinformation document redirected to another host is a
// failed document, not retried, nothing archived from there.
func TestRetsinfoRedirectsStayHome(t *testing.T) {
	_, replica, now := retsinfoSite(t)
	var away atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		away.Add(1)
		w.Write(readTestdata(t, "retsinfo-2013.xml"))
	}))
	t.Cleanup(elsewhere.Close)
	var asked atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "W20240912325") {
			asked.Add(1)
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
			return
		}
		r2, _ := http.NewRequestWithContext(r.Context(), r.Method, replica.URL+r.URL.RequestURI(), nil)
		r2.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(r2)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		w.Write(buf.Bytes())
	}))
	t.Cleanup(front.Close)
	sink := &removingSink{memSink: newMemSink(), removed: map[string]string{}}
	cfg := RetsinfoConfig{APIURL: front.URL, SiteURL: front.URL, Now: func() time.Time { return now },
		FeedInterval: 50 * time.Millisecond, Delay: NoDelay, RetryBackoff: time.Millisecond, Retries: 3, Logger: quietLogger()}
	run, err := CrawlRetsinfo(context.Background(), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if away.Load() != 0 || asked.Load() != 1 || run.FetchFailed != 1 {
		t.Fatalf("run %+v; elsewhere asked %d times, the redirecting document %d times", run, away.Load(), asked.Load())
	}
	found := false
	for _, e := range run.Errors {
		found = found || strings.Contains(e.Reason, "redirect refused")
	}
	if !found {
		t.Errorf("errors %+v", run.Errors)
	}
}

// TestRunThatFetchedNothingFailed: a run whose every page fetch failed is a failed run; a 304
// to a request that was not conditional is a failure (never "unchanged"); a run past its
// deadline stops and is failed; a sitemap index over the URL bound fails the run; only so many
// unparsable bodies are archived per run.
func TestRunThatFetchedNothingFailed(t *testing.T) {
	unavailable := func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nede", http.StatusServiceUnavailable) }
	t.Run("all 503", func(t *testing.T) {
		site := &pathSite{lastmod: map[string]string{"a": "2025-01-01", "b": "2025-01-01"},
			pages: map[string]http.HandlerFunc{"a": unavailable, "b": unavailable}}
		srv := site.start(t)
		cfg := fastConfig(srv.URL)
		cfg.Retries = 1
		run, err := Crawl(context.Background(), cfg, newMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "no pages could be fetched") {
			t.Fatalf("run %+v", run)
		}
	})
	t.Run("unconditional 304", func(t *testing.T) {
		site := &pathSite{lastmod: map[string]string{"a": "2025-01-01", "god": "2025-01-01"},
			pages: map[string]http.HandlerFunc{
				"a":   func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) },
				"god": serveBytes("text/html; charset=utf-8", readTestdata(t, "enkelt-sag.html")),
			}}
		srv := site.start(t)
		sink := newMemSink()
		run, err := Crawl(context.Background(), fastConfig(srv.URL), sink)
		if err != nil {
			t.Fatal(err)
		}
		if run.NotModified != 0 || run.FetchFailed != 1 || !strings.Contains(reasonsByPage(run)["a"], "not conditional") {
			t.Fatalf("run %+v", run)
		}
		if st := sink.states["https://www.ast.dk"+detailDir+"a"]; st.Failures != 1 || st.Lastmod != "" {
			t.Errorf("the page is taken as unchanged: %+v", st)
		}
	})
	t.Run("run deadline", func(t *testing.T) {
		slow := func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		}
		site := &pathSite{lastmod: map[string]string{"a": "2025-01-01", "b": "2025-01-01", "c": "2025-01-01"},
			pages: map[string]http.HandlerFunc{"a": slow, "b": slow, "c": slow}}
		srv := site.start(t)
		cfg := fastConfig(srv.URL)
		cfg.RunTimeout = 300 * time.Millisecond
		start := time.Now()
		run, err := Crawl(context.Background(), cfg, newMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "deadline") || time.Since(start) > 2*time.Second {
			t.Fatalf("run %+v after %v", run, time.Since(start))
		}
	})
	t.Run("sitemap index bound", func(t *testing.T) {
		var detail atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == "/robots.txt":
				fmt.Fprint(w, "User-agent: *\nDisallow:\n")
			case r.URL.Path == "/sitemap.xml":
				fmt.Fprint(w, `<sitemapindex>`)
				for i := range 5 {
					fmt.Fprintf(w, `<sitemap><loc>https://www.ast.dk/sitemap-%d.xml</loc></sitemap>`, i)
				}
				fmt.Fprint(w, `</sitemapindex>`)
			case strings.HasPrefix(r.URL.Path, "/sitemap-"):
				fmt.Fprint(w, `<urlset>`)
				for i := range 30 {
					fmt.Fprintf(w, `<url><loc>https://www.ast.dk%s%s-%d</loc></url>`, detailDir, r.URL.Path[1:], i)
				}
				fmt.Fprint(w, `</urlset>`)
			default:
				detail.Add(1)
				http.NotFound(w, r)
			}
		}))
		t.Cleanup(srv.Close)
		cfg := fastConfig(srv.URL)
		cfg.MaxSitemapURLs = 100
		run, err := Crawl(context.Background(), cfg, newMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "more than 100 URLs") || detail.Load() != 0 {
			t.Fatalf("run %+v", run)
		}
	})
	t.Run("unparsable bodies archived up to a bound", func(t *testing.T) {
		lastmod, pages := map[string]string{}, map[string]http.HandlerFunc{}
		for i := range 5 {
			slug := fmt.Sprintf("rod-%d", i)
			lastmod[slug] = "2025-01-01"
			pages[slug] = serveBytes("text/html", []byte("<html><body>ikke en afgørelse</body></html>"))
		}
		site := &pathSite{lastmod: lastmod, pages: pages}
		srv := site.start(t)
		cfg := fastConfig(srv.URL)
		cfg.MaxUnparsableArchived = 2
		sink := newMemSink()
		run, err := Crawl(context.Background(), cfg, sink)
		if err != nil {
			t.Fatal(err)
		}
		if run.ParseFailed != 5 || len(sink.raw) != 2 || len(sink.failed) != 5 {
			t.Fatalf("run %+v: %d bodies archived, %d failures recorded", run, len(sink.raw), len(sink.failed))
		}
	})
}

// TestSilentEditsAreNoticed: 90 pages whose sitemap lastmod never changes, driven through 31
// daily runs by the clock. Every page gets a conditional request within 30 days, no run asks
// about more than a small share of them, and a page edited without touching its lastmod is
// stored in its new version within the cycle.
func TestSilentEditsAreNoticed(t *testing.T) {
	v1 := readTestdata(t, "enkelt-sag.html")
	v2 := bytes.Replace(v1, []byte("Du har klaget over"), []byte("Du har for nylig klaget over"), 1)
	other := readTestdata(t, "flere-sager.html")
	var edited atomic.Value
	edited.Store(v1)
	withETag := func(body func() []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b := body()
			sum := sha256.Sum256(b)
			etag := `"` + hex.EncodeToString(sum[:8]) + `"`
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(b)
		}
	}
	lastmod, pages := map[string]string{"redigeret": "2025-01-01"}, map[string]http.HandlerFunc{
		"redigeret": withETag(func() []byte { return edited.Load().([]byte) }),
	}
	const n = 90
	for i := 1; i < n; i++ {
		slug := fmt.Sprintf("side-%d", i)
		lastmod[slug] = "2025-01-01"
		pages[slug] = withETag(func() []byte { return other })
	}
	site := &pathSite{lastmod: lastmod, pages: pages}
	srv := site.start(t)
	sink := newMemSink()
	now := time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)
	cfg := fastConfig(srv.URL)
	cfg.Now = func() time.Time { return now }
	if run, err := Crawl(context.Background(), cfg, sink); err != nil || run.Fetched != n {
		t.Fatalf("first run %v %+v", err, run)
	}
	edited.Store(v2)
	first := map[string]int{}
	maxPerRun := 0
	for day := 1; day <= 30; day++ {
		now = now.Add(24 * time.Hour)
		before := site.hits.sum()
		run, err := Crawl(context.Background(), cfg, sink)
		if err != nil || run.Result != omgjort.RunOK {
			t.Fatalf("day %d: %v %+v", day, err, run)
		}
		asked := site.hits.sum() - before - 2 // robots.txt and the sitemap
		maxPerRun = max(maxPerRun, asked)
		for slug := range lastmod {
			if site.hits.get(detailDir+slug) > 1 && first[slug] == 0 {
				first[slug] = day
			}
		}
	}
	if len(first) != n {
		t.Errorf("%d of %d pages were asked about within 30 days", len(first), n)
	}
	if maxPerRun > 3*n/30 {
		t.Errorf("one run asked about %d of %d pages: not spread over the cycle", maxPerRun, n)
	}
	if d := sink.decisions["7-25"]; d == nil || d.Version != 2 || !strings.Contains(d.Cases[0].Text, "for nylig") {
		t.Errorf("the silently edited page was not stored again: %+v", d)
	}
	for _, slug := range []string{"redigeret", "side-1"} {
		if n := site.hits.get(detailDir + slug); n > 3 {
			t.Errorf("%s requested %d times in 31 runs", slug, n)
		}
	}
}
