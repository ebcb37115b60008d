package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/index"
	"omgjort/server"
	"omgjort/store"
)

// realFixture is the server over a real bbolt store and a real Bleve index in a temp dir.
type realFixture struct {
	srv *server.Server
	db  *store.DB
	idx *index.Index
}

func newRealFixture(tb testing.TB, ds ...*omgjort.Decision) *realFixture {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	idx, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		tb.Fatalf("index.Open: %v", err)
	}
	tb.Cleanup(func() { _ = idx.Close() })
	for _, d := range ds {
		d.Citations = omgjort.CitationsOf(d)
		body := []byte("<html>" + d.ID + "</html>")
		raw := &omgjort.RawPage{URL: d.URL, Status: 200, Body: body, Hash: d.ID, FetchedAt: time.Now()}
		if _, err := db.PutDecision(d, raw); err != nil {
			tb.Fatalf("PutDecision %s: %v", d.ID, err)
		}
	}
	if err := idx.Put(ds...); err != nil {
		tb.Fatalf("index.Put: %v", err)
	}
	run := omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)}
	if err := db.StartRun(&run); err != nil {
		tb.Fatal(err)
	}
	run.Result, run.Ended, run.Fetched = omgjort.RunOK, run.Started.Add(time.Minute), len(ds)
	if err := db.FinishRun(&run); err != nil {
		tb.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: slog.New(slog.DiscardHandler)}, idx, db)
	if err != nil {
		tb.Fatalf("server.New: %v", err)
	}
	return &realFixture{srv: srv, db: db, idx: idx}
}

func (f *realFixture) get(tb testing.TB, target string) (int, http.Header, string) {
	tb.Helper()
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec.Code, rec.Header(), rec.Body.String()
}

// family is a small corpus with citations and a republished Historisk/Gældende pair.
func family() []*omgjort.Decision {
	mk := func(num, pub, law string, out omgjort.Outcome, text string, errs ...omgjort.ErrorType) *omgjort.Decision {
		d := &omgjort.Decision{ID: omgjort.NormalizeNumber(num), Number: num, Numbers: []string{num},
			Title: "Principmeddelelse " + num + " om " + strings.ToLower(law), URL: "https://www.ast.dk/pm/" + num,
			Source: "astdk", Status: omgjort.StatusGaeldende, Published: pub, Laws: []string{law},
			Cases: []omgjort.Case{{ID: "1", Text: text, Outcome: out}}, ContentHash: num}
		for _, e := range errs {
			d.Cases[0].Errors = append(d.Cases[0].Errors, omgjort.ErrorLabel{Type: e, Score: 1,
				Evidence: []omgjort.Evidence{{Text: text[:10], Start: 0, End: 10}}})
		}
		d.RollUpCases()
		return d
	}
	a := mk("43-19", "2019-11-07", "Serviceloven", omgjort.OutcomeAendret, "Vi ændrer kommunens afgørelse om egenbetaling efter servicelovens § 110.")
	b := mk("8-25", "2025-02-13", "Serviceloven", omgjort.OutcomeHjemvist,
		"Vi hjemviser sagen. Kommunen har ikke partshørt dig efter forvaltningslovens § 19, stk. 1. Se principmeddelelse 43-19 og principmeddelelse 99-24.",
		omgjort.ErrPartshoering)
	old := mk("15-25", "2025-06-26", "Aktivloven", omgjort.OutcomeStadfaestet, "=HYPERLINK(\"x\") Vi stadfæster afgørelsen om kontanthjælp til ægtefæller på Ærø.")
	old.Status, old.ReplacedBy = omgjort.StatusHistorisk, "5-26"
	cur := mk("5-26", "2026-03-04", "Aktivloven", omgjort.OutcomeStadfaestet, "Vi stadfæster afgørelsen om kontanthjælp til ægtefæller på Ærø.")
	cur.Numbers, cur.Replaces = []string{"5-26", "15-25"}, []string{"15-25"}
	af := mk("2-24", "2024-01-11", "Aktivloven", omgjort.OutcomeAfvist, "Vi afviser din klage, fordi den er kommet for sent.")
	return []*omgjort.Decision{a, b, old, cur, af}
}

func TestDecisionPageLinks(t *testing.T) {
	f := newRealFixture(t, family()...)
	_, _, body := f.get(t, "/d/8-25")
	checkHTML(t, body)
	for _, want := range []string{
		`<a href="/d/43-19">43-19</a> – Principmeddelelse 43-19 om serviceloven`,                     // stored: opens in Omgjort
		`href="https://www.ast.dk/for-myndigheder/principmeddelelser/2024" rel="external">99-24</a>`, // not stored
		`<a href="https://www.retsinformation.dk/documents?t=forvaltningsloven" rel="external">Forvaltningsloven</a> § 19, stk. 1 – <a href="/?q=%C2%A7%3A%22forvaltningsloven&#43;%C2%A7&#43;19%2C&#43;stk.&#43;1%22">`,
		`<h2 id="henvisninger">Henvisninger</h2>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/d/8-25 lacks %q", want)
		}
	}
	_, _, body = f.get(t, "/d/43-19")
	if !strings.Contains(body, `<a href="/d/8-25">Principmeddelelse 8-25 om serviceloven</a>`) {
		t.Errorf("/d/43-19 does not list 8-25 under \"Citeret af\"")
	}
	_, _, body = f.get(t, "/d/15-25")
	if !strings.Contains(body, `Den gældende udgave er <a href="/d/5-26">Principmeddelelse 5-26 om aktivloven</a>`) {
		t.Errorf("Historisk page does not link to the Gældende one")
	}
	_, _, body = f.get(t, "/d/5-26")
	if !strings.Contains(body, `erstatter <a href="/d/15-25">Principmeddelelse 15-25 om aktivloven</a> (historisk)`) {
		t.Errorf("Gældende page does not link to the Historisk one")
	}
}

func TestAPISearchReal(t *testing.T) {
	f := newRealFixture(t, family()...)
	code, hdr, body := f.get(t, "/api/search?q=%C2%A7%3A19&udfald=hjemvist")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d %s: %s", code, hdr.Get("Content-Type"), body)
	}
	var res struct {
		Total  int                             `json:"total"`
		Took   *float64                        `json:"took"`
		Hits   []omgjort.SearchHit             `json:"hits"`
		Facets map[string][]omgjort.FacetValue `json:"facets"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].ID != "8-25" || res.Took == nil || len(res.Facets["law"]) == 0 {
		t.Errorf("api search = %+v", res)
	}
	code, _, body = f.get(t, "/api/decisions/8-25")
	var d omgjort.Decision
	if code != 200 || json.Unmarshal([]byte(body), &d) != nil || len(d.Citations) != 3 {
		t.Errorf("/api/decisions/8-25: %d, %d citations: %s", code, len(d.Citations), body)
	}
	for _, bad := range []string{"fejl:stavefejl", `"uafsluttet`, "år:tyve", "lov:", "ukendt:felt", "-"} {
		code, _, body := f.get(t, "/api/search?q="+urlQuery(bad))
		if code != 400 || !strings.Contains(body, `"error"`) {
			t.Errorf("%q: status %d %s", bad, code, body)
		}
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "\"", "%22", "&", "%26", "+", "%2B", "#", "%23").Replace(s)
}

func TestAtomFeed(t *testing.T) {
	f := newRealFixture(t, family()...)
	code, hdr, body := f.get(t, "/feed.atom?lov=Aktivloven")
	if code != 200 || hdr.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("status %d, type %q", code, hdr.Get("Content-Type"))
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  []struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("feed is not Atom XML: %v\n%s", err, body)
	}
	// RFC 4287: feed id, title, updated, author (no entry has one), self link; entry id, title, updated.
	if feed.ID == "" || !strings.Contains(feed.Title, "Lov: Aktivloven") || len(feed.Author) != 1 {
		t.Errorf("feed head: %+v", feed)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("feed updated %q: %v", feed.Updated, err)
	}
	self := false
	for _, l := range feed.Links {
		self = self || (l.Rel == "self" && strings.HasPrefix(l.Href, "http://example.com/feed.atom?"))
	}
	if !self {
		t.Errorf("no absolute self link: %+v", feed.Links)
	}
	var got []string
	ids := map[string]bool{}
	for _, e := range feed.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || e.Title == "" || ids[e.ID] {
			t.Errorf("bad entry %+v", e)
		}
		ids[e.ID] = true
		got = append(got, e.Link.Href)
	}
	want := []string{"http://example.com/d/5-26", "http://example.com/d/15-25", "http://example.com/d/2-24"} // newest first
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("entries %v, want %v", got, want)
	}
	if code, _, _ := f.get(t, "/feed.atom?q=%22open"); code != 400 {
		t.Errorf("bad feed query: status %d, want 400", code)
	}
}

func TestCSVExport(t *testing.T) {
	f := newRealFixture(t, family()...)
	code, hdr, body := f.get(t, "/export.csv?lov=Aktivloven")
	if code != 200 || hdr.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("status %d, headers %v", code, hdr)
	}
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Fatalf("no UTF-8 byte order mark")
	}
	r := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(body, "\uFEFF"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if len(rows) != 4 || rows[0][0] != "id" || rows[0][3] != "titel" {
		t.Fatalf("rows = %q", rows)
	}
	ids := map[string]bool{}
	for _, row := range rows[1:] {
		ids[row[0]] = true
		if row[len(row)-1] != "http://example.com/d/"+row[0] {
			t.Errorf("omgjort link %q", row[len(row)-1])
		}
	}
	if !ids["5-26"] || !ids["15-25"] || !ids["2-24"] {
		t.Errorf("exported ids %v", ids)
	}
	if !strings.Contains(body, "Historisk") || !strings.Contains(body, "Gældende") {
		t.Errorf("Danish letters lost: %q", body)
	}
	code, _, body = f.get(t, "/export.csv?q=citerer:43-19")
	if code != 200 || !strings.Contains(body, "forvaltningslovens § 19, stk. 1; 43-19; 99-24") {
		t.Errorf("citations not exported: %d %q", code, body)
	}
}

func TestStatsPage(t *testing.T) {
	f := newRealFixture(t, family()...)
	code, hdr, body := f.get(t, "/stats")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	checkHTML(t, body)
	if strings.Contains(body, "style=") || !strings.Contains(hdr.Get("Content-Security-Policy"), "style-src 'self'") {
		t.Errorf("inline style on /stats, which the CSP forbids")
	}
	if strings.Count(body, "<svg") != 4 {
		t.Errorf("want 4 SVG charts, got %d", strings.Count(body, "<svg"))
	}
	// Counted: 43-19 (ændret), 8-25 (hjemvist), 5-26 (stadfæstet), 2-24 (afvist); 15-25 was republished.
	const small = ` <abbr title="Under 10 afgørelser">*</abbr>`
	// Aktivloven: 2 decisions, 1 afvist, 0 reversed → 0,0 %. Serviceloven: 2, 0, 2 → 100,0 %.
	for _, want := range []string{
		"Tallene herunder dækker 4 offentliggjorte principmeddelelser",
		"<strong>Principmeddelelser er et udvalg</strong>",
		// Every share with its n (behandlet) and the n < 10 mark.
		`<tr><th scope="row"><a href="/?lov=Serviceloven&amp;udfald=omgjort">Serviceloven</a></th><td>2</td><td>0</td><td>2</td><td>2</td><td>100,0 %` + small + `</td><td>1</td></tr>`,
		`<tr><th scope="row"><a href="/?lov=Aktivloven&amp;udfald=omgjort">Aktivloven</a></th><td>2</td><td>1</td><td>0</td><td>1</td><td>0,0 %` + small + `</td><td>0</td></tr>`,
		`<tr><th scope="row">1. kvt. 2024</th><td>1</td><td>1</td><td>0</td><td>0</td><td>–` + small + `</td><td>0</td></tr>`,
		`<tr><th scope="row">1. kvt. 2025</th><td>1</td><td>0</td><td>1</td><td>1</td><td>100,0 %` + small + `</td><td>1</td></tr>`,
		// The "I alt" row is complete: the error-type columns too.
		`<tfoot><tr><th scope="row">I alt (med dato)</th><td>4</td><td>1</td><td>2</td><td>3</td><td>66,7 %` + small + `</td><td>1</td></tr></tfoot>`,
		"n = 1 *",
		`<th scope="col">Manglende partshøring</th>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/stats lacks %q", want)
		}
	}
	// Empty index: a clear sentence, not an empty chart.
	e := newRealFixture(t)
	if _, _, body := e.get(t, "/stats"); !strings.Contains(body, "Der er endnu ingen principmeddelelser at tælle.") {
		t.Errorf("empty stats page: %s", body)
	}
}
