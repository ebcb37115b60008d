package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	xhtml "golang.org/x/net/html"

	"omgjort"
	"omgjort/server"
)

// memIndex is a small in-memory Searcher: every query word must occur in the title or text,
// filters must all match, facets count over all hits, and snippets mark the first word like the
// real index does (escaped text, <mark> around the match). An unbalanced quote is a QueryError.
type memIndex struct {
	mu   sync.Mutex
	docs []*omgjort.Decision
	fail error // returned as is, to simulate an index failure
	boom bool  // panic in Search
	// rawSnippet, when set, replaces every hit's snippets, to feed the page markup the index
	// should never produce.
	rawSnippet string
	// browseErr makes an empty query a QueryError, like an index that cannot list everything.
	browseErr bool
	reqs      []omgjort.SearchRequest
}

func (m *memIndex) Search(_ context.Context, req omgjort.SearchRequest) (*omgjort.SearchResult, error) {
	m.mu.Lock()
	m.reqs = append(m.reqs, req)
	m.mu.Unlock()
	if m.boom {
		panic("memIndex: boom")
	}
	if m.fail != nil {
		return nil, m.fail
	}
	if m.browseErr && req.Query == "" {
		return nil, &omgjort.QueryError{Message: "Skriv et søgeord."}
	}
	if strings.Count(req.Query, `"`)%2 == 1 {
		return nil, &omgjort.QueryError{Message: "Et citationstegn mangler sin afslutning.", Err: errors.New("unterminated quote")}
	}
	words := strings.Fields(strings.ToLower(strings.ReplaceAll(req.Query, `"`, "")))
	var hits []*omgjort.Decision
	for _, d := range m.docs {
		text := strings.ToLower(d.Title + "\n" + d.Text())
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(text, w)
		}
		for key, vals := range req.Filters {
			have := fieldValues(d, key)
			for _, v := range vals {
				ok = ok && slices.Contains(have, v)
			}
		}
		if ok {
			hits = append(hits, d)
		}
	}
	if req.Sort == "date" {
		slices.SortStableFunc(hits, func(a, b *omgjort.Decision) int { return strings.Compare(b.Published, a.Published) })
	}
	res := &omgjort.SearchResult{Total: uint64(len(hits)), Facets: map[string][]omgjort.FacetValue{}, Took: 1500 * time.Microsecond}
	for _, key := range []string{"law", "outcome", "errors", "year", "status", "authority"} {
		counts := map[string]int{}
		var order []string
		for _, d := range hits {
			for _, v := range fieldValues(d, key) {
				if counts[v] == 0 {
					order = append(order, v)
				}
				counts[v]++
			}
		}
		for _, v := range order {
			res.Facets[key] = append(res.Facets[key], omgjort.FacetValue{Value: v, Count: counts[v]})
		}
	}
	for i := req.From; i < len(hits) && i < req.From+req.Size; i++ {
		d := hits[i]
		h := omgjort.SearchHit{ID: d.ID, Number: d.Number, Title: d.Title, Published: d.Published,
			Status: d.Status, Outcome: d.Outcome, Errors: d.Errors, Laws: d.Laws}
		if len(words) > 0 {
			h.Snippets = []string{snippet(d.Text(), words[0])}
		}
		if m.rawSnippet != "" {
			h.Snippets = []string{m.rawSnippet}
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

func fieldValues(d *omgjort.Decision, key string) []string {
	switch key {
	case "law":
		return d.Laws
	case "outcome":
		return []string{string(d.Outcome)}
	case "errors":
		var out []string
		for _, e := range d.Errors {
			out = append(out, string(e))
		}
		return out
	case "year":
		return []string{strconv.Itoa(d.Year)}
	case "status":
		return []string{string(d.Status)}
	case "authority":
		return []string{d.Authority}
	}
	return nil
}

func snippet(text, word string) string {
	i := strings.Index(strings.ToLower(text), word)
	if i < 0 {
		return html.EscapeString(text[:min(len(text), 80)])
	}
	start := max(0, i-40)
	for start > 0 && !isRuneStart(text[start]) {
		start--
	}
	end := min(len(text), i+len(word)+40)
	for end < len(text) && !isRuneStart(text[end]) {
		end++
	}
	return html.EscapeString(text[start:i]) + "<mark>" + html.EscapeString(text[i:i+len(word)]) + "</mark>" + html.EscapeString(text[i+len(word):end])
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// memStore is a small in-memory DecisionReader.
type memStore struct {
	docs    map[string]*omgjort.Decision
	runs    []omgjort.CrawlRun
	runsErr error
	fail    error
}

func (m *memStore) Decision(id string) (*omgjort.Decision, error) {
	if m.fail != nil {
		return nil, m.fail
	}
	if d, ok := m.docs[id]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("memstore: decision %s: %w", id, omgjort.ErrNotFound)
}

func (m *memStore) Runs(n int) ([]omgjort.CrawlRun, error) {
	if m.runsErr != nil {
		return nil, m.runsErr
	}
	return m.runs[:min(n, len(m.runs))], nil
}

// fixture is a site with the given decisions, an OK run, and a log buffer.
type fixture struct {
	idx   *memIndex
	store *memStore
	srv   *server.Server
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func mustFixture(tb testing.TB, docs ...*omgjort.Decision) *fixture {
	tb.Helper()
	f := &fixture{idx: &memIndex{docs: docs}, store: &memStore{docs: map[string]*omgjort.Decision{}}, logs: &syncBuffer{}}
	for _, d := range docs {
		f.store.docs[d.ID] = d
	}
	f.store.runs = []omgjort.CrawlRun{{ID: 1, Job: "crawl-astdk", Result: omgjort.RunOK,
		Started: time.Date(2026, 1, 9, 13, 0, 0, 0, time.UTC), Ended: time.Date(2026, 1, 9, 13, 5, 0, 0, time.UTC), Fetched: 12}}
	srv, err := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(f.logs, nil))}, f.idx, f.store)
	if err != nil {
		tb.Fatalf("server.New: %v", err)
	}
	f.srv = srv
	return f
}

// get performs a request against the handler and returns status, headers and body.
func (f *fixture) get(tb testing.TB, target string) (int, http.Header, string) {
	tb.Helper()
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec.Code, rec.Header(), rec.Body.String()
}

// sampleDecision is a two-case decision written for these tests.
func sampleDecision() *omgjort.Decision {
	case1 := "Vi hjemviser sagen til kommunen.\n\nKommunen har ikke partshørt dig, før den traf afgørelse.\n\nVi kritiserer, at kommunen ikke har vejledt dig."
	case2 := "Vi stadfæster kommunens afgørelse.\n\nDu har ret til hjælp efter aktivloven."
	d := &omgjort.Decision{
		ID: "17-25", Number: "17-25", Numbers: []string{"17-25", "O-26-96"},
		Title: "Principmeddelelse 17-25 om sanktion og partshøring", URL: "https://www.ast.dk/principmeddelelser/17-25",
		Source: "astdk", Status: omgjort.StatusGaeldende, Published: "2026-01-09", Signed: "2025-12-18", Year: 2026,
		Journal: "25-1234", Laws: []string{"Aktivloven"}, Keywords: []string{"Sanktion"}, Paragraphs: []string{"§ 35"},
		Authority: "Kommunal",
		Sections: []omgjort.Section{
			{Heading: "Principmeddelelsen fastslår", Text: "Kommunen skal partshøre borgeren.\n\nDet gælder også ved sanktioner."},
			{Heading: "Reglerne", Text: "Forvaltningslovens § 19."},
		},
		Cases: []omgjort.Case{
			{ID: "1", Heading: "Sag nr. 1, j.nr. 24-1", Journal: "24-1", Text: case1, Outcome: omgjort.OutcomeHjemvist,
				OutcomeEvidence: []omgjort.Evidence{{Text: "Vi hjemviser sagen til kommunen.", Start: 0, End: len("Vi hjemviser sagen til kommunen.")}},
				Kritik:          true,
				KritikEvidence:  []omgjort.Evidence{evidenceFor(case1, "Vi kritiserer, at kommunen ikke har vejledt dig.")},
				Errors: []omgjort.ErrorLabel{{Type: omgjort.ErrPartshoering, Score: 1,
					Evidence: []omgjort.Evidence{evidenceFor(case1, "Kommunen har ikke partshørt dig")}}},
			},
			{ID: "2", Journal: "24-2", Text: case2, Outcome: omgjort.OutcomeStadfaestet,
				OutcomeEvidence: []omgjort.Evidence{evidenceFor(case2, "Vi stadfæster kommunens afgørelse.")}},
		},
	}
	d.RollUpCases()
	return d
}

// evidenceFor is the evidence of sentence s in text, its offsets in characters as the
// classifier writes them.
func evidenceFor(text, s string) omgjort.Evidence {
	i := strings.Index(text, s)
	if i < 0 {
		panic("evidenceFor: " + s + " not in text")
	}
	start, end := omgjort.CharRange(text, i, i+len(s))
	return omgjort.Evidence{Text: s, Start: start, End: end}
}

// manyDecisions makes n simple decisions that all contain the word "boligstøtte".
func manyDecisions(n int) []*omgjort.Decision {
	var out []*omgjort.Decision
	for i := range n {
		num := fmt.Sprintf("%d-24", i+1)
		out = append(out, &omgjort.Decision{ID: num, Number: num, Title: "Afgørelse " + num + " om boligstøtte",
			Status: omgjort.StatusGaeldende, Published: fmt.Sprintf("2024-03-%02d", i%28+1), Year: 2024,
			Laws: []string{"Boligstøtteloven"}, Outcome: omgjort.OutcomeStadfaestet,
			Sections: []omgjort.Section{{Heading: "Afgørelse", Text: "Sagen handler om boligstøtte."}}})
	}
	return out
}

// checkHTML parses the page and checks what every page must satisfy: balanced tags, lang="da",
// one h1, landmarks, unique ids, and a label for every form control.
func checkHTML(tb testing.TB, body string) *xhtml.Node {
	tb.Helper()
	checkBalanced(tb, body)
	doc, err := xhtml.Parse(strings.NewReader(body))
	if err != nil {
		tb.Fatalf("parse HTML: %v", err)
	}
	var (
		h1s, mains  int
		landmarks   = map[string]int{}
		ids         = map[string]int{}
		labelFor    = map[string]bool{}
		controls    []*xhtml.Node
		lang        string
		navsLabeled = true
	)
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			if id := attr(n, "id"); id != "" {
				ids[id]++
			}
			switch n.Data {
			case "html":
				lang = attr(n, "lang")
			case "h1":
				h1s++
			case "main":
				mains++
			case "header", "footer":
				landmarks[n.Data]++
			case "nav":
				landmarks["nav"]++
				if attr(n, "aria-label") == "" {
					navsLabeled = false
				}
			case "label":
				labelFor[attr(n, "for")] = true
			case "input", "select", "textarea":
				if t := attr(n, "type"); t != "hidden" && t != "submit" {
					controls = append(controls, n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if lang != "da" {
		tb.Errorf("html lang = %q, want da", lang)
	}
	if h1s != 1 {
		tb.Errorf("page has %d h1, want 1", h1s)
	}
	if mains != 1 || landmarks["header"] == 0 || landmarks["footer"] == 0 || landmarks["nav"] == 0 {
		tb.Errorf("landmarks: main=%d others=%v", mains, landmarks)
	}
	if !navsLabeled {
		tb.Errorf("a nav has no aria-label")
	}
	for id, n := range ids {
		if n > 1 {
			tb.Errorf("id %q used %d times", id, n)
		}
	}
	for _, c := range controls {
		if id := attr(c, "id"); id == "" || !labelFor[id] {
			tb.Errorf("form control <%s name=%q> has no <label for>", c.Data, attr(c, "name"))
		}
	}
	if !strings.Contains(body, `href="#indhold"`) || ids["indhold"] != 1 {
		tb.Errorf("skip link to #indhold missing")
	}
	if strings.Contains(body, "style=") || strings.Contains(body, "<script") || strings.Contains(body, "<style") {
		tb.Errorf("page has inline style or script, which the CSP forbids")
	}
	return doc
}

// voidElements have no end tag.
var voidElements = map[string]bool{"meta": true, "link": true, "input": true, "br": true, "img": true, "hr": true}

// checkBalanced fails when a start tag is not closed by its own end tag, in order.
func checkBalanced(tb testing.TB, body string) {
	tb.Helper()
	z := xhtml.NewTokenizer(strings.NewReader(body))
	var stack []string
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				tb.Fatalf("tokenize: %v", z.Err())
			}
			if len(stack) > 0 {
				tb.Errorf("unclosed elements at end: %v", stack)
			}
			return
		case xhtml.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				stack = append(stack, string(name))
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				tb.Fatalf("end tag </%s> does not close %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// findAll returns the elements for which match is true.
func findAll(n *xhtml.Node, match func(*xhtml.Node) bool) []*xhtml.Node {
	var out []*xhtml.Node
	if n.Type == xhtml.ElementNode && match(n) {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAll(c, match)...)
	}
	return out
}

// shownCaseText is the text of a case as the page shows it (paragraphs, restored headings, list
// items; without the links back from the evidence to the labels), with white space and list
// bullets removed, to compare with the stored text the same way.
func shownCaseText(caseText *xhtml.Node) string {
	for _, a := range findAll(caseText, func(n *xhtml.Node) bool { return strings.Contains(attr(n, "class"), "ev-back") }) {
		a.Parent.RemoveChild(a)
	}
	var b strings.Builder
	for _, n := range findAll(caseText, func(n *xhtml.Node) bool { return n.Data == "p" || n.Data == "h3" || n.Data == "li" }) {
		b.WriteString(textOf(n))
	}
	return squeeze(b.String())
}

// squeeze drops white space and list bullets.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '•' {
			return -1
		}
		return r
	}, s)
}

func textOf(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestSearchPageRendersHits(t *testing.T) {
	hist := sampleDecision()
	hist.ID, hist.Number, hist.Numbers, hist.Status = "3-19", "3-19", []string{"3-19"}, omgjort.StatusHistorisk
	hist.Title = "Principmeddelelse 3-19 om partshøring"
	f := mustFixture(t, sampleDecision(), hist)

	code, h, body := f.get(t, "/?q=partshørt")
	if code != http.StatusOK {
		t.Fatalf("status %d, body %s", code, body)
	}
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	doc := checkHTML(t, body)
	for _, want := range []string{
		"2 afgørelser fundet",
		`<mark>partshørt</mark>`,
		`<span class="badge badge-hjemvist">Hjemvist</span>`,
		`href="/d/17-25"`,
		`href="/d/3-19"`,
		"Offentliggjort 9. januar 2026",
		`<span class="tag tag-historic">Historisk</span>`,
		`<label for="q">`,
		`value="partshørt"`,
		"Senest opdateret: 9. januar 2026 kl. 14.05 (12 afgørelser hentet)",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	// The help line names the query syntax.
	for _, want := range []string{"lov:", "udfald:", "fejl:", "§:", "år:", "nr:", "+skal", "-ikke"} {
		if !strings.Contains(body, want) {
			t.Errorf("help line lacks %q", want)
		}
	}
	marks := findAll(doc, func(n *xhtml.Node) bool { return n.Data == "mark" })
	if len(marks) != 2 || textOf(marks[0]) != "partshørt" {
		t.Errorf("want 2 snippet marks around partshørt, got %d", len(marks))
	}
	if got := f.idx.reqs[len(f.idx.reqs)-1]; got.Query != "partshørt" || got.Size != 20 || got.From != 0 {
		t.Errorf("search request %+v", got)
	}
}

func TestSearchSnippetIsTheOnlyHTML(t *testing.T) {
	d := sampleDecision()
	d.Title = `Om <script>alert(1)</script> & "citater"`
	d.Sections[0].Text = `Tekst med <script>alert(2)</script> og <b>fed</b> partshøring.`
	f := mustFixture(t, d)
	code, _, body := f.get(t, "/?q=partshøring")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	checkHTML(t, body)
	if strings.Contains(body, "<script") || strings.Contains(body, "<b>") {
		t.Errorf("raw markup from data reached the page")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(body, "&lt;script&gt;alert(2)&lt;/script&gt;") {
		t.Errorf("escaped title or snippet missing")
	}
}

func TestSnippetWithForeignMarkupIsEscaped(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	f.idx.rawSnippet = `Tekst <img src=x onerror=alert(1)> om <mark>partshøring</mark>`
	code, _, body := f.get(t, "/?q=partshøring")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	checkHTML(t, body)
	if strings.Contains(body, "<img") {
		t.Errorf("markup other than <mark> in a snippet reached the page")
	}
	if !strings.Contains(body, `Tekst &lt;img src=x onerror=alert(1)&gt; om <mark>partshøring</mark>`) {
		t.Errorf("snippet not escaped with its marks kept")
	}
}

func TestFrontPage(t *testing.T) {
	f := mustFixture(t, manyDecisions(3)...)
	code, _, body := f.get(t, "/")
	if code != http.StatusOK || !strings.Contains(body, "3 afgørelser fundet") || !strings.Contains(body, "Boligstøtteloven") {
		t.Errorf("front page: status %d", code)
	}
	checkHTML(t, body)

	// An index that cannot browse without a query still gives a plain front page, no error.
	f.idx.browseErr = true
	code, _, body = f.get(t, "/")
	if code != http.StatusOK || strings.Contains(body, `role="alert"`) || strings.Contains(body, "fundet") {
		t.Errorf("front page without browsing: status %d", code)
	}
	checkHTML(t, body)
}

func TestQueryErrorIs400InDanish(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	code, _, body := f.get(t, "/?q="+url.QueryEscape(`"partshøring`))
	if code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", code)
	}
	doc := checkHTML(t, body)
	alerts := findAll(doc, func(n *xhtml.Node) bool { return attr(n, "role") == "alert" })
	if len(alerts) != 1 || !strings.Contains(textOf(alerts[0]), "Et citationstegn mangler sin afslutning.") {
		t.Errorf("want one alert with the Danish message, got %d", len(alerts))
	}
	inputs := findAll(doc, func(n *xhtml.Node) bool { return n.Data == "input" && attr(n, "name") == "q" })
	if len(inputs) != 1 || attr(inputs[0], "value") != `"partshøring` {
		t.Errorf("query not kept in the box")
	}
	if strings.Contains(body, "unterminated quote") {
		t.Errorf("internal error text leaked")
	}

	code, h, body := f.get(t, "/api/search?q="+url.QueryEscape(`"partshøring`))
	if code != http.StatusBadRequest {
		t.Fatalf("API status %d, want 400", code)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("API Content-Type %q", h.Get("Content-Type"))
	}
	var e map[string]string
	if err := json.Unmarshal([]byte(body), &e); err != nil || e["error"] != "Et citationstegn mangler sin afslutning." {
		t.Errorf("API error body %q (%v)", body, err)
	}
}

func TestBadInputIsNever500(t *testing.T) {
	f := mustFixture(t, manyDecisions(3)...)
	long := strings.Repeat("æ", 1001)
	cases := []struct {
		target string
		want   int
		msg    string
	}{
		{"/?q=" + url.QueryEscape(long), 400, "højst være 1000 tegn"},
		{"/?q=" + url.QueryEscape(strings.Repeat("æ", 1000)), 200, "Ingen afgørelser fundet"},
		{"/api/search?q=" + url.QueryEscape(long), 400, "højst være 1000 tegn"},
		{"/?q=boligstøtte&side=abc", 400, "Sidetallet"},
		{"/?q=boligstøtte&side=0", 400, "Sidetallet"},
		{"/?q=boligstøtte&side=501", 400, "højst vises 500 sider"},
		{"/?q=%ff%fe", 400, "ugyldige tegn"},
		{"/?q=" + strings.Repeat("a", 9000), 400, "Adressen er for lang"},
		{"/d/" + strings.Repeat("x", 300), 404, "findes ikke"},
	}
	for _, c := range cases {
		code, _, body := f.get(t, c.target)
		if code != c.want || !strings.Contains(body, c.msg) {
			t.Errorf("%.60s: status %d, want %d with %q; body %.300s", c.target, code, c.want, c.msg, body)
		}
		if code == 400 && !strings.HasPrefix(c.target, "/api/") {
			checkHTML(t, body)
		}
	}
}

func TestBackendErrorIs500WithoutDetails(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	f.idx.fail = errors.New("bleve: segment /var/lib/omgjort/index/000042.zap corrupt")
	code, _, body := f.get(t, "/?q=partshøring")
	if code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", code)
	}
	checkHTML(t, body)
	if !strings.Contains(body, "Beklager") {
		t.Errorf("no Danish apology")
	}
	if strings.Contains(body, "corrupt") || strings.Contains(body, "/var/lib") {
		t.Errorf("error details leaked to the page")
	}
	if !strings.Contains(f.logs.String(), "000042.zap corrupt") {
		t.Errorf("error not logged; log: %s", f.logs.String())
	}
	code, _, body = f.get(t, "/api/search?q=x")
	if code != 500 || strings.Contains(body, "corrupt") || !strings.Contains(body, `"error"`) {
		t.Errorf("API: status %d body %s", code, body)
	}

	f.store.fail = errors.New("bbolt: database not open")
	code, _, body = f.get(t, "/d/17-25")
	if code != 500 || strings.Contains(body, "bbolt") {
		t.Errorf("decision with store failure: status %d", code)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	f.idx.boom = true
	code, h, body := f.get(t, "/?q=x")
	if code != http.StatusInternalServerError || !strings.Contains(body, "Beklager") {
		t.Errorf("panic: status %d body %.200s", code, body)
	}
	if h.Get("Content-Security-Policy") == "" {
		t.Errorf("security headers missing on the panic page")
	}
	if !strings.Contains(f.logs.String(), "memIndex: boom") {
		t.Errorf("panic not logged")
	}
}

func TestDecisionPage(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	code, _, body := f.get(t, "/d/17-25")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	doc := checkHTML(t, body)
	h1 := findAll(doc, func(n *xhtml.Node) bool { return n.Data == "h1" })
	if textOf(h1[0]) != "Principmeddelelse 17-25 om sanktion og partshøring" {
		t.Errorf("h1 %q", textOf(h1[0]))
	}
	var h2s []string
	for _, n := range findAll(doc, func(n *xhtml.Node) bool { return n.Data == "h2" }) {
		h2s = append(h2s, textOf(n))
	}
	wantH2 := []string{"Principmeddelelsen fastslår", "Reglerne", "Sag nr. 1, j.nr. 24-1", "Sag nr. 2, j.nr. 24-2", "Henvisninger", "Citeret af"}
	if !slices.Equal(h2s, wantH2) {
		t.Errorf("h2 = %q, want %q", h2s, wantH2)
	}
	for _, want := range []string{
		"<p>Kommunen skal partshøre borgeren.</p>", "<p>Det gælder også ved sanktioner.</p>",
		"Numre", "17-25, O-26-96", "Offentliggjort", "9. januar 2026", "Underskrevet", "18. december 2025",
		"Journalnummer", "25-1234", "Aktivloven", "Sanktion", "§ 35", "Kommunal", "Gældende",
		`href="https://www.ast.dk/principmeddelelser/17-25"`, "blandet udfald", "Blandet udfald: principmeddelelsen har flere konkrete sager",
		`<span class="badge badge-stadfaestet">Stadfæstet</span>`,
		"Manglende partshøring", "Kritik",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("decision page lacks %q", want)
		}
	}
	// Each piece of evidence is a mark with its own id, and the labels link to it.
	marks := map[string]string{}
	for _, n := range findAll(doc, func(n *xhtml.Node) bool { return n.Data == "mark" }) {
		marks[attr(n, "id")] = textOf(n)
	}
	wantMarks := map[string]string{
		"ev-1-1": "Vi hjemviser sagen til kommunen.",
		"ev-1-2": "Kommunen har ikke partshørt dig",
		"ev-1-3": "Vi kritiserer, at kommunen ikke har vejledt dig.",
		"ev-2-1": "Vi stadfæster kommunens afgørelse.",
	}
	for id, text := range wantMarks {
		if marks[id] != text {
			t.Errorf("mark %s = %q, want %q", id, marks[id], text)
		}
	}
	links := map[string]bool{}
	for _, n := range findAll(doc, func(n *xhtml.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "#ev-") }) {
		// The visible text is the same for every label; screen readers also hear which label.
		if !strings.HasPrefix(textOf(n), "Se begrundelsen for ") {
			t.Errorf("evidence link text %q", textOf(n))
		}
		links[strings.TrimPrefix(attr(n, "href"), "#")] = true
	}
	for id := range wantMarks {
		if !links[id] {
			t.Errorf("no link to #%s", id)
		}
	}
	// The case text keeps its paragraphs, with the mark inside the right one.
	// The mark is styled after its label and links back to it.
	if !strings.Contains(body, `<p><mark id="ev-1-2" class="ev ev-fejl">Kommunen har ikke partshørt dig</mark><a href="#sag-1-fejl-1" class="ev-back ev-fejl" title="Tilbage til Manglende partshøring">`) ||
		!strings.Contains(body, `<li id="sag-1-fejl-1" class="label-fejl">`) {
		t.Errorf("case paragraph with the error evidence not rendered as expected")
	}
}

func TestDecisionPageEscapesAndSurvivesBadOffsets(t *testing.T) {
	text := "Første <script>alert(1)</script> afsnit.\n\nAndet afsnit med æøå og mere tekst.\n\nTredje afsnit."
	d := &omgjort.Decision{ID: "1-26", Number: "1-26", Title: "Titel <script>x()</script>", Status: omgjort.StatusHistorisk,
		RepublishNote: "Genoptrykt som <b>2-26</b>.",
		Cases: []omgjort.Case{{ID: "1", Text: text, Outcome: omgjort.OutcomeAendret,
			OutcomeEvidence: []omgjort.Evidence{
				{Start: -5, End: 3},                             // negative
				{Start: 10, End: 5000},                          // past the end
				{Start: 48, End: 47},                            // reversed
				{Text: "noget andet", Start: 2, End: 13},        // offsets fit, text differs and is nowhere
				{Start: 0, End: 20},                             // overlaps the next
				{Start: 10, End: 60},                            // runs across a paragraph break
				{Text: "Tredje afsnit.", Start: 999, End: 1000}, // bad offsets, findable text
			},
			Ugyldig:         true,
			UgyldigEvidence: []omgjort.Evidence{{Text: "findes ikke i teksten", Start: -1, End: -1}},
		}},
	}
	d.RollUpCases()
	f := mustFixture(t, d)
	code, _, body := f.get(t, "/d/1-26")
	if code != http.StatusOK {
		t.Fatalf("status %d: %.300s", code, body)
	}
	doc := checkHTML(t, body)
	if strings.Contains(body, "<script") || strings.Contains(body, "<b>") {
		t.Errorf("raw markup from data reached the page")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(body, "Titel &lt;script&gt;x()&lt;/script&gt;") {
		t.Errorf("escaped text missing")
	}
	if !strings.Contains(body, "Genoptrykt som &lt;b&gt;2-26&lt;/b&gt;.") {
		t.Errorf("republish note missing or unescaped")
	}
	if !strings.Contains(body, "Historisk") || !strings.Contains(body, "Ugyldig") {
		t.Errorf("status or flag missing")
	}
	// Every link to evidence points at an existing mark; the case text is shown whole.
	ids := map[string]bool{}
	var marked strings.Builder
	for _, n := range findAll(doc, func(n *xhtml.Node) bool { return n.Data == "mark" }) {
		if id := attr(n, "id"); id != "" {
			ids[id] = true
		}
		marked.WriteString(textOf(n))
	}
	for _, n := range findAll(doc, func(n *xhtml.Node) bool { return strings.HasPrefix(attr(n, "href"), "#ev-") }) {
		if !ids[strings.TrimPrefix(attr(n, "href"), "#")] {
			t.Errorf("link %s points at no mark", attr(n, "href"))
		}
	}
	if len(ids) != 2 {
		t.Errorf("want 2 marks (merged overlap + found text), got %v", ids)
	}
	if !strings.Contains(marked.String(), "Tredje afsnit.") {
		t.Errorf("evidence located by its text not marked")
	}
	caseText := findAll(doc, func(n *xhtml.Node) bool { return attr(n, "class") == "case-text" })
	if got := shownCaseText(caseText[0]); got != squeeze(text) {
		t.Errorf("case text changed by highlighting:\n got %q\nwant %q", got, squeeze(text))
	}
}

func TestDecisionNotFound(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	code, _, body := f.get(t, "/d/99-99")
	if code != http.StatusNotFound || !strings.Contains(body, "Afgørelsen findes ikke") {
		t.Errorf("HTML: status %d body %.200s", code, body)
	}
	checkHTML(t, body)
	code, _, body = f.get(t, "/api/decisions/99-99")
	var e map[string]string
	if code != http.StatusNotFound || json.Unmarshal([]byte(body), &e) != nil || !strings.Contains(e["error"], "findes ikke") {
		t.Errorf("API: status %d body %s", code, body)
	}
	code, _, body = f.get(t, "/ingen/side")
	if code != http.StatusNotFound || !strings.Contains(body, "Siden blev ikke fundet") {
		t.Errorf("unknown path: status %d", code)
	}
}

func TestAPI(t *testing.T) {
	f := mustFixture(t, append(manyDecisions(25), sampleDecision())...)
	code, _, body := f.get(t, "/api/search?q=boligstøtte&side=2")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "hits", "facets", "took"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("API search lacks %q", k)
		}
	}
	var res struct {
		Total  uint64                          `json:"total"`
		Hits   []omgjort.SearchHit             `json:"hits"`
		Facets map[string][]omgjort.FacetValue `json:"facets"`
		TookMS float64                         `json:"took"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 25 || len(res.Hits) != 5 || res.Hits[0].ID != "21-24" || res.TookMS != 1.5 {
		t.Errorf("API search: total %d, %d hits, first %+v, took %v", res.Total, len(res.Hits), res.Hits, res.TookMS)
	}
	if res.Facets["law"][0] != (omgjort.FacetValue{Value: "Boligstøtteloven", Count: 25}) {
		t.Errorf("facets %+v", res.Facets)
	}

	code, _, body = f.get(t, "/api/search?q=ingenting")
	if code != 200 || !strings.Contains(body, `"hits":[]`) {
		t.Errorf("empty result: %d %s", code, body)
	}

	code, _, body = f.get(t, "/api/decisions/17-25")
	var d omgjort.Decision
	if code != 200 || json.Unmarshal([]byte(body), &d) != nil {
		t.Fatalf("API decision: %d %s", code, body)
	}
	if d.ID != "17-25" || len(d.Cases) != 2 || d.Cases[0].OutcomeEvidence[0].Text != "Vi hjemviser sagen til kommunen." {
		t.Errorf("API decision round trip: %+v", d)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; script-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	}
	for _, target := range []string{"/", "/?q=x", "/d/17-25", "/d/nope", "/api/search?q=x", "/api/decisions/17-25", "/healthz", "/static/style.css", "/nowhere"} {
		_, h, _ := f.get(t, target)
		for k, v := range want {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", target, k, h.Get(k), v)
			}
		}
	}
	code, h, body := f.get(t, "/static/style.css")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/css") || !strings.Contains(body, ".badge-hjemvist") {
		t.Errorf("stylesheet: %d %q", code, h.Get("Content-Type"))
	}
	if code, _, body := f.get(t, "/healthz"); code != 200 || body != "ok" {
		t.Errorf("healthz: %d %q", code, body)
	}
}

func TestFacetsAndFilters(t *testing.T) {
	docs := manyDecisions(3)
	docs = append(docs, sampleDecision())
	f := mustFixture(t, docs...)
	code, _, body := f.get(t, "/?q=kommunen")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	doc := checkHTML(t, body)
	facetNav := findAll(doc, func(n *xhtml.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Afgræns søgningen" })
	if len(facetNav) != 1 {
		t.Fatalf("facet nav missing")
	}
	var hjemvist string
	for _, a := range findAll(facetNav[0], func(n *xhtml.Node) bool { return n.Data == "a" }) {
		if strings.HasPrefix(textOf(a), "Hjemvist") {
			hjemvist = attr(a, "href")
			if !strings.Contains(textOf(a), "(1)") {
				t.Errorf("facet count missing in %q", textOf(a))
			}
		}
	}
	if hjemvist != "/?q=kommunen&udfald=hjemvist" {
		t.Fatalf("outcome facet link = %q", hjemvist)
	}
	for _, want := range []string{"Manglende partshøring", "Gældende", "Aktivloven", "2026", "Kommunal"} {
		if !strings.Contains(textOf(facetNav[0]), want) {
			t.Errorf("facets lack %q", want)
		}
	}

	// Following the facet link filters the search, shows the filter, and offers to remove it.
	code, _, body = f.get(t, hjemvist+"&fejl=partshoering&sort=date")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	doc = checkHTML(t, body)
	got := f.idx.reqs[len(f.idx.reqs)-1]
	if !slices.Equal(got.Filters["outcome"], []string{"hjemvist"}) || !slices.Equal(got.Filters["errors"], []string{"partshoering"}) || got.Sort != "date" {
		t.Errorf("filters not passed on: %+v", got)
	}
	if !strings.Contains(body, "1 afgørelse fundet") {
		t.Errorf("filtered count missing")
	}
	active := findAll(doc, func(n *xhtml.Node) bool { return n.Data == "a" && attr(n, "class") == "chip" })
	if len(active) != 2 {
		t.Fatalf("want 2 active filter links, got %d", len(active))
	}
	if !strings.Contains(textOf(active[0]), "Udfald: Hjemvist") || attr(active[0], "href") != "/?fejl=partshoering&q=kommunen&sort=date" {
		t.Errorf("remove link %q -> %q", textOf(active[0]), attr(active[0], "href"))
	}
	// The query box keeps the filters and sort as hidden fields.
	hidden := map[string]string{}
	for _, n := range findAll(doc, func(n *xhtml.Node) bool { return n.Data == "input" && attr(n, "type") == "hidden" }) {
		hidden[attr(n, "name")] = attr(n, "value")
	}
	if hidden["udfald"] != "hjemvist" || hidden["fejl"] != "partshoering" || hidden["sort"] != "date" {
		t.Errorf("hidden fields %v", hidden)
	}
}

func TestPagination(t *testing.T) {
	f := mustFixture(t, manyDecisions(45)...)
	code, _, body := f.get(t, "/?q=boligstøtte")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	doc := checkHTML(t, body)
	if n := len(findAll(doc, func(n *xhtml.Node) bool { return attr(n, "class") == "hit" })); n != 20 {
		t.Errorf("page 1 shows %d hits, want 20", n)
	}
	pager := findAll(doc, func(n *xhtml.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Sider" })
	if len(pager) != 1 {
		t.Fatal("pagination nav missing")
	}
	var hrefs []string
	for _, a := range findAll(pager[0], func(n *xhtml.Node) bool { return n.Data == "a" }) {
		hrefs = append(hrefs, attr(a, "href"))
	}
	want := []string{"/?q=boligst%C3%B8tte", "/?q=boligst%C3%B8tte&side=2", "/?q=boligst%C3%B8tte&side=3", "/?q=boligst%C3%B8tte&side=2"}
	if !slices.Equal(hrefs, want) {
		t.Errorf("pagination links %q, want %q", hrefs, want)
	}
	if !strings.Contains(body, `rel="next"`) || strings.Contains(body, `rel="prev"`) {
		t.Errorf("next/prev on page 1 wrong")
	}

	code, _, body = f.get(t, "/?q=boligstøtte&side=3")
	doc = checkHTML(t, body)
	if n := len(findAll(doc, func(n *xhtml.Node) bool { return attr(n, "class") == "hit" })); code != 200 || n != 5 {
		t.Errorf("page 3: status %d, %d hits, want 5", code, n)
	}
	if !strings.Contains(body, "Viser 41–45") || !strings.Contains(body, `rel="prev"`) || strings.Contains(body, `rel="next"`) {
		t.Errorf("page 3 range or prev/next wrong")
	}
	if got := f.idx.reqs[len(f.idx.reqs)-1]; got.From != 40 || got.Size != 20 {
		t.Errorf("page 3 request From=%d Size=%d", got.From, got.Size)
	}
}

func TestFreshness(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	_, _, body := f.get(t, "/d/17-25")
	if !strings.Contains(body, "Senest opdateret: 9. januar 2026 kl. 14.05 (12 afgørelser hentet)") {
		t.Errorf("freshness line missing")
	}
	if strings.Contains(body, `role="alert"`) {
		t.Errorf("alert shown after a good run")
	}

	// Summer time: 10:30 UTC is 12.30 in Copenhagen.
	f.store.runs = append([]omgjort.CrawlRun{
		{ID: 3, Result: omgjort.RunRunning, Started: time.Date(2026, 7, 2, 11, 0, 0, 0, time.UTC)},
		{ID: 2, Result: omgjort.RunFailed, Started: time.Date(2026, 7, 2, 10, 0, 0, 0, time.UTC), Ended: time.Date(2026, 7, 2, 10, 30, 0, 0, time.UTC),
			Error: "Sidens struktur kan have ændret sig: 0 principmeddelelser i sitemap"},
	}, f.store.runs...)
	_, _, body = f.get(t, "/")
	doc := checkHTML(t, body)
	alerts := findAll(doc, func(n *xhtml.Node) bool { return attr(n, "role") == "alert" })
	// The banner says in Danish what failed and when; the raw error is for admins on /status.
	if len(alerts) != 1 || !strings.Contains(textOf(alerts[0]), "Seneste hentning fra ast.dk mislykkedes 2. jul. kl. 12.30 — afgørelserne kan være forældede.") ||
		strings.Contains(body, "Sidens struktur") {
		t.Errorf("failed-run banner missing or wrong: %q", textOf(alerts[0]))
	}
	if !strings.Contains(body, "Senest opdateret: 9. januar 2026 kl. 14.05") {
		t.Errorf("last successful run not shown next to the failure")
	}

	f.store.runs = nil
	_, _, body = f.get(t, "/")
	if !strings.Contains(body, "Ingen kørsler endnu") {
		t.Errorf("no-runs line missing")
	}

	f.store.runsErr = errors.New("bbolt: runs bucket missing")
	code, _, body := f.get(t, "/d/17-25")
	if code != 200 || !strings.Contains(body, "Opdateringsstatus kan ikke vises") || strings.Contains(body, "bucket") {
		t.Errorf("runs error: status %d", code)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	f := mustFixture(t, sampleDecision())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/d/17-25")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Sag nr. 1") {
		t.Errorf("served status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v after cancel, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func TestNewRejectsNil(t *testing.T) {
	if _, err := server.New(server.Config{}, nil, &memStore{}); err == nil {
		t.Error("New accepted a nil searcher")
	}
	if _, err := server.New(server.Config{}, &memIndex{}, nil); err == nil {
		t.Error("New accepted a nil decision reader")
	}
}

// TestBadgeContrast checks every CSS rule that sets both a text and a background colour against
// WCAG's 4.5:1 minimum for normal text.
func TestBadgeContrast(t *testing.T) {
	css, err := os.ReadFile(filepath.Join("static", "style.css"))
	if err != nil {
		t.Fatal(err)
	}
	rule := regexp.MustCompile(`([^{}]+)\{([^}]*)\}`)
	colour := regexp.MustCompile(`(?:^|[;\s])color:\s*(#[0-9a-fA-F]{6})`)
	bg := regexp.MustCompile(`background:\s*(#[0-9a-fA-F]{6})`)
	checked := 0
	for _, m := range rule.FindAllStringSubmatch(string(css), -1) {
		c, b := colour.FindStringSubmatch(m[2]), bg.FindStringSubmatch(m[2])
		if c == nil || b == nil {
			continue
		}
		checked++
		if r := contrast(c[1], b[1]); r < 4.5 {
			t.Errorf("%s: %s on %s has contrast %.2f, want ≥ 4.5", strings.TrimSpace(m[1]), c[1], b[1], r)
		}
	}
	if checked < 6 {
		t.Errorf("only %d colour pairs found; the badge rules were not parsed", checked)
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	ch := func(x uint64) float64 {
		c := float64(x) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16&0xff) + 0.7152*ch(v>>8&0xff) + 0.0722*ch(v&0xff)
}

// TestDecisionPageNamesTheSentenceModel: a label only the sentence model found says so on the
// page; once a jurist has judged it, the jurist's mark replaces that.
func TestDecisionPageNamesTheSentenceModel(t *testing.T) {
	d := sampleDecision()
	d.Cases[0].Errors[0].Model = true
	f := mustFixture(t, d)
	code, _, body := f.get(t, "/d/17-25")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	checkHTML(t, body)
	if !strings.Contains(body, `<span class="tag tag-model" title="Fundet af den lærte sætningsmodel, ikke af en regel: læs sætningen, før du stoler på den">sætningsmodel</span>`) {
		t.Error("a model label is not marked as the sentence model's")
	}
	if strings.Count(body, "tag-model") != 1 {
		t.Errorf("%d model marks, want 1 (the rule labels have none)", strings.Count(body, "tag-model"))
	}
}

// TestDecisionPageNamesTheLetterModel: an outcome the letter model named says so on the page,
// with what the rules read; a jurist's judgement replaces the mark.
func TestDecisionPageNamesTheLetterModel(t *testing.T) {
	d := sampleDecision()
	d.Cases[0].OutcomeModel, d.Cases[0].OutcomeRulesReading = true, omgjort.OutcomeStadfaestet
	f := mustFixture(t, d)
	code, _, body := f.get(t, "/d/17-25")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	checkHTML(t, body)
	if !strings.Contains(body, `<span class="tag tag-model">brevmodel</span> <span class="model-note">(reglerne læste stadfæstet)</span>`) {
		t.Error("an outcome the letter model named is not marked as the model's")
	}
	d.Cases[0].OutcomeModel, d.Cases[0].OutcomeRulesReading = false, ""
	d.Cases[0].OutcomeModelLean, d.Cases[0].OutcomeModelLeanScore = omgjort.OutcomeAfvist, 0.93
	f = mustFixture(t, d)
	if _, _, body = f.get(t, "/d/17-25"); !strings.Contains(body, `<span class="tag tag-check">bør tjekkes</span> <span class="model-note">(brevmodellen peger på afvist (0,93))</span>`) {
		t.Error("the letter model's lean is not shown, or not marked to check")
	}
	d.Cases[0].OutcomeCorrection = &omgjort.LabelCorrection{Action: omgjort.CorrectionConfirm, User: "jurist", Reason: "læst"}
	f = mustFixture(t, d)
	if _, _, body = f.get(t, "/d/17-25"); strings.Contains(body, "brevmodel") {
		t.Error("a confirmed outcome still carries the letter model's mark")
	}
}

// TestDecisionPageMarksLabelsToCheck: an outcome or error label below omgjort.ConfidentAt that
// no jurist has judged is marked "bør tjekkes"; a sure one and a judged one are not (issue 10,
// point 4).
func TestDecisionPageMarksLabelsToCheck(t *testing.T) {
	d := sampleDecision()
	d.Cases[0].OutcomeConfidence = 0.79
	d.Cases[0].Errors[0].Confidence = 0.6
	d.Cases[1].OutcomeConfidence = 0.95
	for i := range d.Cases[1].Errors {
		d.Cases[1].Errors[i].Confidence = 0.92
	}
	f := mustFixture(t, d)
	_, _, body := f.get(t, "/d/17-25")
	checkHTML(t, body)
	if n := strings.Count(body, `<span class="tag tag-check">bør tjekkes</span>`); n != 2 {
		t.Errorf("%d labels marked to check, want 2 (the first case's outcome and its first error)", n)
	}
	d.Cases[0].OutcomeCorrection = &omgjort.LabelCorrection{Action: omgjort.CorrectionConfirm, User: "jurist", Reason: "læst"}
	d.Cases[0].Errors[0].Correction = &omgjort.LabelCorrection{Action: omgjort.CorrectionConfirm, User: "jurist", Reason: "læst"}
	f = mustFixture(t, d)
	if _, _, body = f.get(t, "/d/17-25"); strings.Contains(body, "tag-check") {
		t.Error("a label a jurist confirmed is still marked to check")
	}
}
