package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"omgjort"
	"omgjort/officialstats"
	"omgjort/server"
	"omgjort/store"
)

// TestBrowserTeamFiguresAt390px: a team leader signs in on a phone-sized screen, finds the team
// table in a scrollable region that keeps the page from overflowing, narrows the figures to a
// period with the labelled filter form, and sees one team left.
func TestBrowserTeamFiguresAt390px(t *testing.T) {
	ctx := browser(t)
	f := newAuthFixture(t, func(c *server.Config, _ string, db *store.DB) {
		if _, err := db.PutDecisions([]*omgjort.Decision{
			teamOwn("egen-b1", "Team Nord", "2025-02-10", omgjort.OutcomeAendret, true, omgjort.ErrPartshoering),
			teamOwn("egen-b2", "Team Syd", "2025-09-10", omgjort.OutcomeStadfaestet, false),
		}); err != nil {
			t.Fatal(err)
		}
		sv := officialstats.New(db)
		c.Official, c.TeamStats = sv, sv
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(f.ts.URL+"/signin?next=/stats")); err != nil {
		t.Fatal(err)
	}
	signInLocal(t, ctx, "u-teamleder", testPassword)
	waitPage(t, ctx, `location.pathname === "/stats" && document.querySelector("#egne-pr-team") !== null`)
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide at a 390 px screen", w)
	}
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("table.teams tbody th")].map(e => e.textContent)`)
	if strings.Join(rows, ",") != "Team Nord,Team Syd" {
		t.Fatalf("team rows = %v", rows)
	}
	// Every field of the filter has a label.
	if n := eval[int](t, ctx, `[...document.querySelectorAll("form.team-filter input")].filter(i => !document.querySelector("label[for='"+i.id+"']")).length`); n != 0 {
		t.Errorf("%d filter fields without a label", n)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("team-fra"), "2025-01-01"),
		chromedp.SetValue(chromedp.ID("team-til"), "2025-03-31"),
		chromedp.Click(chromedp.CSS("form.team-filter button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `location.search.includes("fra=2025-01-01") && document.querySelector("table.teams") !== null`)
	rows = eval[[]string](t, ctx, `[...document.querySelectorAll("table.teams tbody th")].map(e => e.textContent)`)
	if strings.Join(rows, ",") != "Team Nord" {
		t.Errorf("after the period filter: %v, want Team Nord only", rows)
	}
	if !strings.Contains(eval[string](t, ctx, `document.querySelector("#egne-pr-team").parentElement.textContent`), "egne afgørelser falder uden for afgrænsningen") {
		t.Error("the page does not say that some own decisions fall outside the period")
	}
}
