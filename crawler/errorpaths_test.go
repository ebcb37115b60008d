package crawler

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"omgjort"
)

const detailDir = "/for-myndigheder/principmeddelelser/2025/"

// pathSite serves robots.txt, a sitemap listing slugs (with their lastmod) and the pages.
type pathSite struct {
	robots  func(w http.ResponseWriter) // nil: allow all
	lastmod map[string]string
	pages   map[string]http.HandlerFunc
	hits    *hits
}

func (p *pathSite) start(t *testing.T) *httptest.Server {
	t.Helper()
	p.hits = newHits()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.add(r.URL.Path)
		switch {
		case r.URL.Path == "/robots.txt":
			if p.robots != nil {
				p.robots(w)
				return
			}
			fmt.Fprint(w, "User-agent: *\nDisallow:\n")
		case r.URL.Path == "/sitemap.xml":
			fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			for slug, lm := range p.lastmod {
				fmt.Fprintf(w, "<url><loc>https://www.ast.dk%s%s</loc><lastmod>%s</lastmod></url>", detailDir, slug, lm)
			}
			fmt.Fprint(w, `</urlset>`)
		default:
			h, ok := p.pages[strings.TrimPrefix(r.URL.Path, detailDir)]
			if !ok {
				http.NotFound(w, r)
				return
			}
			h(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func fastConfig(base string) Config {
	return Config{BaseURL: base, Delay: NoDelay, Logger: quietLogger(), RetryBackoff: time.Millisecond, Timeout: 5 * time.Second}
}

func serveBytes(ctype string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(body)
	}
}

// TestCrawlRedirectLoopAndHugePage: a redirect loop and a 12 MB page (over the default
// 10 MiB cap) are errors with their reason, never stored, and do not stop the run.
func TestCrawlRedirectLoopAndHugePage(t *testing.T) {
	good := readTestdata(t, "enkelt-sag.html")
	huge := bytes.Repeat([]byte("<p>fyld fyld fyld fyld fyld fyld fyld fyld fyld fyld fyld</p>\n"), 12<<20/60)
	huge = append(append([]byte(nil), good[:len(good)/2]...), huge...)
	site := &pathSite{lastmod: map[string]string{"god": "2025-01-01", "loop": "2025-01-01", "kaempe": "2025-01-01"},
		pages: map[string]http.HandlerFunc{
			"god":    serveBytes("text/html; charset=utf-8", good),
			"kaempe": serveBytes("text/html; charset=utf-8", huge),
			"loop": func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, detailDir+"loop", http.StatusFound)
			},
		}}
	srv := site.start(t)
	sink := newMemSink()
	run, err := Crawl(context.Background(), fastConfig(srv.URL), sink)
	if err != nil {
		t.Fatal(err)
	}
	if run.Result != omgjort.RunOK || run.New != 1 || run.FetchFailed != 2 {
		t.Fatalf("run %+v", run)
	}
	reasons := map[string]string{}
	for _, e := range run.Errors {
		reasons[e.URL[strings.LastIndex(e.URL, "/")+1:]] = e.Reason
	}
	if !strings.Contains(reasons["loop"], "redirect") {
		t.Errorf("redirect loop reason %q", reasons["loop"])
	}
	if !strings.Contains(reasons["kaempe"], "larger than 10485760 bytes") {
		t.Errorf("12 MB page reason %q", reasons["kaempe"])
	}
	if n := site.hits.get(detailDir + "loop"); n < 2 || n > 11 {
		t.Errorf("redirect loop followed %d times", n)
	}
	if _, ok := sink.raw["https://www.ast.dk"+detailDir+"kaempe"]; ok {
		t.Error("the oversized page was stored (truncated)")
	}
}

// TestCrawlNonUTF8 decodes Windows-1252 pages, one declaring it only in the header, one
// only in <meta>, into proper Danish text, and archives the bytes as sent.
func TestCrawlNonUTF8(t *testing.T) {
	page := string(readTestdata(t, "enkelt-sag.html"))
	page = strings.Replace(page, `<meta charset="utf-8">`, `<meta charset="windows-1252">`, 1)
	latin, err := charmap.Windows1252.NewEncoder().String(page)
	if err != nil {
		t.Fatal(err)
	}
	cp1252, err := charmap.Windows1252.NewEncoder().String(strings.Replace(page, `<meta charset="windows-1252">`, "", 1))
	if err != nil {
		t.Fatal(err)
	}
	site := &pathSite{lastmod: map[string]string{"latin": "2025-01-01", "cp": "2025-01-01"},
		pages: map[string]http.HandlerFunc{
			"latin": serveBytes("text/html", []byte(latin)),
			"cp":    serveBytes("text/html; charset=windows-1252", []byte(cp1252)),
		}}
	srv := site.start(t)
	sink := newMemSink()
	run, err := Crawl(context.Background(), fastConfig(srv.URL), sink)
	if err != nil {
		t.Fatal(err)
	}
	if run.Fetched != 2 || run.ParseFailed != 0 {
		t.Fatalf("run %+v", run)
	}
	d := sink.decisions["7-25"]
	if d == nil || !strings.Contains(d.Title, "opfølgning") || !strings.Contains(d.Cases[0].Text, "Ankestyrelsen") || strings.ContainsRune(d.Title, '\uFFFD') {
		t.Fatalf("decoded decision %+v", d)
	}
	if !bytes.Equal(sink.raw["https://www.ast.dk"+detailDir+"latin"], []byte(latin)) {
		t.Error("the archived body is not the bytes the server sent")
	}
	// Both encodings give the same content.
	want := parseFixture(t, "enkelt-sag")
	if d.ContentHash != want.ContentHash {
		t.Error("a Latin-1 page parses differently from its UTF-8 original")
	}
}

// TestRobotsServerErrorDoesNotBlockLaterRuns: a robots.txt answering 503 stops the run
// before any page (failed, with the reason, no page marked as failing), and the next run,
// when robots.txt is back, crawls normally.
func TestRobotsServerErrorDoesNotBlockLaterRuns(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	site := &pathSite{lastmod: map[string]string{"god": "2025-01-01"},
		pages: map[string]http.HandlerFunc{"god": serveBytes("text/html; charset=utf-8", readTestdata(t, "enkelt-sag.html"))},
		robots: func(w http.ResponseWriter) {
			if down.Load() {
				http.Error(w, "vedligeholdelse", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, "User-agent: *\nDisallow:\n")
		}}
	srv := site.start(t)
	sink := newMemSink()
	cfg := fastConfig(srv.URL)
	cfg.Retries = 1
	run, err := Crawl(context.Background(), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "robots.txt unavailable") || site.hits.get(detailDir+"god") != 0 || len(sink.failed) != 0 {
		t.Fatalf("run with robots.txt down: %+v, failed %v", run, sink.failed)
	}
	down.Store(false)
	run, err = Crawl(context.Background(), cfg, sink)
	if err != nil || run.Result != omgjort.RunOK || run.New != 1 {
		t.Fatalf("run with robots.txt back: %v %+v", err, run)
	}
}

// TestChangedLastmodAndRetryIntervals: a changed <lastmod> with changed content is stored as
// a new version; a failing page is retried on later runs only when its next attempt is due,
// and --full overrides; --since backfills pages changed on or after the day.
func TestChangedLastmodAndRetryIntervals(t *testing.T) {
	v1 := readTestdata(t, "enkelt-sag.html")
	v2 := bytes.Replace(v1, []byte("Du har klaget over"), []byte("Du har for nylig klaget over"), 1)
	var body atomic.Value
	body.Store(v1)
	var broken atomic.Bool
	broken.Store(true)
	site := &pathSite{lastmod: map[string]string{"god": "2025-01-01", "fejl": "2025-01-01"},
		pages: map[string]http.HandlerFunc{
			"god": func(w http.ResponseWriter, r *http.Request) { w.Write(body.Load().([]byte)) },
			"fejl": func(w http.ResponseWriter, r *http.Request) {
				if broken.Load() {
					http.Error(w, "fejl", http.StatusInternalServerError)
					return
				}
				w.Write(readTestdata(t, "flere-sager.html"))
			},
		}}
	srv := site.start(t)
	sink := newMemSink()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cfg := fastConfig(srv.URL)
	cfg.Retries = -1
	cfg.Now = func() time.Time { return now }
	// The sink decides the next attempt as the store's sink does.
	failing := func() {
		for u, st := range sink.states {
			if st.Failures > 0 && st.NextAttempt.IsZero() {
				st.NextAttempt = RetryAt(st.Failures, now)
				sink.states[u] = st
			}
		}
	}
	ctx := context.Background()
	run, _ := Crawl(ctx, cfg, sink)
	failing()
	if run.New != 1 || run.FetchFailed != 1 {
		t.Fatalf("first run %+v", run)
	}

	// Changed lastmod and content: a new version. The failing page is not due yet.
	body.Store(v2)
	site.lastmod["god"] = "2025-02-01"
	run, _ = Crawl(ctx, cfg, sink)
	if run.Changed != 1 || sink.decisions["7-25"].Version != 2 || site.hits.get(detailDir+"fejl") != 1 || run.Skipped != 1 {
		t.Errorf("second run %+v (fejl requested %d times)", run, site.hits.get(detailDir+"fejl"))
	}
	// An hour later it is due again, fails again, and waits twice as long.
	now = now.Add(61 * time.Minute)
	run, _ = Crawl(ctx, cfg, sink)
	if site.hits.get(detailDir+"fejl") != 2 {
		t.Errorf("failing page not retried when due: %+v", run)
	}
	st := sink.states["https://www.ast.dk"+detailDir+"fejl"]
	st.NextAttempt = time.Time{}
	sink.states["https://www.ast.dk"+detailDir+"fejl"] = st
	failing()
	if st := sink.states["https://www.ast.dk"+detailDir+"fejl"]; st.Failures != 2 || st.NextAttempt.Sub(now) != 2*time.Hour {
		t.Errorf("after two failures: %+v", st)
	}
	// Never given up: after the interval it is tried and, once the site is fixed, stored.
	broken.Store(false)
	now = now.Add(3 * time.Hour)
	run, _ = Crawl(ctx, cfg, sink)
	if run.New != 1 || sink.decisions["12-24"] == nil {
		t.Errorf("recovered page not stored: %+v", run)
	}
	// --since: pages changed on or after the day are fetched in full although unchanged.
	before := site.hits.get(detailDir + "god")
	since := cfg
	since.Since = "2025-01-15"
	run, _ = Crawl(ctx, since, sink)
	if site.hits.get(detailDir+"god") != before+1 || run.Fetched != 1 || run.Unchanged != 1 || run.Skipped != 1 {
		t.Errorf("--since run %+v", run)
	}
}

func TestRetryAtGrowsAndIsCapped(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := time.Duration(0)
	for f := 1; f <= 20; f++ {
		d := RetryAt(f, now).Sub(now)
		if d < prev || d > 6*24*time.Hour {
			t.Fatalf("RetryAt(%d) = +%v after +%v", f, d, prev)
		}
		prev = d
	}
	if prev < 5*24*time.Hour {
		t.Errorf("cap %v: a weekly run must still retry", prev)
	}
}

func TestDefaultsArePolite(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Delay < 2*time.Second || c.Timeout <= 0 || c.MaxBodySize <= 0 || c.Retries <= 0 {
		t.Errorf("zero Config is not polite: %+v", c)
	}
	if (Config{Delay: NoDelay}).withDefaults().Delay != 0 {
		t.Error("NoDelay does not turn the pause off")
	}
	if ua := UserAgent("drift@kommune.dk"); ua != "omgjort/"+omgjort.Version+" (+drift@kommune.dk)" {
		t.Errorf("User-Agent %q", ua)
	}
}
