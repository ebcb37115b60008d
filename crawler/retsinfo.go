package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // the feed's opening hours are Danish time, also on hosts without zoneinfo

	"omgjort"
)

// RetsinfoJob is the CrawlRun.Job of a retsinformation.dk crawl.
const RetsinfoJob = "crawl-retsinformation"

// Defaults of RetsinfoConfig and the feed's published limits (source-astdk.md §2.3).
const (
	DefaultRetsinfoAPIURL  = "https://api.retsinformation.dk"
	DefaultRetsinfoSiteURL = "https://www.retsinformation.dk"
	// FeedInterval is the least time between two calls of the change feed: the API answers
	// a faster caller with 429.
	FeedInterval = 10 * time.Second
	// FeedDays is how far back the feed reaches: today and the nine days before it.
	FeedDays = 10
	// KENTypeID is the feed's documentType.id of a KEN document (principmeddelelser).
	KENTypeID = 240
)

// feedOpen and feedClose bound the feed's opening hours, Danish time (minutes after midnight).
const (
	feedOpen  = 3 * 60
	feedClose = 23*60 + 45
)

// RetsinfoConfig is how one crawl of retsinformation.dk's change feed behaves.
type RetsinfoConfig struct {
	// APIURL is the harvest API's root (default DefaultRetsinfoAPIURL); SiteURL is the
	// document host's root (default DefaultRetsinfoSiteURL). Feed hrefs on retsinformation.dk
	// are re-rooted onto SiteURL, so a replica can stand in for both.
	APIURL  string
	SiteURL string
	// Contact goes into the User-Agent, as for ast.dk.
	Contact string
	// Since (YYYY-MM-DD) backfills from that day: every feed day from it on is read again,
	// and the documents listed are fetched in full. The feed reaches only FeedDays back;
	// earlier days are reported, not silently dropped.
	Since string
	// Full reads every day the feed still has and fetches every document in full.
	Full bool
	// Now is the clock (default time.Now); the opening hours and the 10-day window follow it.
	Now func() time.Time
	// FeedInterval is the least time between feed calls (zero: FeedInterval; NoDelay: none,
	// for tests of the 429 handling).
	FeedInterval time.Duration
	// Delay, Timeout, MaxBodySize, Retries and RetryBackoff work as in Config; Delay applies
	// to the document host.
	Delay        time.Duration
	Timeout      time.Duration
	MaxBodySize  int64
	Retries      int
	RetryBackoff time.Duration
	// RunTimeout bounds the whole run as in Config.
	RunTimeout time.Duration
	Logger     *slog.Logger
}

// FeedItem is one entry of the change feed (GET /v1/Documents?date=YYYY-MM-DD).
type FeedItem struct {
	DocumentID       string `json:"documentId"`
	Accessionsnummer string `json:"accessionsnummer"`
	Href             string `json:"href"`
	ChangeDate       string `json:"changeDate"`
	DocumentType     struct {
		ID        int    `json:"id"`
		ShortName string `json:"shortName"`
	} `json:"documentType"`
	ReasonForChange string `json:"reasonForChange"`
}

// IsKEN reports whether the item is a KEN document, the type principmeddelelser carry.
func (it FeedItem) IsKEN() bool {
	return it.DocumentType.ID == KENTypeID || strings.HasPrefix(strings.ToUpper(strings.TrimSpace(it.DocumentType.ShortName)), "KEN")
}

// Removed reports whether the item says the document was taken down.
func (it FeedItem) Removed() bool {
	return strings.Contains(strings.ToLower(it.ReasonForChange), "removed")
}

// Remover is implemented by a Sink that wants to hear of documents the source took down;
// the crawler never deletes anything itself.
type Remover interface {
	Removed(ctx context.Context, url string, reason string) error
}

// copenhagen is the feed's time zone.
func copenhagen() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		// Cannot happen with time/tzdata imported; UTC+1 is the safe approximation.
		return time.FixedZone("CET", 3600)
	}
	return loc
}

// FeedOpen reports whether the change feed is open at t (03:00–23:45 Danish time).
func FeedOpen(t time.Time) bool {
	l := t.In(copenhagen())
	m := l.Hour()*60 + l.Minute()
	return m >= feedOpen && m < feedClose
}

// FeedDates returns the days (YYYY-MM-DD, oldest first) the feed can still be asked about at
// t: today in Denmark and the FeedDays-1 days before it.
func FeedDates(t time.Time) []string {
	l := t.In(copenhagen())
	today := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, l.Location())
	out := make([]string, 0, FeedDays)
	for i := FeedDays - 1; i >= 0; i-- {
		out = append(out, today.AddDate(0, 0, -i).Format("2006-01-02"))
	}
	return out
}

func (cfg RetsinfoConfig) withDefaults() RetsinfoConfig {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultRetsinfoAPIURL
	}
	if cfg.SiteURL == "" {
		cfg.SiteURL = DefaultRetsinfoSiteURL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch {
	case cfg.FeedInterval == 0:
		cfg.FeedInterval = FeedInterval
	case cfg.FeedInterval < 0:
		cfg.FeedInterval = 0
	}
	c := Config{Delay: cfg.Delay, Timeout: cfg.Timeout, MaxBodySize: cfg.MaxBodySize, Retries: cfg.Retries,
		RetryBackoff: cfg.RetryBackoff, RunTimeout: cfg.RunTimeout, Logger: cfg.Logger}.withDefaults()
	cfg.Delay, cfg.Timeout, cfg.MaxBodySize, cfg.Retries, cfg.RetryBackoff, cfg.RunTimeout, cfg.Logger =
		c.Delay, c.Timeout, c.MaxBodySize, c.Retries, c.RetryBackoff, c.RunTimeout, c.Logger
	return cfg
}

// feedDayComplete marks, in a feed day's PageState.Lastmod, that the day was read after it
// had ended, so it never needs reading again.
const feedDayComplete = "complete"

// CrawlRetsinfo runs one crawl of retsinformation.dk: the change feed for every day not yet
// read completely (at most FeedDays back, one call per FeedInterval, only in the opening
// hours), filtered to KEN documents, then each document's LexDania XML, fetched
// conditionally and parsed. Ankestyrelsen's decisions go to sink like ast.dk's (Raw.URL is
// the document's accession URL, Decision.URL its ELI address); other authorities' KEN
// documents are skipped. The run record is always filled; as with Crawl, an error is
// returned only when the run could not finish.
func CrawlRetsinfo(ctx context.Context, cfg RetsinfoConfig, sink Sink) (omgjort.CrawlRun, error) {
	cfg = cfg.withDefaults()
	log := cfg.Logger.With("job", RetsinfoJob)
	rec := newRunRecord(RetsinfoJob, SourceRetsinfo, log)
	run, transport, finish, failRun := &rec.run, rec.transport, rec.finish, rec.fail
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, cfg.RunTimeout)
	defer cancel()
	cancelled := func() (omgjort.CrawlRun, error) {
		if parent.Err() == nil {
			failRun(fmt.Sprintf("run deadline of %v exceeded; the run was stopped (%d documents fetched, %d failed)", cfg.RunTimeout, run.Fetched, run.FetchFailed))
			return finish(nil)
		}
		failRun("cancelled")
		return finish(fmt.Errorf("crawler: %w", ctx.Err()))
	}
	api, err1 := rootURL(cfg.APIURL)
	site, err2 := rootURL(cfg.SiteURL)
	if err := errors.Join(err1, err2); err != nil {
		failRun(err.Error())
		return finish(fmt.Errorf("crawler: %w", err))
	}
	now := cfg.Now()
	if !FeedOpen(now) {
		failRun(fmt.Sprintf("retsinformation's change feed is closed at %s (open 03:00–23:45 Danish time); nothing fetched", now.In(copenhagen()).Format("15:04")))
		return finish(nil)
	}
	ua := UserAgent(cfg.Contact)
	client := &http.Client{Transport: transport, Timeout: cfg.Timeout, CheckRedirect: stayHome}
	feed := &getter{client: client, ua: ua, retries: cfg.Retries, backoff: cfg.RetryBackoff, delay: cfg.FeedInterval, log: log}
	docs := &getter{client: client, ua: ua, retries: cfg.Retries, backoff: cfg.RetryBackoff, delay: cfg.Delay, log: log}

	// Which days to read: those the feed still has, from Since on when backfilling, and not
	// those already read after they ended.
	dates := FeedDates(now)
	if cfg.Since != "" && cfg.Since < dates[0] {
		run.Errors = append(run.Errors, omgjort.URLError{URL: feedURL(api, cfg.Since),
			Reason: fmt.Sprintf("the feed only reaches back to %s; days before it cannot be backfilled from retsinformation", dates[0])})
	}
	today := dates[len(dates)-1]
	var items []FeedItem
	seen := map[string]bool{}
	feedFailed := 0
	for _, day := range dates {
		if ctx.Err() != nil {
			return cancelled()
		}
		u := feedURL(api, day)
		backfill := cfg.Full || (cfg.Since != "" && day >= cfg.Since)
		if st, ok, err := sink.PageState(u); err == nil && ok && st.Lastmod == feedDayComplete && !backfill {
			continue
		}
		r, err := feed.do(ctx, u, 16<<20, http.Header{"Accept": {"application/json"}})
		if ctx.Err() != nil {
			return cancelled()
		}
		switch {
		case err != nil:
			feedFailed++
			run.FetchFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: u, Status: r.status, Reason: err.Error()})
			log.Warn("feed day failed", "date", day, "err", err)
			continue
		case r.status == http.StatusBadRequest:
			feedFailed++
			run.FetchFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: u, Status: r.status,
				Reason: "feed refused the date (400): outside the 10-day window or the opening hours: " + snippet(r.body)})
			log.Warn("feed refused day", "date", day, "body", snippet(r.body))
			continue
		case r.status != http.StatusOK:
			feedFailed++
			run.FetchFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: u, Status: r.status, Reason: fmt.Sprintf("unexpected status %d", r.status)})
			continue
		}
		var dayItems []FeedItem
		if err := json.Unmarshal(r.body, &dayItems); err != nil {
			failRun(fmt.Sprintf("site structure may have changed: the change feed for %s is not a JSON array: %v", day, err))
			return finish(nil)
		}
		for _, it := range dayItems {
			key := it.Accessionsnummer + "|" + it.Href
			if !it.IsKEN() || seen[key] {
				continue
			}
			seen[key] = true
			items = append(items, it)
		}
		st := omgjort.PageState{URL: u, FetchedAt: time.Now().UTC()}
		if day < today {
			st.Lastmod = feedDayComplete
		}
		if err := sink.Touch(ctx, u, st); err != nil {
			log.Error("sink: touch feed day", "date", day, "err", err)
		}
	}
	if feedFailed > 0 && feedFailed == len(dates) {
		failRun(fmt.Sprintf("retsinformation's change feed answered no day (%d failed)", feedFailed))
		return finish(nil)
	}
	run.Discovered = len(items)
	if len(items) == 0 {
		return finish(nil)
	}

	robots, err := docs.robots(ctx, site)
	if err != nil {
		if ctx.Err() != nil {
			return cancelled()
		}
		failRun(fmt.Sprintf("robots.txt of %s unavailable, no document fetched this run (the next run tries again): %v", site.Host, err))
		return finish(nil)
	}
	robotsGroup := robots.FindGroup(ua)
	if grp := robotsGroup; grp != nil && grp.CrawlDelay > docs.delay {
		docs.delay = grp.CrawlDelay
	}

	saveFailed := 0
	var firstSaveErr error
	for _, it := range items {
		if ctx.Err() != nil {
			return cancelled()
		}
		loc := canonicalHref(it)
		if loc == "" {
			run.FetchFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: it.Href, Reason: "feed item without a usable href or accession number"})
			continue
		}
		if it.Removed() {
			run.Skipped++
			log.Info("document removed from retsinformation; the stored decision is kept", "url", loc)
			if rm, ok := sink.(Remover); ok {
				if err := rm.Removed(ctx, loc, "removed from retsinformation.dk on "+lastmodDay(it.ChangeDate)); err != nil {
					log.Error("sink: removed", "url", loc, "err", err)
				}
			}
			continue
		}
		target, ok := rerootHost(site, loc, "www.retsinformation.dk", "retsinformation.dk")
		if !ok {
			run.FetchFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: loc, Reason: "href is not on retsinformation.dk"})
			continue
		}
		if robotsGroup != nil && !robotsGroup.Test(target.Path) {
			run.FetchFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: loc, Reason: "blocked by robots.txt"})
			if err := sink.Fail(ctx, loc, "blocked by robots.txt"); err != nil {
				log.Error("sink: record failure", "url", loc, "err", err)
			}
			continue
		}
		st, known, err := sink.PageState(loc)
		if err != nil {
			known = false
		}
		hdr := http.Header{"Accept": {"application/xml, text/xml"}}
		backfill := cfg.Full || (cfg.Since != "" && lastmodDay(it.ChangeDate) >= cfg.Since)
		if known && !backfill {
			if st.ETag != "" {
				hdr.Set("If-None-Match", st.ETag)
			}
			if st.LastModified != "" {
				hdr.Set("If-Modified-Since", st.LastModified)
			}
		}
		r, err := docs.do(ctx, target.String(), cfg.MaxBodySize, hdr)
		if ctx.Err() != nil {
			return cancelled()
		}
		if err == nil && r.status != http.StatusOK && r.status != http.StatusNotModified {
			err = fmt.Errorf("unexpected status %d %s", r.status, http.StatusText(r.status))
		}
		if err == nil && r.status == http.StatusNotModified && hdr.Get("If-None-Match") == "" && hdr.Get("If-Modified-Since") == "" {
			err = errors.New("304 Not Modified to a request that was not conditional")
		}
		if err != nil {
			run.FetchFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: loc, Status: r.status, Reason: err.Error()})
			if err := sink.Fail(ctx, loc, err.Error()); err != nil {
				log.Error("sink: record failure", "url", loc, "err", err)
			}
			continue
		}
		if r.status == http.StatusNotModified {
			run.NotModified++
			ns := st
			ns.URL, ns.Lastmod, ns.Failures, ns.LastError = loc, it.ChangeDate, 0, ""
			ns.NextAttempt, ns.Checked = time.Time{}, time.Now().UTC()
			if err := sink.Touch(ctx, loc, ns); err != nil {
				log.Error("sink: touch", "url", loc, "err", err)
			}
			continue
		}
		run.Fetched++
		sum := sha256.Sum256(r.body)
		f := &Fetched{
			Raw: omgjort.RawPage{URL: loc, Status: r.status, ContentType: r.header.Get("Content-Type"),
				ETag: r.header.Get("ETag"), LastModified: r.header.Get("Last-Modified"), Body: r.body,
				Hash: hex.EncodeToString(sum[:]), FetchedAt: time.Now().UTC()},
			Header:  r.header,
			Lastmod: it.ChangeDate,
		}
		d, perr := ParseRetsinfo(loc, r.body)
		switch {
		case errors.Is(perr, ErrNotOurs):
			// Another authority's KEN: remember it so it is asked for conditionally, no more.
			run.Skipped++
			if err := sink.Touch(ctx, loc, omgjort.PageState{URL: loc, Lastmod: it.ChangeDate, ETag: f.Raw.ETag,
				LastModified: f.Raw.LastModified, Hash: f.Raw.Hash, FetchedAt: f.Raw.FetchedAt}); err != nil {
				log.Error("sink: touch", "url", loc, "err", err)
			}
			continue
		case perr != nil:
			f.ParseErr = perr
			run.ParseFailed++
			run.Errors = append(run.Errors, omgjort.URLError{URL: loc, Status: r.status, Reason: "parse: " + perr.Error()})
		default:
			d.FetchedAt = f.Raw.FetchedAt
			f.Decision = d
		}
		ch, err := sink.Save(ctx, f)
		if err != nil {
			saveFailed++
			if firstSaveErr == nil {
				firstSaveErr = err
			}
			run.Errors = append(run.Errors, omgjort.URLError{URL: loc, Status: r.status, Reason: "save: " + err.Error()})
			continue
		}
		if f.ParseErr != nil {
			if err := sink.Fail(ctx, loc, "parse: "+f.ParseErr.Error()); err != nil {
				log.Error("sink: record failure", "url", loc, "err", err)
			}
			continue
		}
		rec.count(ch)
	}
	rec.nothingFetched("documents")
	rec.alarm("documents", saveFailed, firstSaveErr)
	return finish(nil)
}

// ParseRetsinfo parses a fetched LexDania document; the decision's URL is its human ELI
// address (…/eli/retsinfo/{year}/{number}) when the metadata gives one, else fetchURL.
func ParseRetsinfo(fetchURL string, body []byte) (*omgjort.Decision, error) {
	d, err := ParseLexDania(fetchURL, body)
	if err != nil {
		return nil, err
	}
	if eli := eliOf(body); eli != "" {
		d.URL = eli
	}
	return d, nil
}

// eliOf builds https://www.retsinformation.dk/eli/retsinfo/{Year}/{Number} from the metadata.
func eliOf(body []byte) string {
	var doc struct {
		Meta struct {
			Year   string `xml:"Year"`
			Number string `xml:"Number"`
		} `xml:"Meta"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return ""
	}
	y, n := strings.TrimSpace(doc.Meta.Year), strings.TrimSpace(doc.Meta.Number)
	if y == "" || n == "" {
		return ""
	}
	return DefaultRetsinfoSiteURL + "/eli/retsinfo/" + url.PathEscape(y) + "/" + url.PathEscape(n)
}

// canonicalHref is the document's address as the state key: the feed's href on https, or
// the accession URL built from the accession number.
func canonicalHref(it FeedItem) string {
	h := strings.TrimSpace(it.Href)
	if h == "" && it.Accessionsnummer != "" {
		return DefaultRetsinfoSiteURL + "/eli/accn/" + url.PathEscape(it.Accessionsnummer) + "/xml"
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return ""
	}
	if strings.EqualFold(u.Hostname(), "retsinformation.dk") || strings.EqualFold(u.Hostname(), "www.retsinformation.dk") {
		u.Scheme, u.Host = "https", "www.retsinformation.dk"
	}
	return u.String()
}

// rerootHost maps loc onto base when its host is one of hosts (or base's own).
func rerootHost(base *url.URL, loc string, hosts ...string) (*url.URL, bool) {
	u, err := base.Parse(strings.TrimSpace(loc))
	if err != nil {
		return nil, false
	}
	ok := u.Host == base.Host
	for _, h := range hosts {
		ok = ok || strings.EqualFold(u.Hostname(), h)
	}
	if !ok {
		return nil, false
	}
	out := *base
	out.Path = strings.TrimSuffix(base.Path, "/") + u.Path
	out.RawPath = ""
	out.RawQuery = u.RawQuery
	out.Fragment = ""
	return &out, true
}

func rootURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("crawler: URL %q: want an absolute http(s) URL", s)
	}
	return u, nil
}

func feedURL(api *url.URL, day string) string {
	u := *api
	u.Path = strings.TrimSuffix(api.Path, "/") + "/v1/Documents"
	u.RawQuery = url.Values{"date": {day}}.Encode()
	return u.String()
}

// snippet is the start of a body for an error message.
func snippet(b []byte) string {
	s := collapseSpace(string(b))
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
