// Package retsinfo is a loopback replica of retsinformation.dk for tests (source-astdk.md
// §7.2): the harvest API's change feed with its real limits (the last 10 days only, one
// call per interval or 429 with Retry-After, 400 outside 03:00–23:45 Danish time, [] on a
// quiet day) and the documents' LexDania XML with ETags, so conditional requests get 304.
// One server plays both hosts; point the crawler's API and site URLs at it.
package retsinfo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // opening hours are Danish time
)

// Item is one change-feed entry, as the real API writes it.
type Item struct {
	DocumentID       string `json:"documentId"`
	Accessionsnummer string `json:"accessionsnummer"`
	Href             string `json:"href"`
	ChangeDate       string `json:"changeDate"`
	DocumentType     Type   `json:"documentType"`
	ReasonForChange  string `json:"reasonForChange"`
}

// Type is a feed entry's document type.
type Type struct {
	ID        int    `json:"id"`
	ShortName string `json:"shortName"`
}

// Common document types of the feed.
var (
	KEN = Type{ID: 240, ShortName: "KEN"}
	LOV = Type{ID: 10, ShortName: "LOV H"}
	BEK = Type{ID: 60, ShortName: "BEK H"}
)

// Server is the replica's state. Set its fields before serving; Feed and Docs may be
// changed between runs under Lock.
type Server struct {
	sync.Mutex
	// Now is the server's clock for the opening hours and the 10-day window (default
	// time.Now); the rate limit always runs on real time.
	Now func() time.Time
	// Interval is the least time between feed calls before 429 (default 10 s).
	Interval time.Duration
	// RetryAfter is the Retry-After (whole seconds) of a 429 (default 1).
	RetryAfter int
	// Feed maps a day (YYYY-MM-DD) to its entries; a day not in it is quiet ([]).
	Feed map[string][]Item
	// Docs maps an accession number to its LexDania XML (served at /eli/accn/{ACCN}/xml).
	Docs map[string][]byte
	// Robots is the robots.txt body (default: allow everything).
	Robots string

	lastFeed time.Time
	// Log records every request as "STATUS PATH?QUERY".
	Log []string
}

// Href is the feed's href for an accession number, on the real host (the crawler re-roots it).
func Href(accn string) string { return "http://www.retsinformation.dk/eli/accn/" + accn + "/xml" }

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) record(r *http.Request, status int) {
	s.Log = append(s.Log, fmt.Sprintf("%d %s", status, r.URL.RequestURI()))
}

// Count returns how many logged requests start with prefix ("429 ", "200 /v1/", …).
func (s *Server) Count(prefix string) int {
	s.Lock()
	defer s.Unlock()
	n := 0
	for _, l := range s.Log {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// ServeHTTP answers the feed, robots.txt, the XML and the ELI JSON-LD.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Lock()
	defer s.Unlock()
	switch {
	case r.URL.Path == "/robots.txt":
		s.record(r, 200)
		body := s.Robots
		if body == "" {
			body = "User-agent: *\nDisallow:\n"
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, body)
	case r.URL.Path == "/v1/Documents":
		s.feed(w, r)
	case strings.HasPrefix(r.URL.Path, "/eli/accn/") && strings.HasSuffix(r.URL.Path, "/xml"):
		accn := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/eli/accn/"), "/xml")
		doc, ok := s.Docs[accn]
		if !ok {
			s.record(r, 404)
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(doc)
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			s.record(r, 304)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		s.record(r, 200)
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.Write(doc)
	case strings.HasPrefix(r.URL.Path, "/eli/retsinfo/") && strings.HasSuffix(r.URL.Path, ".json"):
		s.record(r, 200)
		id := "https://www.retsinformation.dk" + strings.TrimSuffix(r.URL.Path, ".json")
		w.Header().Set("Content-Type", "application/ld+json")
		json.NewEncoder(w).Encode([]map[string]string{{"@id": id}})
	default:
		s.record(r, 404)
		http.NotFound(w, r)
	}
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	l := now.In(loc)
	bad := func(msg string) {
		s.record(r, 400)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"message": msg})
	}
	if m := l.Hour()*60 + l.Minute(); m < 3*60 || m >= 23*60+45 {
		bad("The API is available between 03:00 and 23:45")
		return
	}
	interval := s.Interval
	if interval == 0 {
		interval = 10 * time.Second
	}
	// The rate limit runs on real time; Now only says which day and hour it is.
	if !s.lastFeed.IsZero() && time.Since(s.lastFeed) < interval {
		ra := s.RetryAfter
		if ra == 0 {
			ra = 1
		}
		s.record(r, 429)
		w.Header().Set("Retry-After", fmt.Sprint(ra))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	s.lastFeed = time.Now()
	day := r.URL.Query().Get("date")
	if day == "" {
		day = l.Format("2006-01-02")
	}
	d, err := time.ParseInLocation("2006-01-02", day, loc)
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	if err != nil || d.After(today) || d.Before(today.AddDate(0, 0, -9)) {
		bad("date must be within the last 10 days")
		return
	}
	s.record(r, 200)
	items := s.Feed[day]
	if items == nil {
		items = []Item{}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(items)
}

// Doc writes a small but complete LexDania principmeddelelse in the current format, with the
// given metadata and one case letter per entry of cases (its text's first line may be a
// "Sag nr. N, j.nr. …" heading), so tests can publish on retsinformation a decision that
// also exists on ast.dk.
func Doc(accn, title, journal, signed, published string, cases []string) []byte {
	var b bytes.Buffer
	esc := html.EscapeString
	para := func(format, text string) {
		if format != "" {
			format = ` formaChar="` + format + `"`
		}
		fmt.Fprintf(&b, "      <Exitus><Linea><Char%s>%s</Char></Linea></Exitus>\n", format, esc(text))
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<Dokument>
  <Meta>
    <DocumentType>KEN#LOKDOK23</DocumentType>
    <AccessionNumber>%s</AccessionNumber>
    <DocumentTitle>%s</DocumentTitle>
    <Year>%s</Year>
    <DiesSigni>%s</DiesSigni>
    <Status>Valid</Status>
    <Number>%s</Number>
    <DiesEdicti>%s</DiesEdicti>
    <JournalNumber>%s</JournalNumber>
    <AdministrativeAuthority>Ankestyrelsen</AdministrativeAuthority>
  </Meta>
  <DokumentIndhold>
    <Resume>
`, esc(accn), esc(title), esc(published[:4]), esc(signed), esc(eliNumber(accn)), esc(published), esc(journal))
	para("Bold", "Principmeddelelsen fastslår")
	para("", "Resumé af "+title+".")
	b.WriteString("    </Resume>\n    <TekstGruppe>\n")
	para("Bold", "De konkrete afgørelser")
	for _, c := range cases {
		head, rest, ok := strings.Cut(c, "\n")
		if ok && strings.HasPrefix(head, "Sag ") {
			para("Italic", head)
		} else {
			rest = c
		}
		for _, p := range strings.Split(rest, "\n") {
			if p != "" {
				para("", p)
			}
		}
	}
	b.WriteString("    </TekstGruppe>\n  </DokumentIndhold>\n</Dokument>\n")
	return b.Bytes()
}

// eliNumber derives a document number (the 9xxx of /eli/retsinfo/{year}/{number}) from an
// accession number such as W20240912325 (→ 9123).
func eliNumber(accn string) string {
	if len(accn) >= 9 {
		return accn[len(accn)-6 : len(accn)-2]
	}
	return "9000"
}
