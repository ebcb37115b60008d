package replica

import (
	"encoding/xml"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"omgjort"
	"omgjort/crawler/replica/internal/sitegen"
)

// TestSiteIsFresh regenerates the site and requires byte-identical files, so the embedded
// site can never be stale against the generator.
func TestSiteIsFresh(t *testing.T) {
	want, err := sitegen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	again, err := sitegen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	err = fs.WalkDir(site, "site", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := site.ReadFile(path)
		got[strings.TrimPrefix(path, "site/")] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range want {
		if string(again[name]) != string(b) {
			t.Errorf("%s: two runs of the generator differ", name)
		}
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: generated but not embedded; run go generate ./crawler/replica", name)
		} else if string(g) != string(b) {
			t.Errorf("%s: embedded file is stale; run go generate ./crawler/replica", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: embedded but no longer generated; run go generate ./crawler/replica", name)
		}
	}
}

func expected(t *testing.T) []ExpectedDecision {
	t.Helper()
	exp, err := Expected()
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

func TestExpectedCoverage(t *testing.T) {
	exp := expected(t)
	if len(exp) < 44 {
		t.Fatalf("got %d decisions, want at least 44", len(exp))
	}
	seenOut := map[omgjort.Outcome]int{}
	ids, paths := map[string]bool{}, map[string]bool{}
	multiMixed, kritikUpheld, folderDiffers, historicOnly := 0, 0, 0, 0
	byJournal := map[string][]ExpectedDecision{}
	for _, d := range exp {
		if d.ID != omgjort.NormalizeNumber(d.Number) {
			t.Errorf("%s: id %q", d.Number, d.ID)
		}
		if ids[d.ID] || paths[d.Path] {
			t.Errorf("%s: duplicate id or path", d.Number)
		}
		ids[d.ID], paths[d.Path] = true, true
		if len(d.Numbers) == 0 || d.Numbers[0] != d.Number {
			t.Errorf("%s: numbers %v must start with the number", d.Number, d.Numbers)
		}
		if d.Status != string(omgjort.StatusGaeldende) && d.Status != string(omgjort.StatusHistorisk) {
			t.Errorf("%s: status %q", d.Number, d.Status)
		}
		if len(d.Laws) == 0 || d.Journal == "" || d.Published == "" || d.Title == "" {
			t.Errorf("%s: incomplete %+v", d.Number, d)
		}
		yy := d.Number[strings.LastIndex(d.Number, "-")+1:]
		folder := strings.Split(d.Path, "/")[3]
		if !strings.HasSuffix(folder, yy) {
			folderDiffers++
		}
		if d.Status == string(omgjort.StatusHistorisk) && len(d.Numbers) == 1 {
			historicOnly++
		}
		byJournal[d.Journal] = append(byJournal[d.Journal], d)
		outs := map[omgjort.Outcome]bool{}
		var list []omgjort.Outcome
		for i, c := range d.Cases {
			if c.ID != string(rune('1'+i)) {
				t.Errorf("%s: case %d has id %q", d.Number, i, c.ID)
			}
			if !c.Outcome.Valid() {
				t.Errorf("%s: case %s outcome %q", d.Number, c.ID, c.Outcome)
			}
			seenOut[c.Outcome]++
			outs[c.Outcome] = true
			list = append(list, c.Outcome)
			if c.Kritik && c.Outcome == omgjort.OutcomeStadfaestet {
				kritikUpheld++
			}
		}
		if roll, _ := omgjort.RollUp(list); roll != d.Outcome {
			t.Errorf("%s: roll-up %s, expected.json says %s", d.Number, roll, d.Outcome)
		}
		if len(d.Cases) == 0 {
			seenOut[d.Outcome]++
		}
		if len(d.Cases) > 1 && len(outs) > 1 {
			multiMixed++
		}
	}
	for _, o := range omgjort.Outcomes {
		if seenOut[o] == 0 {
			t.Errorf("no decision or case with outcome %s", o)
		} else if o != omgjort.OutcomeUkendt && seenOut[o] < 3 {
			t.Errorf("outcome %s only %d times, want several", o, seenOut[o])
		}
	}
	if multiMixed < 4 {
		t.Errorf("%d multi-case pages with mixed outcomes, want at least 4", multiMixed)
	}
	if kritikUpheld == 0 {
		t.Error("no upheld case with criticism")
	}
	if folderDiffers == 0 {
		t.Error("no page whose folder year differs from its number's year")
	}
	if historicOnly == 0 {
		t.Error("no page that is simply Historisk")
	}
	pairs := 0
	for j, ds := range byJournal {
		if len(ds) < 2 {
			continue
		}
		if len(ds) != 2 {
			t.Errorf("journal %s on %d pages", j, len(ds))
			continue
		}
		old, cur := ds[0], ds[1]
		if old.Status != "historisk" || cur.Status != "gaeldende" || !strings.HasSuffix(cur.Path, "-2") ||
			len(old.Numbers) != 2 || old.Numbers[1] != cur.Number || len(cur.Numbers) != 2 || cur.Numbers[1] != old.Number {
			t.Errorf("journal %s: not a Historisk/Gældende pair: %+v / %+v", j, old, cur)
		}
		pairs++
	}
	if pairs == 0 {
		t.Error("no Historisk/Gældende pair with the same journal number")
	}
}

func get(t *testing.T, srv *httptest.Server, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestHandlerServesSite(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	for path, typ := range map[string]string{"/robots.txt": "text/plain", "/sitemap.xml": "application/xml"} {
		resp, body := get(t, srv, path, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), typ) || body == "" {
			t.Errorf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	for _, d := range expected(t) {
		resp, body := get(t, srv, d.Path, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: %d %q", d.Path, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		if resp.Header.Get("Last-Modified") == "" || !strings.HasPrefix(resp.Header.Get("ETag"), `"`) {
			t.Errorf("%s: missing validators", d.Path)
		}
		checkPage(t, d, body)
	}
	for _, path := range []string{"/findes-ikke", "/for-myndigheder/principmeddelelser/2019", "/site/expected.json", "/manifest.json"} {
		if resp, _ := get(t, srv, path, nil); resp.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	path := expected(t)[0].Path
	first, body := get(t, srv, path, nil)
	etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if resp, b := get(t, srv, path, map[string]string{"If-None-Match": etag}); resp.StatusCode != 304 || b != "" {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	if resp, _ := get(t, srv, path, map[string]string{"If-Modified-Since": lm}); resp.StatusCode != 304 {
		t.Errorf("If-Modified-Since: %d", resp.StatusCode)
	}
	if resp, b := get(t, srv, path, map[string]string{"If-None-Match": `"stale"`}); resp.StatusCode != 200 || b != body {
		t.Errorf("stale ETag: %d", resp.StatusCode)
	}
	if resp, _ := get(t, srv, path, map[string]string{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}); resp.StatusCode != 200 {
		t.Errorf("old If-Modified-Since: %d", resp.StatusCode)
	}
	other, _ := get(t, srv, expected(t)[1].Path, nil)
	if other.Header.Get("ETag") == etag {
		t.Error("two pages share an ETag")
	}
}

func TestSitemap(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	_, body := get(t, srv, "/sitemap.xml", nil)
	var sm struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			Lastmod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(body), &sm); err != nil {
		t.Fatal(err)
	}
	locs := map[string]string{}
	years, other := 0, 0
	for _, u := range sm.URLs {
		path, ok := strings.CutPrefix(u.Loc, "https://www.ast.dk/")
		if !ok {
			t.Errorf("loc %q is not absolute on www.ast.dk", u.Loc)
			continue
		}
		locs["/"+path] = u.Lastmod
		switch {
		case len(strings.Split(path, "/")) == 3 && strings.HasPrefix(path, "for-myndigheder/principmeddelelser/"):
			years++
		case !strings.HasPrefix(path, "for-myndigheder/principmeddelelser/"):
			other++
		}
		if resp, _ := get(t, srv, "/"+path, nil); resp.StatusCode != 200 {
			t.Errorf("sitemap lists %s, served %d", path, resp.StatusCode)
		}
	}
	for _, d := range expected(t) {
		if lm, ok := locs[d.Path]; !ok || lm != d.Lastmod {
			t.Errorf("%s: in sitemap %v with lastmod %q, want %q", d.Path, ok, lm, d.Lastmod)
		}
	}
	if years < 5 || other < 2 {
		t.Errorf("sitemap has %d year pages and %d unrelated pages", years, other)
	}
}

// checkPage parses a detail page and compares its structure with the expectation.
func checkPage(t *testing.T, d ExpectedDecision, body string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", d.Number, err)
	}
	var ogTitle, h1, canonical string
	var tags, sagHeads []string
	var meta, caseText strings.Builder
	inConcrete := false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "meta" && attr(n, "property") == "og:title":
				ogTitle = attr(n, "content")
			case n.Data == "link" && attr(n, "rel") == "canonical":
				canonical = attr(n, "href")
			case n.Data == "h1":
				h1 = text(n)
			case n.Data == "span" && attr(n, "class") == "label label-default":
				tags = append(tags, text(n))
			case n.Data == "div" && attr(n, "class") == "metadata":
				meta.WriteString(text(n))
			case n.Data == "button":
				inConcrete = strings.HasPrefix(text(n), "De") && strings.Contains(text(n), "konkrete afgørelse")
			case n.Data == "h3" && strings.HasPrefix(text(n), "Sag "):
				sagHeads = append(sagHeads, text(n))
			case n.Data == "div" && attr(n, "class") == "rich-text" && inConcrete:
				caseText.WriteString(text(n))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if ogTitle != d.Title || h1 != d.Title {
		t.Errorf("%s: og:title %q h1 %q, want %q", d.Number, ogTitle, h1, d.Title)
	}
	if canonical != "https://www.ast.dk"+d.Path {
		t.Errorf("%s: canonical %q", d.Number, canonical)
	}
	status := "Gældende"
	if d.Status == "historisk" {
		status = "Historisk"
	}
	want := append(append(append([]string{}, d.Laws...), d.Keywords...), status, d.Authority)
	if strings.Join(tags, "|") != strings.Join(want, "|") {
		t.Errorf("%s: tags %v, want %v", d.Number, tags, want)
	}
	if !strings.Contains(meta.String(), "Journalnummer"+d.Journal) || !strings.Contains(meta.String(), "Offentliggørelsesdato") {
		t.Errorf("%s: metadata %q", d.Number, meta.String())
	}
	if len(d.Cases) > 1 {
		txt := caseText.String()
		for _, c := range d.Cases {
			if !strings.Contains(txt, "Sag nr. "+c.ID+", j.nr. "+c.Journal) {
				t.Errorf("%s: no heading for case %s", d.Number, c.ID)
			}
		}
	}
	if len(d.Cases) > 0 && len(sagHeads) > len(d.Cases) {
		t.Errorf("%s: %d Sag headings for %d cases", d.Number, len(sagHeads), len(d.Cases))
	}
	for _, c := range d.Cases {
		if c.Outcome == omgjort.OutcomeUkendt && strings.Contains(caseText.String(), "Det betyder, at vi") {
			t.Errorf("%s: unknown-outcome page has an outcome formula", d.Number)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return strings.TrimSpace(b.String())
}

// TestEscapedText checks that text with HTML-special characters survives as text: after
// parsing, the decision contains the literal script tag, and the raw page does not.
func TestEscapedText(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	found, lt := 0, 0
	for _, d := range expected(t) {
		_, body := get(t, srv, d.Path, nil)
		if strings.Contains(body, "<script>") {
			t.Errorf("%s: raw <script> in the page", d.Number)
		}
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		txt := text(doc)
		if strings.Contains(txt, "<script>alert(1)</script>") {
			found++
		}
		if strings.Contains(txt, " < ") || strings.Contains(txt, " > ") || strings.Contains(txt, " & ") {
			lt++
		}
	}
	if found != 1 {
		t.Errorf("%d pages contain the escaped script text, want exactly 1", found)
	}
	if lt < 3 {
		t.Errorf("%d pages with <, > or & in the text, want several", lt)
	}
}

// TestSameMarkupAsRealPages compares the skeleton (element.class paths) of the generated
// detail pages with the real-page replica in ../shared, when it is there: every structure the
// real pages use must appear on the replica too.
func TestSameMarkupAsRealPages(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	repoRoot := filepath.Join(filepath.Dir(file), "..", "..")
	reals, _ := filepath.Glob(filepath.Join(repoRoot, "..", "shared", "replica", "astdk", "files", "principmeddelelse-*.html"))
	if len(reals) == 0 {
		t.Skip("real replica not available under ../shared/replica/astdk; skipping the markup comparison")
	}
	want := map[string]string{}
	for _, f := range reals {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for s := range skeleton(t, string(b)) {
			want[s] = filepath.Base(f)
		}
	}
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	got := map[string]bool{}
	for _, d := range expected(t) {
		_, page := get(t, srv, d.Path, nil)
		for s := range skeleton(t, page) {
			got[s] = true
		}
	}
	for s, f := range want {
		if !got[s] {
			t.Errorf("%s has %s, the replica does not", f, s)
		}
	}
}

func skeleton(t *testing.T, page string) map[string]bool {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var f func(n *html.Node, path string)
	f = func(n *html.Node, path string) {
		if n.Type == html.ElementNode {
			path += "/" + n.Data
			if c := attr(n, "class"); c != "" {
				path += "." + strings.ReplaceAll(c, " ", ".")
			}
			if n.Data != "ul" && n.Data != "li" {
				out[path] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c, path)
		}
	}
	f(doc, "")
	return out
}

func TestStart(t *testing.T) {
	srv, base, err := Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("base %q", base)
	}
	resp, err := http.Get(base + "/robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Sitemap: https://www.ast.dk/sitemap.xml") {
		t.Errorf("robots: %d %q", resp.StatusCode, b)
	}
	if _, _, err := Start("0.0.0.0:0"); err == nil {
		t.Error("Start accepted a non-loopback address")
	}
}
