package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSaveSearch: an anonymous visitor is told to sign in to save a search, signs in,
// comes back to the search, saves it with a daily alert, and finds it on "Mine gemte
// søgninger", whose fields all have labels and which fits a 390 px wide screen.
func TestBrowserSaveSearch(t *testing.T) {
	ctx := browser(t)
	f := newAuthFixture(t, nil)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+"/?q=partsh%C3%B8re")); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector(".save-hint a") !== null`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.save-hint a`))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.pathname === "/signin"`)
	signInLocal(t, ctx, "u-jurist", testPassword)
	waitPage(t, ctx, `location.pathname === "/" && document.querySelector("details.save-search") !== null`)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`details.save-search summary`)),
		chromedp.WaitVisible(chromedp.ID("gem-navn")),
		chromedp.SendKeys(chromedp.ID("gem-navn"), "Partshøring"),
		chromedp.Click(chromedp.ID("frekvens-daglig")),
		chromedp.Click(chromedp.CSS(`details.save-search button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.pathname === "/gemte-soegninger" && document.querySelector(".saved") !== null`)
	if msg := eval[string](t, ctx, `document.querySelector("[role=status]").textContent`); msg != "Søgningen er gemt." {
		t.Errorf("status message %q", msg)
	}
	item := eval[string](t, ctx, `document.querySelector(".saved").textContent`)
	if !strings.Contains(item, "Partshøring") || !strings.Contains(item, "Dagligt på mail") {
		t.Errorf("saved search shown as %q", item)
	}
	if href := eval[string](t, ctx, `document.querySelector(".saved a").getAttribute("href")`); href != "/?q=partsh%C3%B8re" {
		t.Errorf("run link %q", href)
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll("main input:not([type=hidden]), main select")].filter(i => !document.querySelector("label[for='"+i.id+"']")).length`); n != 0 {
		t.Errorf("%d fields without a label", n)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide at 390 px", w)
	}
	list, _ := f.alerts.List("u-jurist")
	if len(list) != 1 || list[0].Query != "q=partsh%C3%B8re" {
		t.Errorf("stored %+v", list)
	}
}
