package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"omgjort"
	"omgjort/classify"
	"omgjort/ingest"
	"omgjort/server"
	"omgjort/store"
)

// pipelineCuration is the server's Curation over the real ingest pipeline of a fixture (the
// command wires the same, with its audit log).
type pipelineCuration struct{ p *ingest.Pipeline }

func (c *pipelineCuration) Correct(ctx context.Context, corr omgjort.Correction) (*omgjort.Decision, error) {
	return c.p.Correct(ctx, corr)
}

func (c *pipelineCuration) Queue(ctx context.Context, n int, withOwn bool) ([]omgjort.QueueItem, error) {
	return c.p.Queue(ctx, n, withOwn)
}

func (c *pipelineCuration) Delete(ctx context.Context, id string) error {
	_, err := c.p.Delete(ctx, id)
	return err
}

func curationFixture(t *testing.T) *authFixture {
	t.Helper()
	pc := &pipelineCuration{}
	f := newAuthFixture(t, func(c *server.Config, _ string, _ *store.DB) { c.Curation = pc })
	cls, err := classify.New()
	if err != nil {
		t.Fatal(err)
	}
	pc.p = ingest.New(f.db, f.idx, cls, nil)
	return f
}

// TestBrowserJuristCorrectsALabel: a jurist signs in, opens a decision, opens the correction
// form under a case (every field labelled), adds an error type with its evidence sentence and
// a reason, and lands back on the decision with the saving announced and the label marked
// "rettet af jurist". A reader sees no form.
func TestBrowserJuristCorrectsALabel(t *testing.T) {
	ctx := browser(t)
	f := curationFixture(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+"/signin?next=/d/17-25")); err != nil {
		t.Fatal(err)
	}
	signInLocal(t, ctx, "u-jurist", testPassword)
	waitPage(t, ctx, `location.pathname === "/d/17-25" && document.querySelector("details.correct") !== null`)
	if n := eval[int](t, ctx, `[...document.querySelectorAll("details.correct input:not([type=hidden]), details.correct select")].filter(i => !document.querySelector("label[for='"+i.id+"']")).length`); n != 0 {
		t.Errorf("%d correction fields without a label", n)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#sag-1 details.correct summary`)),
		chromedp.SetValue(chromedp.ID("sag-1-etiket"), "error:begrundelse"),
		chromedp.Click(chromedp.ID("sag-1-tilfoej")),
	); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, ctx, `(() => { const i = [...document.querySelectorAll("#sag-1 input[name=evidence]")].find(i => document.querySelector("label[for='"+i.id+"']").textContent.startsWith("Kommunen har ikke partshørt")); if (!i) return false; i.click(); return i.checked; })()`) {
		t.Fatal("no evidence checkbox for the sentence")
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("sag-1-grund"), "kommunen begrundede ikke afgørelsen"),
		chromedp.Click(chromedp.CSS(`#sag-1 details.correct button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector("[role=status]") !== null`)
	if got := eval[string](t, ctx, `document.querySelector("#sag-1 .labels").textContent`); !strings.Contains(got, "Mangelfuld begrundelse") || !strings.Contains(got, "rettet af jurist") {
		t.Fatalf("labels after the correction: %q", got)
	}
	d, err := f.db.Get("17-25")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range d.Cases[0].Errors {
		found = found || (e.Type == omgjort.ErrBegrundelse && e.Correction != nil && e.Correction.User == "u-jurist" &&
			strings.HasPrefix(e.Evidence[0].Text, "Kommunen har ikke partshørt"))
	}
	if !found {
		t.Fatalf("stored labels: %+v", d.Cases[0].Errors)
	}
	// A reader gets no form; a form post without the right is refused.
	if _, body := f.do(t, "laeser", "GET", "/d/17-25", nil); strings.Contains(body, "details class=\"correct\"") || strings.Contains(body, "Slet for altid") {
		t.Fatal("a reader sees the correction form or the delete button")
	}
	if status, _ := f.do(t, "laeser", "POST", "/d/17-25/rettelser", url.Values{"case": {"1"}}); status != http.StatusForbidden {
		t.Fatalf("reader posting a correction: %d", status)
	}
}

// TestAdminDeletesFromTheDecisionPage: an administrator's session shows the delete button; the
// form (with its CSRF token) deletes the decision for good; without the token nothing happens.
func TestAdminDeletesFromTheDecisionPage(t *testing.T) {
	f := curationFixture(t)
	c := browserClient(t)
	csrf := getCSRF(t, c, f.ts.URL+"/signin")
	if resp, _ := post(t, c, f.ts.URL+"/signin", url.Values{"csrf": {csrf}, "username": {"u-admin"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	resp, err := c.Get(f.ts.URL + "/d/17-25")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sessCSRF := getCSRF(t, c, f.ts.URL+"/d/17-25")
	if resp, _ := post(t, c, f.ts.URL+"/admin/decisions/17-25/delete", url.Values{"confirm": {"ja"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("delete without CSRF: %d", resp.StatusCode)
	}
	if _, err := f.db.Get("17-25"); err != nil {
		t.Fatalf("deleted without CSRF: %v", err)
	}
	req, _ := http.NewRequest("POST", f.ts.URL+"/admin/decisions/17-25/delete", strings.NewReader(url.Values{"csrf": {sessCSRF}, "confirm": {"ja"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if _, err := f.db.Get("17-25"); err == nil {
		t.Fatal("the decision is still stored")
	}
	if status, _ := f.do(t, "", "GET", "/d/17-25", nil); status != http.StatusNotFound {
		t.Fatalf("deleted decision's page: %d", status)
	}
}

// TestJuristSettlesASuggestion: a type the sentence model suggests (Case.Suggestions) is shown
// to a jurist under the case with its sentence, listed in the queue as a suggestion, and a
// confirmation adds it with that sentence, after which it leaves the queue. A reader sees none
// of it.
func TestJuristSettlesASuggestion(t *testing.T) {
	f := curationFixture(t)
	d := sampleDecision()
	const sentence = "Vi kritiserer, at kommunen ikke har vejledt dig."
	d.Cases[1].Suggestions = []omgjort.ErrorLabel{{Type: omgjort.ErrBegrundelse, Score: 0.64, Model: true,
		Evidence: []omgjort.Evidence{evidenceFor(d.Cases[0].Text, sentence)}}}
	// The suggestion belongs to case 1's text; put it there.
	d.Cases[0].Suggestions, d.Cases[1].Suggestions = d.Cases[1].Suggestions, nil
	if _, err := f.db.PutDecision(d, nil); err != nil {
		t.Fatal(err)
	}
	_, body := f.do(t, "jurist", "GET", "/d/17-25", nil)
	checkHTML(t, body)
	for _, want := range []string{`<span class="tag tag-model">Mangelfuld begrundelse</span>: sætningsmodellen peger på den (sandsynlighed 0,64), reglerne ikke. Sætningen: <q>` + sentence + `</q>`,
		`<option value="error:begrundelse">Fejltype: Mangelfuld begrundelse (foreslået)</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the jurist's page lacks %s", want)
		}
	}
	case1, _, _ := strings.Cut(body[strings.Index(body, `id="sag-1"`):], `id="sag-2"`)
	if strings.Count(case1, `value="error:begrundelse"`) != 1 {
		t.Error("the suggested type is offered twice")
	}
	if _, body := f.do(t, "laeser", "GET", "/d/17-25", nil); strings.Contains(body, "sandsynlighed 0,64") {
		t.Error("a reader sees the model's suggestion")
	}
	_, body = f.do(t, "jurist", "GET", "/rettelser", nil)
	if !strings.Contains(body, "Foreslået fejltype: Mangelfuld begrundelse") || !strings.Contains(body, "sætningsmodellen peger på den (sandsynlighed 0,64), reglerne ikke") {
		t.Fatalf("the queue does not list the suggestion:\n%s", body)
	}
	if status, body := f.do(t, "jurist", "POST", "/d/17-25/rettelser", url.Values{"case": {"1"}, "target": {"error:begrundelse"},
		"action": {"confirm"}, "reason": {"modellen har ret"}}); status >= 400 {
		t.Fatalf("confirming the suggestion: %d\n%s", status, body)
	}
	got, err := f.db.Get("17-25")
	if err != nil {
		t.Fatal(err)
	}
	var l *omgjort.ErrorLabel
	for i, e := range got.Cases[0].Errors {
		if e.Type == omgjort.ErrBegrundelse {
			l = &got.Cases[0].Errors[i]
		}
	}
	if l == nil || l.Correction == nil || len(l.Evidence) != 1 || l.Evidence[0].Text != sentence {
		t.Fatalf("after confirming, errors %+v", got.Cases[0].Errors)
	}
	if _, body = f.do(t, "jurist", "GET", "/rettelser", nil); strings.Contains(body, "Foreslået fejltype: Mangelfuld begrundelse") {
		t.Error("the settled suggestion is still in the queue")
	}
}
