package server

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"omgjort"
)

// Feed and export sizes.
const (
	// feedEntries is how many of the newest hits a feed holds; readers poll, so the newest
	// page is enough.
	feedEntries = 50
	// exportMax caps the rows of a CSV export: the index lets no search page further.
	exportMax = 10000
	// exportPage is the page size used to walk the hits of an export.
	exportPage = 100
)

// atomFeed is an Atom 1.0 document (RFC 4287) with the elements the RFC requires.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Gen     string      `xml:"generator"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Summary    atomText       `xml:"summary"`
	Content    *atomText      `xml:"content,omitempty"` // the digests' feed carries the whole text
	Categories []atomCategory `xml:"category"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// siteBase is the root of the absolute links Atom and CSV need: Config.SiteURL, or
// http://Addr when none is configured. Never the request's Host header, which the client
// chooses (a feed or export fetched with a forged Host would otherwise link elsewhere).
func (s *Server) siteBase() string {
	if s.cfg.SiteURL != "" {
		return strings.TrimRight(s.cfg.SiteURL, "/")
	}
	host, port, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return "http://" + s.cfg.Addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// handleFeed serves any search as an Atom feed of its newest hits, so legal staff can follow a
// search (a law, an error type) in their feed reader.
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	in, msg := parseSearch(r)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	req := in.request()
	req.Sort, req.From, req.Size = "date", 0, feedEntries
	res, ok := s.searchOr400(w, r, req)
	if !ok {
		return
	}
	s.auditOwnHits(r, "Atom-feed", res.Hits)
	base := s.siteBase()
	page := in.with()
	page.Page, page.Sort = 1, "date"
	self := "/feed.atom"
	if enc := page.values().Encode(); enc != "" {
		self += "?" + enc
	}
	title := "Omgjort: nye principmeddelelser"
	if d := in.describe(); d != "" {
		title += " – " + d
	}
	f := atomFeed{
		Lang: "da", ID: base + self, Title: title, Author: atomPerson{Name: "Ankestyrelsen (via Omgjort)"},
		Gen: "Omgjort " + omgjort.Version,
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + self},
			{Rel: "alternate", Type: "text/html", Href: base + page.href()},
		},
	}
	var newest time.Time
	for _, h := range res.Hits {
		e := atomEntry{
			ID:    base + "/d/" + url.PathEscape(h.ID),
			Title: h.Title,
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: base + "/d/" + url.PathEscape(h.ID)}},
			Summary: atomText{Type: "text", Text: strings.TrimSpace(h.Outcome.Label() + ". " +
				plainSnippet(strings.Join(h.Snippets, " … ")))},
		}
		if e.Title == "" {
			e.Title = "Principmeddelelse " + h.Number
		}
		if t, err := time.ParseInLocation(time.DateOnly, h.Published, s.loc); err == nil {
			e.Published = t.Format(time.RFC3339)
			e.Updated = e.Published
			if t.After(newest) {
				newest = t
			}
		}
		e.Categories = append(e.Categories, atomCategory{Term: "udfald:" + string(h.Outcome), Label: h.Outcome.Label()})
		for _, et := range h.Errors {
			e.Categories = append(e.Categories, atomCategory{Term: "fejl:" + string(et), Label: et.Label()})
		}
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		newest = time.Date(2000, 1, 1, 0, 0, 0, 0, s.loc)
	}
	f.Updated = newest.Format(time.RFC3339)
	for i := range f.Entries {
		if f.Entries[i].Updated == "" {
			f.Entries[i].Updated = f.Updated // Atom requires it; undated hits take the feed's
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = buf.WriteTo(w)
}

// plainSnippet turns an index snippet (escaped text with <mark>) back into plain text.
func plainSnippet(sn string) string {
	sn = strings.NewReplacer("<mark>", "", "</mark>", "").Replace(sn)
	return html.UnescapeString(sn)
}

// describe summarises the search in Danish for feed titles ("kontanthjælp; Udfald: Hjemvist").
func (in searchInput) describe() string {
	var parts []string
	if in.Query != "" {
		parts = append(parts, in.Query)
	}
	for _, fp := range filterParams {
		for _, v := range in.Filters[fp.Param] {
			parts = append(parts, fp.Heading+": "+valueLabel(fp.Key, v))
		}
	}
	return strings.Join(parts, "; ")
}

// csvHeader is the first row of the CSV export, in Danish for the spreadsheet's users.
var csvHeader = []string{"id", "nummer", "numre", "titel", "status", "offentliggjort", "underskrevet",
	"journalnummer", "love", "emneord", "paragraffer", "myndighed", "udfald", "blandet udfald", "fejltyper",
	"kritik", "ugyldig", "henvisninger", "erstattet af", "kilde", "omgjort"}

// exportRetryAfter is the Retry-After (seconds) of an export refused because enough are
// running: about the time one export of 10,000 rows takes.
const exportRetryAfter = 5

// handleExport serves any search as CSV: every hit (up to 10,000) with its metadata and labels,
// read from the store. The file is UTF-8 with a byte order mark and semicolons between the
// fields, which is what Excel with Danish settings opens correctly by a double-click.
//
// The rows are streamed, a page of hits at a time, so an export holds one page in memory; at
// most Config.MaxExports run at once and the rest get 503 with Retry-After. HEAD answers the
// headers without searching. A decision that cannot be read from the store is skipped and
// reported (log, the X-Omgjort-Skipped trailer); the rest of the export carries on.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	in, msg := parseSearch(r)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	req := in.request()
	req.Size = exportPage
	req.NoSnippets = true
	if req.Sort == "relevance" && in.Query == "" {
		req.Sort = "date"
	}
	name := "omgjort-" + time.Now().In(s.loc).Format("2006-01-02") + ".csv"
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hdr.Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	select {
	case s.exports <- struct{}{}:
		defer func() { <-s.exports }()
	default:
		for _, k := range []string{"Content-Type", "Content-Disposition", "Cache-Control"} {
			hdr.Del(k)
		}
		hdr.Set("Retry-After", strconv.Itoa(exportRetryAfter))
		s.log.Debug("server: export refused, too many running", slog.Int("running", cap(s.exports)))
		s.errorHTML(w, r, http.StatusServiceUnavailable, "Prøv igen om lidt",
			"Der bliver lavet mange udtræk lige nu. Prøv igen om et par sekunder.", false)
		return
	}
	// The first page is searched before anything is sent, so a bad query is still a 400.
	res, ok := s.searchOr400(w, r, req)
	if !ok {
		return
	}
	defer s.releaseStore()
	hdr.Set("Trailer", "X-Omgjort-Rows, X-Omgjort-Skipped")
	base := s.siteBase()
	out := bufio.NewWriterSize(w, 32<<10)
	out.WriteString("\uFEFF")
	cw := csv.NewWriter(out)
	cw.Comma = ';'
	cw.UseCRLF = true
	_ = cw.Write(csvHeader)
	rows, skipped := 0, 0
	var own []string // the own decisions handed out, audited like page views
	defer func() { s.auditOwnIDs(r, "udtræk (CSV)", own) }()
	for req.From = 0; ; {
		for _, h := range res.Hits {
			d, err := s.decisions.Decision(h.ID)
			if errors.Is(err, omgjort.ErrNotFound) {
				continue // indexed but gone from the store: reconciled on the next start
			}
			if err != nil {
				skipped++
				s.log.Warn("server: export: a decision could not be read and was skipped", slog.String("id", h.ID), slog.Any("error", err))
				continue
			}
			_ = cw.Write(csvRow(d, base))
			rows++
			if d.IsOwn() {
				own = append(own, d.ID)
			}
		}
		cw.Flush()
		if cw.Error() != nil || out.Flush() != nil {
			s.log.Info("server: export: client went away", slog.Int("rows", rows))
			return
		}
		req.From += exportPage
		if len(res.Hits) < exportPage || uint64(req.From) >= res.Total || req.From >= exportMax {
			break
		}
		var err error
		if res, err = s.search.Search(r.Context(), req); err != nil {
			// The status is sent: the file ends short, and the trailer's row count says so.
			if !clientGone(r, err) {
				s.log.Error("server: export: search failed mid-way", slog.Int("rows", rows), slog.Any("error", err))
			}
			break
		}
	}
	hdr.Set("X-Omgjort-Rows", strconv.Itoa(rows))
	hdr.Set("X-Omgjort-Skipped", strconv.Itoa(skipped))
}

// csvRow is one decision as a CSV row in csvHeader's order.
func csvRow(d *omgjort.Decision, base string) []string {
	errs := make([]string, 0, len(d.Errors))
	for _, e := range d.Errors {
		errs = append(errs, string(e))
	}
	var cites []string
	for _, c := range d.Citations {
		cites = append(cites, c.Text)
	}
	yes := func(b bool) string {
		if b {
			return "ja"
		}
		return "nej"
	}
	row := []string{d.ID, d.Number, strings.Join(d.Numbers, ", "), d.Title, d.Status.Label(), d.Published, d.Signed,
		d.Journal, strings.Join(d.Laws, ", "), strings.Join(d.Keywords, ", "), strings.Join(d.Paragraphs, ", "),
		d.Authority, string(d.Outcome), yes(d.Mixed), strings.Join(errs, ", "), yes(d.Kritik), yes(d.Ugyldig),
		strings.Join(cites, "; "), d.ReplacedBy, d.URL, base + "/d/" + url.PathEscape(d.ID)}
	for i, v := range row {
		row[i] = CellSafe(v)
	}
	return row
}

// CellSafe keeps a spreadsheet from reading a cell as a formula (CSV injection): a value that
// starts with =, +, -, @ or a control character gets a leading apostrophe, which Excel hides.
// Every CSV Omgjort writes (/export.csv, `omgjort export --format csv`) passes its cells
// through it.
func CellSafe(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}

// releaseStore lets the store drop the pages a bulk read mapped (see store.DB.ReleaseMemory),
// when it can.
func (s *Server) releaseStore() {
	if m, ok := s.decisions.(interface{ ReleaseMemory() error }); ok {
		if err := m.ReleaseMemory(); err != nil {
			s.log.Warn("could not release the store's mapped pages", "error", err)
		}
	}
}
