package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"omgjort"
	"omgjort/alerts"
	"omgjort/server"
)

// TestEveryFilterHasAHeading: the search page shows a Danish facet heading for every filter of
// omgjort.SearchFilters, the list saved searches read too.
func TestEveryFilterHasAHeading(t *testing.T) {
	for _, f := range omgjort.SearchFilters {
		if server.FilterHeading(f.Key) == "" {
			t.Errorf("filter %s (%s) has no facet heading", f.Param, f.Key)
		}
	}
}

// TestSavedSearchesPages: a signed-in user saves the search page's search, lists, renames,
// changes and deletes it; bad input gets a Danish 400; another user cannot touch it; an
// anonymous visitor is told to sign in.
func TestSavedSearchesPages(t *testing.T) {
	f := newAuthFixture(t, nil)
	_, page := f.do(t, "", "GET", "/?q=partsh%C3%B8re", nil)
	if !strings.Contains(page, "for at gemme søgningen") || strings.Contains(page, `action="/gemte-soegninger"`) {
		t.Error("anonymous search page: no sign-in hint, or a save form")
	}
	_, page = f.do(t, "jurist", "GET", "/?q=partsh%C3%B8re&udfald=hjemvist&side=1", nil)
	if !strings.Contains(page, `action="/gemte-soegninger"`) || !strings.Contains(page, `name="soegning" value="q=partsh%C3%B8re&amp;udfald=hjemvist"`) {
		i := strings.Index(page, "Gem søgning")
		t.Fatalf("signed-in search page has no save form with the canonical query: %.400s", page[max(i, 0):])
	}
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"navn": {""}, "soegning": {"q=partshøre"}, "frekvens": {"daglig"}}, "Giv søgningen et navn"},
		{url.Values{"navn": {"X"}, "soegning": {"q=partshøre"}, "frekvens": {"månedlig"}}, "Vælg, hvor ofte"},
		{url.Values{"navn": {"X"}, "soegning": {`q="partshøre`}, "frekvens": {"daglig"}}, "citationstegn"},
	} {
		status, body := f.do(t, "jurist", "POST", "/gemte-soegninger", c.form)
		if status != http.StatusBadRequest || !strings.Contains(body, c.want) || !strings.Contains(body, `role="alert"`) {
			t.Errorf("save %v: %d, want 400 with %q", c.form, status, c.want)
		}
	}
	status, _ := f.do(t, "jurist", "POST", "/gemte-soegninger", url.Values{"navn": {"Partshøring"}, "soegning": {"q=partshøre&udfald=hjemvist"}, "frekvens": {"daglig"}})
	if status != http.StatusSeeOther {
		t.Fatalf("save: %d", status)
	}
	list, _ := f.alerts.List("u-jurist")
	if len(list) != 1 || list[0].Name != "Partshøring" || list[0].Freq != alerts.Daily {
		t.Fatalf("stored: %+v", list)
	}
	id := list[0].ID
	_, page = f.do(t, "jurist", "GET", "/gemte-soegninger?besked=gemt", nil)
	for _, want := range []string{"Søgningen er gemt.", "Partshøring", `href="/?q=partsh%C3%B8re&amp;udfald=hjemvist"`, "Dagligt på mail", `for="navn-` + id + `"`, "1 gemt søgning"} {
		if !strings.Contains(page, want) {
			t.Errorf("manage page lacks %q", want)
		}
	}
	// Another user neither sees nor changes it.
	if _, page := f.do(t, "sagsbehandler", "GET", "/gemte-soegninger", nil); strings.Contains(page, "Partshøring") {
		t.Error("another user sees the search")
	}
	if status, _ := f.do(t, "sagsbehandler", "POST", "/gemte-soegninger/"+id, url.Values{"handling": {"slet"}}); status != http.StatusNotFound {
		t.Errorf("another user's delete: %d", status)
	}
	if status, _ := f.do(t, "jurist", "POST", "/gemte-soegninger/"+id, url.Values{"handling": {"omdoeb"}, "navn": {"Partshøring i sanktionssager"}}); status != http.StatusSeeOther {
		t.Errorf("rename: %d", status)
	}
	if status, body := f.do(t, "jurist", "POST", "/gemte-soegninger/"+id, url.Values{"handling": {"frekvens"}, "frekvens": {"hver time"}}); status != http.StatusBadRequest || !strings.Contains(body, "Vælg, hvor ofte") {
		t.Errorf("bad frequency: %d", status)
	}
	if status, _ := f.do(t, "jurist", "POST", "/gemte-soegninger/"+id, url.Values{"handling": {"frekvens"}, "frekvens": {"ugentlig"}}); status != http.StatusSeeOther {
		t.Errorf("frequency: %d", status)
	}
	if status, body := f.do(t, "jurist", "POST", "/gemte-soegninger/adresse", url.Values{"email": {"ikke-en-adresse"}}); status != http.StatusBadRequest || !strings.Contains(body, "gyldig mailadresse") {
		t.Errorf("bad address: %d", status)
	}
	if status, _ := f.do(t, "jurist", "POST", "/gemte-soegninger/adresse", url.Values{"email": {"jurist@kommune.dk"}}); status != http.StatusSeeOther {
		t.Errorf("address: %d", status)
	}
	a, _ := f.alerts.Get("u-jurist", id)
	if e, _ := f.alerts.Email("u-jurist"); a.Name != "Partshøring i sanktionssager" || a.Freq != alerts.Weekly || e != "jurist@kommune.dk" {
		t.Errorf("after changes: %+v, %q", a, e)
	}
	if status, _ := f.do(t, "jurist", "POST", "/gemte-soegninger/"+id, url.Values{"handling": {"slet"}}); status != http.StatusSeeOther {
		t.Errorf("delete: %d", status)
	}
	if list, _ := f.alerts.List("u-jurist"); len(list) != 0 {
		t.Errorf("after delete: %+v", list)
	}
}

// TestUnsubscribeLink: the mail's link works without signing in, asks first, stops on the
// button (or a mail client's one-click POST without any cookie or CSRF token), and a changed
// link is refused with a Danish 400.
func TestUnsubscribeLink(t *testing.T) {
	f := newAuthFixture(t, nil)
	f.do(t, "jurist", "POST", "/gemte-soegninger", url.Values{"navn": {"Sanktioner"}, "soegning": {"q=sanktion"}, "frekvens": {"daglig"}})
	f.do(t, "jurist", "POST", "/gemte-soegninger", url.Values{"navn": {"Partshøring"}, "soegning": {"q=partshøre"}, "frekvens": {"ugentlig"}})
	list, _ := f.alerts.List("u-jurist")
	if len(list) != 2 {
		t.Fatalf("saved %d", len(list))
	}
	link := f.alerts.UnsubscribeURL(list[1].ID)
	if !strings.HasPrefix(link, f.ts.URL+"/afmeld/") || strings.Contains(link, "jurist") {
		t.Fatalf("link %q", link)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Vil du stoppe mails om den gemte søgning «Sanktioner»?") {
		t.Fatalf("confirmation page: %d %s", resp.StatusCode, b)
	}
	if a, _ := f.alerts.Get("u-jurist", list[1].ID); a.Freq != alerts.Daily {
		t.Fatal("opening the link (a mail scanner) already unsubscribed")
	}
	// One-click (RFC 8058): a bare POST from the mail provider.
	resp, err = http.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Du får ikke flere mails om «Sanktioner»") {
		t.Fatalf("unsubscribe: %d %s", resp.StatusCode, b)
	}
	if a, _ := f.alerts.Get("u-jurist", list[1].ID); a.Freq != alerts.Never {
		t.Errorf("after unsubscribing: %s", a.Freq)
	}
	if a, _ := f.alerts.Get("u-jurist", list[0].ID); a.Freq != alerts.Weekly {
		t.Errorf("the other search changed: %s", a.Freq)
	}
	bad := strings.Replace(link, list[1].ID, list[0].ID, 1)
	for _, method := range []string{"GET", "POST"} {
		req, _ := http.NewRequest(method, bad, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "ikke gyldigt") {
			t.Errorf("%s forged link: %d", method, resp.StatusCode)
		}
	}
	if a, _ := f.alerts.Get("u-jurist", list[0].ID); a.Freq != alerts.Weekly {
		t.Errorf("a forged link changed the other search: %s", a.Freq)
	}
}

// TestFailingAlertShownToAdmin: an alert the daily run could not mail is listed with its
// reason on /status for administrators only, and on its owner's page.
func TestFailingAlertShownToAdmin(t *testing.T) {
	f := newAuthFixture(t, nil)
	f.do(t, "jurist", "POST", "/gemte-soegninger", url.Values{"navn": {"Sanktioner"}, "soegning": {"q=sanktion"}, "frekvens": {"daglig"}})
	rep, err := f.alerts.RunDaily(context.Background())
	if err == nil || len(rep.Errors) != 1 {
		t.Fatalf("run without a mail address: %+v %v", rep, err)
	}
	_, page := f.do(t, "admin", "GET", "/status", nil)
	if !strings.Contains(page, "Gemte søgninger med fejl") || !strings.Contains(page, "ingen mailadresse") || !strings.Contains(page, "u-jurist") {
		t.Error("the admin's status page does not show the failing alert")
	}
	for _, role := range []string{"", "jurist"} {
		if _, page := f.do(t, role, "GET", "/status", nil); strings.Contains(page, "Gemte søgninger med fejl") {
			t.Errorf("%q sees the failing alerts on /status", role)
		}
	}
	if _, page := f.do(t, "jurist", "GET", "/gemte-soegninger", nil); !strings.Contains(page, "Søgningen kunne ikke sendes: Der er ingen mailadresse") {
		t.Error("the owner's page does not show why")
	}
}
