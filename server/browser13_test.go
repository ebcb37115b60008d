package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"omgjort"
)

// flattened is a decision whose letter came as one running paragraph (headings as plain words),
// with a list and evidence for two labels.
func flattened() *omgjort.Decision {
	text := "Du har klaget over kommunens afgørelse om sygedagpenge. Det betyder, at vi hjemviser sagen. " +
		"Begrundelse for afgørelsen Sådan vurderer vi sagen Kommunen har ikke indhentet lægelige oplysninger. " +
		"Vi kritiserer, at kommunen ikke har svaret dig.\n\n• Kommunen skal indhente en lægeerklæring.\n\n• Kommunen skal høre dig."
	res := "Det betyder, at vi hjemviser sagen."
	kr := "Vi kritiserer, at kommunen ikke har svaret dig."
	at := func(s string) omgjort.Evidence {
		i := strings.Index(text, s)
		return omgjort.Evidence{Text: s, Start: len([]rune(text[:i])), End: len([]rune(text[:i])) + len([]rune(s))}
	}
	d := &omgjort.Decision{ID: "9-26", Number: "9-26", Numbers: []string{"9-26"}, Title: "Principmeddelelse 9-26 om sygedagpenge",
		URL: "https://www.ast.dk/pm/9-26", Source: "astdk", Status: omgjort.StatusGaeldende, Published: "2026-02-05",
		Journal: "25-4711", Laws: []string{"Sygedagpengeloven"}, Paragraphs: []string{"§ 7, stk. 1"},
		Cases: []omgjort.Case{{ID: "1", Text: text, Outcome: omgjort.OutcomeHjemvist, OutcomeEvidence: []omgjort.Evidence{at(res)},
			Kritik: true, KritikEvidence: []omgjort.Evidence{at(kr)}}}, ContentHash: "9-26"}
	d.RollUpCases()
	return d
}

// paragraphed is a letter parsed with its own heading markup (Case.Headings): a heading the
// classifier does not know is a heading too.
func paragraphed() *omgjort.Decision {
	text := "Resultatet er:\n\nVi stadfæster afgørelsen.\n\nSærlige forhold i din sag\n\nDu har boet i udlandet."
	d := &omgjort.Decision{ID: "10-26", Number: "10-26", Numbers: []string{"10-26"}, Title: "Principmeddelelse 10-26 om boligstøtte",
		Status: omgjort.StatusGaeldende, Published: "2026-02-06", Laws: []string{"Boligstøtteloven"},
		Cases: []omgjort.Case{{ID: "1", Text: text, Headings: []string{"Resultatet er:", "Særlige forhold i din sag"}, Outcome: omgjort.OutcomeStadfaestet}}, ContentHash: "10-26"}
	d.RollUpCases()
	return d
}

// TestBrowserZeroHitsNoDeadEnd: a misspelt search under a filter offers the spelling from the
// index and the filter that emptied the result, with working links, in an intact layout at
// desktop width and at 390 px.
func TestBrowserZeroHitsNoDeadEnd(t *testing.T) {
	ctx := browser(t)
	f := newRealFixture(t, append(family(), flattened())...)
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/?q=kontanthjlp&lov=Serviceloven"), chromedp.WaitVisible(chromedp.CSS("section.results"))); err != nil {
		t.Fatal(err)
	}
	if h := eval[string](t, ctx, `document.querySelector("#resultater").textContent`); h != "Ingen afgørelser fundet" {
		t.Fatalf("heading %q", h)
	}
	if s := eval[string](t, ctx, `document.querySelector(".suggestion a") ? document.querySelector(".suggestion a").textContent : ""`); s != "kontanthjælp" {
		t.Errorf("suggestion %q, want kontanthjælp", s)
	}
	// The results take the width of the page, not the facet column.
	if w := eval[float64](t, ctx, `document.querySelector("section.results").getBoundingClientRect().width / document.querySelector("main").getBoundingClientRect().width`); w < 0.8 {
		t.Errorf("the empty result takes %.0f %% of the page's width", 100*w)
	}
	// Following the suggestion keeps the filter: still nothing, and the filter is named with a
	// link that removes it.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".suggestion a"))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.search.includes("kontanthj%C3%A6lp")`)
	if txt := eval[string](t, ctx, `document.querySelector(".emptied") ? document.querySelector(".emptied").innerText : ""`); !strings.Contains(txt, "Lov: Serviceloven") || !strings.Contains(txt, "2 afgørelser") {
		t.Fatalf("emptied filter not named: %q", txt)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".emptied a"))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `!location.search.includes("lov=") && document.querySelector("ol.hits") !== null`)
	if n := eval[int](t, ctx, `document.querySelectorAll("ol.hits > li").length`); n != 2 {
		t.Errorf("%d hits after removing the filter, want 2", n)
	}

	// 390 px: nothing wider than the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(ts.URL+"/?q=kontanthj%C3%A6lp&fra=2026-06-01"), chromedp.WaitVisible(chromedp.CSS("section.results"))); err != nil {
		t.Fatal(err)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the zero-hit page is %d px wide at 390 px", w)
	}
	if txt := eval[string](t, ctx, `document.querySelector(".emptied").innerText`); !strings.Contains(txt, "Periode: fra 1. juni 2026") {
		t.Errorf("the date range is not named among the filters: %q", txt)
	}
}

// TestBrowserDecisionStructureAndEvidence: a flattened letter shows its headings and list; each
// label's evidence has its own style and links back to the label; the reference box and the
// permalink are there; at 390 px the page fits; printing hides the navigation and keeps the marks.
func TestBrowserDecisionStructureAndEvidence(t *testing.T) {
	ctx := browser(t)
	f := newRealFixture(t, append(family(), flattened(), paragraphed())...)
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/d/10-26"), chromedp.WaitVisible(chromedp.CSS("article.decision"))); err != nil {
		t.Fatal(err)
	}
	if hs := eval[[]string](t, ctx, `[...document.querySelectorAll(".case-text h3")].map(h => h.textContent)`); strings.Join(hs, "|") != "Resultatet er:|Særlige forhold i din sag" {
		t.Errorf("the page's own headings %q", hs)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/d/9-26"), chromedp.WaitVisible(chromedp.CSS("article.decision"))); err != nil {
		t.Fatal(err)
	}
	hs := eval[[]string](t, ctx, `[...document.querySelectorAll(".case-text h3")].map(h => h.textContent)`)
	if strings.Join(hs, "|") != "Begrundelse for afgørelsen|Sådan vurderer vi sagen" {
		t.Errorf("restored headings %q", hs)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".case-text ul > li").length`); n != 2 {
		t.Errorf("%d list items, want 2", n)
	}
	classes := eval[[]string](t, ctx, `[...document.querySelectorAll(".case-text mark")].map(m => m.className)`)
	if strings.Join(classes, "|") != "ev ev-udfald|ev ev-kritik" {
		t.Errorf("mark classes %q", classes)
	}
	bgs := eval[[]string](t, ctx, `[...document.querySelectorAll(".case-text mark")].map(m => getComputedStyle(m).backgroundColor)`)
	if len(bgs) != 2 || bgs[0] == bgs[1] {
		t.Errorf("the two labels' evidence share a style: %q", bgs)
	}
	// Label → evidence → back to the label.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".label-kritik a.evidence-link"))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.hash.startsWith("#ev-1-")`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("mark:target + a.ev-back"))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.hash === "#sag-1-kritik"`)
	ref := eval[string](t, ctx, `document.querySelector("#henvisning").value`)
	for _, want := range []string{"Principmeddelelse 9-26 om sygedagpenge", "j.nr. 25-4711", "5. februar 2026", "https://omgjort.example.dk/d/9-26"} {
		if !strings.Contains(ref, want) {
			t.Errorf("reference %q lacks %q", ref, want)
		}
	}
	if p := eval[string](t, ctx, `document.querySelector("a.permalink").href`); p != "https://omgjort.example.dk/d/9-26" { // the permalink comes from --site-url, never the Host header
		t.Errorf("permalink %q", p)
	}
	if txt := eval[string](t, ctx, `document.querySelector(".citations").innerText`); !strings.Contains(txt, "Sygedagpengeloven § 7, stk. 1") {
		t.Errorf("the Paragraf provision does not name its act: %q", txt)
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("article.decision"))); err != nil {
		t.Fatal(err)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the decision page is %d px wide at 390 px", w)
	}

	// Print media: no navigation or reference box, marks and the source URL visible.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if d := eval[string](t, ctx, `getComputedStyle(document.querySelector(".site-header nav")).display`); d != "none" {
		t.Errorf("print: navigation display %q", d)
	}
	if d := eval[string](t, ctx, `getComputedStyle(document.querySelector(".reference")).display`); d != "none" {
		t.Errorf("print: reference box display %q", d)
	}
	if d := eval[string](t, ctx, `getComputedStyle(document.querySelector(".print-only")).display`); d == "none" {
		t.Errorf("print: the source URL is not printed")
	}
	if b := eval[string](t, ctx, `getComputedStyle(document.querySelector("mark.ev-kritik")).borderBottomStyle`); b != "dashed" {
		t.Errorf("print: kritik evidence border %q", b)
	}
}
