package server_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"omgjort"
)

// chromium finds Debian's chromium (or another Chrome). Without one the browser tests skip,
// except under CI=true, where a missing browser is a failure: .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium binary found, and CI=true: install it with `apt-get install -y chromium` (.ci/run does)")
	}
	t.Skip("browser test skipped: no chromium binary found (install Debian's chromium: apt-get install -y chromium)")
	return ""
}

// browser starts headless chromium with a fresh profile and returns a tab context.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

// waitPage waits until cond (a JavaScript expression) is true on a fully loaded page.
func waitPage(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for range 200 {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+cond+`)`)); err == nil && ok {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("page never satisfied %s", cond)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// TestBrowserSearchFacetDecisionEvidence walks what legal staff do: search, narrow by a facet
// with the keyboard, open a decision, follow a label to its evidence; and saves a screenshot.
func TestBrowserSearchFacetDecisionEvidence(t *testing.T) {
	ctx := browser(t)
	f := newRealFixture(t, family()...)
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()

	// Search by typing in the query box.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "kommunen"+kb.Enter),
	); err != nil {
		t.Fatalf("search: %v", err)
	}
	// The front page lists every decision in the same "ol.hits", so wait for the results page
	// itself before counting, or the count may come from the page being left.
	waitPage(t, ctx, `location.search.includes("q=kommunen")`)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("ol.hits"))); err != nil {
		t.Fatalf("search results: %v", err)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("ol.hits > li").length`); n != 2 {
		t.Fatalf("%d hits for kommunen, want 2 (43-19 and 8-25)", n)
	}

	// Reach the "Hjemvist" facet with Tab only, and follow it with Enter.
	found := false
	for range 80 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		if eval[bool](t, ctx, `(document.activeElement.closest("nav.facets") !== null) && document.activeElement.textContent.includes("Hjemvist")`) {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("the Hjemvist facet cannot be reached with the Tab key")
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatalf("follow facet: %v", err)
	}
	waitPage(t, ctx, `location.search.includes("udfald=hjemvist") && document.querySelector("section.active-filters") !== null`)
	if loc := eval[string](t, ctx, `location.search`); !strings.Contains(loc, "udfald=hjemvist") {
		t.Errorf("facet did not filter: %s", loc)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("ol.hits > li").length`); n != 1 {
		t.Errorf("%d hits after the facet, want 1", n)
	}

	// Open the decision and follow the evidence link of its error label.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("ol.hits h3 a")),
		chromedp.WaitVisible(chromedp.CSS("article.decision")),
	); err != nil {
		t.Fatalf("open decision: %v", err)
	}
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Principmeddelelse 8-25 om serviceloven" {
		t.Errorf("h1 %q", h1)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("li:has(.tag-error) a.evidence-link"))); err != nil {
		t.Fatalf("click evidence link: %v", err)
	}
	hash := eval[string](t, ctx, `location.hash`)
	if !strings.HasPrefix(hash, "#ev-1-") {
		t.Fatalf("evidence link went to %q", hash)
	}
	if tag := eval[string](t, ctx, `document.querySelector(":target") ? document.querySelector(":target").tagName : ""`); tag != "MARK" {
		t.Errorf("the evidence target is %q, want a MARK", tag)
	}

	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !bytes.HasPrefix(shot, []byte("\x89PNG")) {
		t.Fatalf("screenshot is not a PNG")
	}
	dir := os.Getenv("OMGJORT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "decision-evidence.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot saved to %s (%d bytes); set OMGJORT_SCREENSHOTS to keep it", path, len(shot))
}

// TestBrowserScriptInDecisionIsText opens a decision whose text holds markup: it must show as
// text, and nothing in it may run.
func TestBrowserScriptInDecisionIsText(t *testing.T) {
	ctx := browser(t)
	evil := `Borgeren skrev <script>window.pwned = 1</script> og <img src=x onerror="window.pwned = 2"> i klagen. Vi stadfæster afgørelsen.`
	d := &omgjort.Decision{ID: "16-24", Number: "16-24", Numbers: []string{"16-24"}, Status: omgjort.StatusGaeldende,
		Title: `Principmeddelelse 16-24 <b onmouseover="window.pwned=3">fed</b>`, Published: "2024-06-20",
		Sections: []omgjort.Section{{Heading: "Principmeddelelsen fastslår", Text: "<script>window.pwned = 4</script>"}},
		Cases:    []omgjort.Case{{ID: "1", Text: evil, Outcome: omgjort.OutcomeStadfaestet}}}
	d.RollUpCases()
	f := newRealFixture(t, d)
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()

	for _, page := range []string{"/d/16-24", "/?q=klagen"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+page), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if v := eval[string](t, ctx, `String(window.pwned)`); v != "undefined" {
			t.Errorf("%s: injected code ran (window.pwned = %s)", page, v)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("main script, main img, main b").length`); n != 0 {
			t.Errorf("%s: %d elements made from decision text", page, n)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/d/16-24"), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	text := eval[string](t, ctx, `document.querySelector("main").innerText`)
	for _, want := range []string{`<script>window.pwned = 1</script>`, `<img src=x onerror="window.pwned = 2">`, `<b onmouseover="window.pwned=3">fed</b>`} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not show %q as text", want)
		}
	}
}
