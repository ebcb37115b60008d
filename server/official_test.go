package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"omgjort"
	"omgjort/officialstats"
	"omgjort/server"
)

const statsAdminToken = "statistik-admin-token-0123456789abcdef"

// officialFixture is the real fixture with official statistics and the admin upload on.
func officialFixture(t *testing.T, access server.StatsAccess) (*realFixture, http.Handler) {
	t.Helper()
	f := newRealFixture(t, family()...)
	srv, err := server.New(server.Config{Logger: slog.New(slog.DiscardHandler), AdminToken: statsAdminToken,
		Official: officialstats.New(f.db), StatsAccess: access}, f.idx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	return f, srv.Handler()
}

func upload(t *testing.T, h http.Handler, file, kommune, token string) (int, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "officialstats", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", file)
	_, _ = fw.Write(data)
	_ = mw.WriteField("kommune", kommune)
	_ = mw.WriteField("token", token)
	_ = mw.Close()
	req := httptest.NewRequest("POST", "/admin/stats/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestOfficialStatsUploadAndPage(t *testing.T) {
	f, h := officialFixture(t, nil)
	if code, _ := upload(t, h, "talportal_2022_2023.csv", "Århus", "forkert"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", code)
	}
	code, body := upload(t, h, "talportal_forkert_raekke.csv", "Århus", statsAdminToken)
	if code != http.StatusBadRequest || !strings.Contains(body, "linje 9") || !strings.Contains(body, "Intet fra filen er gemt") {
		t.Errorf("malformed file: %d %s", code, body)
	}
	if imps, _ := f.db.OfficialImports(); len(imps) != 0 {
		t.Fatalf("a refused file left %d imports", len(imps))
	}
	code, body = upload(t, h, "talportal_2022_2023.csv", "Århus", statsAdminToken)
	if code != http.StatusOK || !strings.Contains(body, "importeret") {
		t.Fatalf("upload: %d %s", code, body)
	}
	code, body = upload(t, h, "talportal_2023_2024.csv", "", statsAdminToken)
	if code != http.StatusBadRequest || !strings.Contains(body, "2023") {
		t.Errorf("overlapping period: %d %s", code, body)
	}

	code, _, page := f.get(t, "/stats")
	if code != 200 {
		t.Fatalf("/stats %d", code)
	}
	checkHTML(t, page)
	c, err := officialstats.New(f.db).Comparison(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := c.Rows[0]
	want := []string{
		"Vores omgørelsesprocent mod landets",
		"Lignende kommuner",
		fmt.Sprintf(`<span class="n">%d af %d</span>`, r.Ours.K, r.Ours.N),
		fmt.Sprintf(`<span class="n">%d af %d</span>`, r.Country.K, r.Country.N),
		"95 %: ",
		"<h2 id=\"udvalg\">Principmeddelelser: et udvalg, ikke omgørelsesprocenten</h2>",
		`action="/admin/stats/import"`,
		"talportal_2022_2023.csv (Talportalens CSV-eksport)",
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("/stats lacks %q", w)
		}
	}
	for _, row := range c.Rows {
		if row.VsCountry == "ingen sikker forskel" && strings.Contains(page, "<td class=\"diff\">Ingen sikker forskel") {
			t.Error("an unsupported difference is marked as one")
		}
	}

	// JSON and CSV hold every figure.
	_, _, js := f.get(t, "/stats.json")
	var ex struct {
		Official struct {
			OursName string                          `json:"ours_name"`
			Rows     []omgjort.OfficialComparisonRow `json:"rows"`
		} `json:"official"`
		Principmeddelelser struct {
			Note string `json:"note"`
		} `json:"principmeddelelser"`
	}
	if err := json.Unmarshal([]byte(js), &ex); err != nil {
		t.Fatalf("stats.json: %v", err)
	}
	if ex.Official.OursName != "Aarhus" || len(ex.Official.Rows) != len(c.Rows) || ex.Official.Rows[0] != c.Rows[0] ||
		!strings.Contains(ex.Principmeddelelser.Note, "udvalg") {
		t.Errorf("stats.json: %+v", ex)
	}
	_, hdr, csvBody := f.get(t, "/stats.csv")
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Errorf("content type %q", hdr.Get("Content-Type"))
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\uFEFF")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	official := 0
	for _, row := range rows {
		if row[0] == "officiel" {
			official++
		}
	}
	if official != 3*len(c.Rows) || rows[0][0] != "afsnit" {
		t.Errorf("%d official CSV lines for %d rows", official, len(c.Rows))
	}
	first := rows[1]
	if first[3] != "Aarhus" || first[4] != fmt.Sprint(r.Ours.K) || first[5] != fmt.Sprint(r.Ours.N) || !strings.Contains(first[6], ",") {
		t.Errorf("first CSV line %q for %+v", first, r)
	}
}

func TestStatsAccessHook(t *testing.T) {
	f, _ := officialFixture(t, func(r *http.Request) bool { return r.Header.Get("X-Rolle") == "teamleder" })
	for _, p := range []string{"/stats", "/stats.json", "/stats.csv"} {
		if code, _, _ := f.get(t, p); code != http.StatusForbidden {
			t.Errorf("%s without the role: %d, want 403", p, code)
		}
	}
	req := httptest.NewRequest("GET", "/stats", nil)
	req.Header.Set("X-Rolle", "teamleder")
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("teamleder: %d", rec.Code)
	}
}

// TestBrowserStatsAt390 reads /stats on a 390 px wide phone: nothing wider than the screen but
// the tables and charts, which scroll inside their own box, and no chart label cut off.
func TestBrowserStatsAt390(t *testing.T) {
	ctx := browser(t)
	f, h := officialFixture(t, nil)
	if code, body := upload(t, h, "talportal_2022_2023.csv", "Århus", statsAdminToken); code != 200 {
		t.Fatalf("upload: %d %s", code, body)
	}
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(ts.URL+"/stats"), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, `document.querySelector("table.official") !== null`)
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide at 390 px: it scrolls sideways", w)
	}
	// Every wide table sits in a box that scrolls, and the box fits the screen.
	bad := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("table")).filter(t => {
		const w = t.closest(".table-wrap");
		if (!w) return true;
		const s = getComputedStyle(w).overflowX;
		return (s !== "auto" && s !== "scroll") || w.getBoundingClientRect().right > 390.5;
	}).map(t => t.querySelector("caption") ? t.querySelector("caption").textContent : "?")`)
	if len(bad) > 0 {
		t.Errorf("tables not in a scrolling box that fits: %q", bad)
	}
	if n := eval[int](t, ctx, `Array.from(document.querySelectorAll(".table-wrap")).filter(w => w.scrollWidth > w.clientWidth).length`); n == 0 {
		t.Error("no table is wider than the phone: the test shows nothing")
	}
	// No text of a chart falls outside its SVG's drawing area.
	clipped := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("svg")).flatMap(svg => {
		const vb = svg.viewBox.baseVal;
		return Array.from(svg.querySelectorAll("text")).filter(el => {
			const b = el.getBBox();
			const m = el.getCTM ? svg.getCTM().inverse().multiply(el.getCTM()) : null;
			const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(([x, y]) => {
				const p = new DOMPoint(x, y).matrixTransform(m);
				return [p.x, p.y];
			});
			return pts.some(([x, y]) => x < vb.x - 0.5 || y < vb.y - 0.5 || x > vb.x + vb.width + 0.5 || y > vb.y + vb.height + 0.5);
		}).map(el => el.textContent);
	})`)
	if len(clipped) > 0 {
		t.Errorf("chart labels cut off: %q", clipped)
	}
	// The official table's "I alt" of the quarter table is complete: as many cells as headers.
	if n := eval[int](t, ctx, `(() => { const t = document.querySelector("#tabel-kvartal").closest("table");
		return t.querySelector("thead tr").children.length - t.querySelector("tfoot tr").children.length; })()`); n != 0 {
		t.Errorf("the I alt row has %d cells fewer than the header", n)
	}
}
