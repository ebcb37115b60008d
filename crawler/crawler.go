// Package crawler fetches Ankestyrelsen's principmeddelelser from ast.dk and parses the
// detail pages into omgjort.Decision records. Discovery is the sitemap; each run is
// incremental (sitemap lastmod, then ETag/Last-Modified), polite (robots.txt with its
// Crawl-delay, one request at a time) and records everything it did in an omgjort.CrawlRun.
// What is found goes to a Sink, which the store implements.
package crawler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"omgjort"
)

// Job is the CrawlRun.Job of an ast.dk crawl.
const Job = "crawl-astdk"

// Defaults applied by Crawl to zero Config fields.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodySize  = 10 << 20
	DefaultRetries      = 3
	DefaultRetryBackoff = time.Second
	// DefaultRunTimeout bounds one whole run: a full crawl of ast.dk at the polite delay takes
	// a few hours at most, so a run still going after this is stuck and ends as failed.
	DefaultRunTimeout = 8 * time.Hour
	// DefaultMaxUnparsableArchived is how many unparsable bodies one run archives; more pages
	// that do not parse are recorded as failures without their body, so a broken or hostile
	// site cannot fill the disk.
	DefaultMaxUnparsableArchived = 100
	// ProductionDelay is the default pause between two requests to one host: a zero
	// Config.Delay means this, so a crawler is polite unless told otherwise.
	ProductionDelay = 2 * time.Second
	// NoDelay as Config.Delay turns the pause off; only for a replica the program serves to
	// itself (the demo, tests, benchmarks). A robots.txt Crawl-delay still applies.
	NoDelay time.Duration = -1
)

// maxBackoff caps one wait between retries, Retry-After included, so a hostile header
// cannot stall a run.
const maxBackoff = 2 * time.Minute

// Config is how one crawl of ast.dk behaves.
type Config struct {
	// BaseURL is the site root; sitemap <loc>s on www.ast.dk or ast.dk are re-rooted onto
	// it with their path kept, so a replica can stand in for the site.
	BaseURL string
	// Contact goes into the User-Agent ("omgjort/<Version> (+<Contact>)") so the site's
	// operators can reach whoever runs the crawler.
	Contact string
	// Delay is the pause between requests to the host: zero means ProductionDelay, NoDelay
	// (any negative value) means none. A larger robots.txt Crawl-delay wins.
	Delay time.Duration
	// Timeout bounds one request (default DefaultTimeout).
	Timeout time.Duration
	// MaxBodySize is the largest page accepted (default DefaultMaxBodySize). A larger page
	// is an error: it is never stored truncated.
	MaxBodySize int64
	// Retries is how many times a request that got 429, 5xx or a network error/timeout is
	// retried, with exponential backoff and jitter (default DefaultRetries; negative: none).
	Retries int
	// RetryBackoff is the first wait before a retry; it doubles per attempt (default
	// DefaultRetryBackoff). Tests set it small.
	RetryBackoff time.Duration
	// Full ignores the stored lastmod/ETag state and fetches every page in full.
	Full bool
	// Since (YYYY-MM-DD), when set, backfills: every page whose sitemap <lastmod> is on or
	// after that day is fetched in full whatever is stored; older pages are crawled
	// incrementally as usual.
	Since string
	// RunTimeout bounds the whole run (default DefaultRunTimeout); a run past it stops and is
	// recorded as failed.
	RunTimeout time.Duration
	// MaxSitemapURLs bounds the <loc>s read from the sitemap and all the sitemaps of a sitemap
	// index together (default 200,000); more fails the run.
	MaxSitemapURLs int
	// MaxUnparsableArchived is how many unparsable bodies a run archives (default
	// DefaultMaxUnparsableArchived).
	MaxUnparsableArchived int
	// Now is the clock (default time.Now); tests move it to check retry intervals.
	Now    func() time.Time
	Logger *slog.Logger
}

func (cfg Config) withDefaults() Config {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodySize <= 0 {
		cfg.MaxBodySize = DefaultMaxBodySize
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = DefaultRetryBackoff
	}
	switch {
	case cfg.Delay == 0:
		cfg.Delay = ProductionDelay
	case cfg.Delay < 0:
		cfg.Delay = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RunTimeout <= 0 {
		cfg.RunTimeout = DefaultRunTimeout
	}
	if cfg.MaxUnparsableArchived <= 0 {
		cfg.MaxUnparsableArchived = DefaultMaxUnparsableArchived
	}
	return cfg
}

// UserAgent is the User-Agent the crawler sends: honest, versioned, with a contact.
func UserAgent(contact string) string {
	if contact == "" {
		return "omgjort/" + omgjort.Version
	}
	return "omgjort/" + omgjort.Version + " (+" + contact + ")"
}

// Fetched is one detail page fetched in full (status 200). Raw is always set; Decision is
// nil and ParseErr set when the page could not be parsed, so the raw body is kept anyway.
type Fetched struct {
	Raw omgjort.RawPage
	// Header is every response header, archived with the body.
	Header http.Header
	// Lastmod is the sitemap's <lastmod> for the URL, to be stored in its PageState.
	Lastmod  string
	Decision *omgjort.Decision
	ParseErr error
}

// Change is what a Save did to the stored decision; the crawl run counts it.
type Change int

// The changes a Sink reports from Save.
const (
	// ChangeNone: nothing stored as a decision (e.g. the page did not parse).
	ChangeNone Change = iota
	// ChangeNew: the decision was stored for the first time.
	ChangeNew
	// ChangeChanged: the content differs from the stored one; a new version was stored.
	ChangeChanged
	// ChangeUnchanged: the same content was fetched again.
	ChangeUnchanged
)

// String names the change for logs and run summaries.
func (c Change) String() string {
	switch c {
	case ChangeNew:
		return "new"
	case ChangeChanged:
		return "changed"
	case ChangeUnchanged:
		return "unchanged"
	}
	return "none"
}

// Sink receives what the crawl finds; the store implements it (composed in cmd). URLs
// passed to it are the sitemap's <loc>s as published (https://www.ast.dk/…), not the
// re-rooted fetch URLs, so state survives a change of BaseURL. For incremental crawling
// the sink's PageState must return the Lastmod given with Save/Touch, and a URL recorded
// with Fail must come back with Failures > 0 (or LastError set) so it is fetched again.
type Sink interface {
	omgjort.CrawlState
	// Save is called for each page fetched in full; it returns whether the decision is
	// new, changed or unchanged. With f.ParseErr set it must keep the raw body but never
	// overwrite a good stored version.
	Save(ctx context.Context, f *Fetched) (Change, error)
	// Touch records a URL that was checked and found unchanged (304 or lastmod unchanged)
	// so its state stays current.
	Touch(ctx context.Context, url string, st omgjort.PageState) error
	// Fail records a URL that could not be fetched or parsed, with the reason.
	Fail(ctx context.Context, url string, reason string) error
}

// countingTransport counts every HTTP request of a run, robots.txt and the sitemap included,
// for CrawlRun.Requests. It decodes every body as a bounded stream (decodeBody), so no
// reader can be handed a decompression bomb. While a detail page is being fetched it also
// keeps the body exactly as decoded from the wire (colly hands callbacks a body it may have
// re-encoded), so the archive holds what the server sent.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
	tap  atomic.Pointer[bytes.Buffer]
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	decodeBody(resp, maxDecoded)
	buf := t.tap.Load()
	if buf == nil || r.URL.Path == "/robots.txt" {
		return resp, nil
	}
	// A redirect or a retry starts a new body; only the last response's is kept.
	buf.Reset()
	resp.Body = &tapBody{ReadCloser: resp.Body, buf: buf}
	return resp, nil
}

// tapBody copies what is read from a response body into buf.
type tapBody struct {
	io.ReadCloser
	buf *bytes.Buffer
}

func (b *tapBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.buf.Write(p[:n])
	return n, err
}

// outcome is how one detail URL ended.
type outcome int

const (
	outNone outcome = iota
	outOK
	outNotModified
	outFailed
)

// attempt is the state of the detail URL being fetched; the collector runs synchronously,
// so its callbacks all see the one current attempt.
type attempt struct {
	e           entry
	conditional bool
	tries       int
	tooLarge    bool
	out         outcome
	status      int
	reason      string
	body        []byte
	header      http.Header
}

func (a *attempt) fail(status int, reason string) {
	a.out, a.status, a.reason = outFailed, status, reason
}

// runRecord is the record of one crawl run under way, shared by both sources so that every run
// counts its requests, ends and logs the same way.
type runRecord struct {
	run       omgjort.CrawlRun
	transport *countingTransport
	log       *slog.Logger
}

func newRunRecord(job, source string, log *slog.Logger) *runRecord {
	return &runRecord{
		run:       omgjort.CrawlRun{Job: job, Source: source, Started: time.Now().UTC(), Result: omgjort.RunRunning},
		transport: &countingTransport{next: http.DefaultTransport.(*http.Transport).Clone()},
		log:       log,
	}
}

// fail marks the run failed; the first reason given is the one kept.
func (r *runRecord) fail(msg string) {
	r.run.Result = omgjort.RunFailed
	if r.run.Error == "" {
		r.run.Error = msg
	}
}

// count adds what the sink did with a fetched page to the run's counts.
func (r *runRecord) count(ch Change) {
	switch ch {
	case ChangeNew:
		r.run.New++
	case ChangeChanged:
		r.run.Changed++
	case ChangeUnchanged:
		r.run.Unchanged++
	}
}

// alarm fails the run when more than 20 % of the fetched units (pages, documents) did not
// parse — the site's structure may have changed — or when some could not be saved.
func (r *runRecord) alarm(unit string, saveFailed int, firstSaveErr error) {
	run := &r.run
	switch {
	case run.Fetched > 0 && run.ParseFailed*5 > run.Fetched:
		r.fail(fmt.Sprintf("site structure may have changed: %d of %d fetched %s did not parse (more than 20 %%)", run.ParseFailed, run.Fetched, unit))
	case saveFailed > 0:
		r.fail(fmt.Sprintf("store: %d of %d fetched %s could not be saved: %v", saveFailed, run.Fetched, unit, firstSaveErr))
	}
}

// finish closes the record (requests counted, end time, OK unless failed), logs it and returns
// it with err.
func (r *runRecord) finish(err error) (omgjort.CrawlRun, error) {
	run := &r.run
	run.Requests = int(r.transport.n.Load())
	run.Ended = time.Now().UTC()
	if run.Result == omgjort.RunRunning {
		run.Result = omgjort.RunOK
	}
	r.log.Info("crawl finished", "result", run.Result, "error", run.Error, "requests", run.Requests,
		"discovered", run.Discovered, "fetched", run.Fetched, "not_modified", run.NotModified,
		"skipped", run.Skipped, "new", run.New, "changed", run.Changed, "unchanged", run.Unchanged,
		"parse_failed", run.ParseFailed, "fetch_failed", run.FetchFailed)
	return *run, err
}

// Crawl runs one crawl of ast.dk: robots.txt, the sitemap, then every principmeddelelse
// detail page that may have changed, handing results to sink. The returned run record is
// always filled; a run-level failure (sitemap unusable, no detail URLs, more than 20 % of
// pages unparsable) is RunFailed with the reason in run.Error. Crawl returns an error only
// when it could not finish, e.g. because ctx was cancelled.
func Crawl(ctx context.Context, cfg Config, sink Sink) (omgjort.CrawlRun, error) {
	cfg = cfg.withDefaults()
	log := cfg.Logger.With("job", Job)
	rec := newRunRecord(Job, Source, log)
	run, transport, finish, failRun := &rec.run, rec.transport, rec.finish, rec.fail
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, cfg.RunTimeout)
	defer cancel()
	// stopped ends a run whose context is done: past the run deadline it is a failed run,
	// cancelled from outside it could not finish.
	stopped := func() (omgjort.CrawlRun, error) {
		if parent.Err() == nil {
			failRun(fmt.Sprintf("run deadline of %v exceeded; the run was stopped (%d pages fetched, %d failed)", cfg.RunTimeout, run.Fetched, run.FetchFailed))
			return finish(nil)
		}
		failRun("cancelled")
		return finish(fmt.Errorf("crawler: %w", ctx.Err()))
	}

	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		failRun(fmt.Sprintf("invalid base URL %q", cfg.BaseURL))
		return finish(fmt.Errorf("crawler: base URL %q: want an absolute http(s) URL", cfg.BaseURL))
	}
	ua := UserAgent(cfg.Contact)
	client := &http.Client{Transport: transport, Timeout: cfg.Timeout, CheckRedirect: stayHome}
	g := &getter{client: client, ua: ua, retries: cfg.Retries, backoff: cfg.RetryBackoff, delay: cfg.Delay, maxLocs: cfg.MaxSitemapURLs, log: log}

	delay := cfg.Delay
	robotsRules, err := g.robotsGroup(ctx, base, ua)
	if err != nil {
		if ctx.Err() != nil {
			return stopped()
		}
		// A robots.txt that cannot be read (5xx, network) forbids nothing for good: this run
		// stops before touching any page, and the next run asks again.
		failRun(fmt.Sprintf("robots.txt unavailable, nothing fetched this run (the next run tries again): %v", err))
		return finish(nil)
	}
	if robotsRules != nil && robotsRules.CrawlDelay > delay {
		delay = robotsRules.CrawlDelay
	}
	g.delay = delay

	entries, locs, err := g.sitemap(ctx, base)
	if err != nil {
		if ctx.Err() != nil {
			return stopped()
		}
		failRun(fmt.Sprintf("site structure may have changed: sitemap unusable: %v", err))
		return finish(nil)
	}
	run.Discovered = len(entries)
	if len(entries) == 0 {
		failRun(fmt.Sprintf("site structure may have changed: sitemap has %d <loc>s but 0 principmeddelelse detail URLs", locs))
		return finish(nil)
	}
	log.Info("sitemap read", "locs", locs, "detail_urls", len(entries), "delay", delay)

	c, cur, err := newCollector(ctx, cfg, ua, delay, transport)
	if err != nil {
		failRun(err.Error())
		return finish(fmt.Errorf("crawler: %w", err))
	}
	if err := sleepCtx(ctx, delay); err != nil {
		return stopped()
	}

	saveFailed := 0
	var firstSaveErr error
	recordFail := func(loc string, status int, reason string) {
		run.FetchFailed++
		run.Errors = append(run.Errors, omgjort.URLError{URL: loc, Status: status, Reason: reason})
		log.Warn("page failed", "url", loc, "status", status, "reason", reason)
		if err := sink.Fail(ctx, loc, reason); err != nil {
			log.Error("sink: record failure", "url", loc, "err", err)
		}
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			return stopped()
		}
		st, known, err := sink.PageState(e.loc)
		if err != nil {
			log.Error("sink: page state; fetching in full", "url", e.loc, "err", err)
			known = false
		}
		force := cfg.Full || (cfg.Since != "" && e.lastmod != "" && lastmodDay(e.lastmod) >= cfg.Since)
		if known && !force && st.Failures > 0 && st.NextAttempt.After(cfg.Now()) {
			// Failed before: wait for its next attempt, which comes at growing intervals but
			// always comes.
			run.Skipped++
			log.Info("failing page deferred", "url", e.loc, "failures", st.Failures, "next_attempt", st.NextAttempt, "last_error", st.LastError)
			continue
		}
		if known && !force && e.lastmod != "" && st.Lastmod == e.lastmod && st.Failures == 0 && st.LastError == "" &&
			!revalidateDue(st, e.loc, cfg.Now()) {
			run.Skipped++
			if err := sink.Touch(ctx, e.loc, st); err != nil {
				log.Error("sink: touch", "url", e.loc, "err", err)
			}
			continue
		}
		hdr := http.Header{}
		if known && !force {
			if st.ETag != "" {
				hdr.Set("If-None-Match", st.ETag)
			}
			if st.LastModified != "" {
				hdr.Set("If-Modified-Since", st.LastModified)
			}
		}
		*cur = &attempt{e: e, conditional: len(hdr) > 0}
		a := *cur
		var verr error
		if robotsAllowed(robotsRules, e.target) {
			tap := new(bytes.Buffer)
			transport.tap.Store(tap)
			verr = c.Request(http.MethodGet, e.target, nil, nil, hdr)
			transport.tap.Store(nil)
			if a.out == outOK {
				// The bytes as sent by the server, not colly's re-encoded copy.
				a.body = tap.Bytes()
			}
		} else {
			verr = colly.ErrRobotsTxtBlocked
		}
		if a.out == outOK {
			if int64(len(a.body)) > cfg.MaxBodySize {
				a.fail(a.status, fmt.Sprintf("body larger than %d bytes", cfg.MaxBodySize))
			}
		}
		if ctx.Err() != nil {
			return stopped()
		}
		if a.out == outNone {
			switch {
			case errors.Is(verr, colly.ErrRobotsTxtBlocked):
				a.fail(0, "blocked by robots.txt")
			case verr != nil:
				a.fail(0, verr.Error())
			default:
				a.fail(0, "no response")
			}
		}
		switch a.out {
		case outFailed:
			recordFail(e.loc, a.status, a.reason)
		case outNotModified:
			run.NotModified++
			ns := st
			ns.URL, ns.Lastmod, ns.Failures, ns.LastError = e.loc, e.lastmod, 0, ""
			ns.NextAttempt, ns.Checked = time.Time{}, cfg.Now().UTC()
			if v := a.header.Get("ETag"); v != "" {
				ns.ETag = v
			}
			if v := a.header.Get("Last-Modified"); v != "" {
				ns.LastModified = v
			}
			if err := sink.Touch(ctx, e.loc, ns); err != nil {
				log.Error("sink: touch", "url", e.loc, "err", err)
			}
		case outOK:
			run.Fetched++
			f := fetched(a, cfg.Now().UTC())
			if f.ParseErr != nil {
				run.ParseFailed++
				run.Errors = append(run.Errors, omgjort.URLError{URL: e.loc, Status: a.status, Reason: "parse: " + f.ParseErr.Error()})
				log.Warn("page did not parse", "url", e.loc, "err", f.ParseErr)
				if run.ParseFailed > cfg.MaxUnparsableArchived {
					// Enough unparsable bodies archived this run: record the failure only.
					if err := sink.Fail(ctx, e.loc, fmt.Sprintf("parse: %v (body not archived: more than %d unparsable pages this run)", f.ParseErr, cfg.MaxUnparsableArchived)); err != nil {
						log.Error("sink: record failure", "url", e.loc, "err", err)
					}
					continue
				}
			}
			ch, err := sink.Save(ctx, f)
			if err != nil {
				saveFailed++
				if firstSaveErr == nil {
					firstSaveErr = err
				}
				run.Errors = append(run.Errors, omgjort.URLError{URL: e.loc, Status: a.status, Reason: "save: " + err.Error()})
				log.Error("sink: save", "url", e.loc, "err", err)
				continue
			}
			if f.ParseErr != nil {
				if err := sink.Fail(ctx, e.loc, "parse: "+f.ParseErr.Error()); err != nil {
					log.Error("sink: record failure", "url", e.loc, "err", err)
				}
				continue
			}
			rec.count(ch)
		}
	}

	rec.nothingFetched("pages")
	rec.alarm("pages", saveFailed, firstSaveErr)
	return finish(nil)
}

// nothingFetched fails a run that asked for pages and got none: every request failed (503s,
// time-outs, redirect loops, refused redirects), so nothing is known to be current and the
// run must not count as a success.
func (r *runRecord) nothingFetched(unit string) {
	run := &r.run
	if run.FetchFailed == 0 || run.Fetched > 0 || run.NotModified > 0 {
		return
	}
	first := ""
	if len(run.Errors) > 0 {
		first = ": first " + run.Errors[0].URL + ": " + run.Errors[0].Reason
	}
	r.fail(fmt.Sprintf("no %s could be fetched: all %d requested failed%s", unit, run.FetchFailed, first))
}

// fetched turns a successful attempt into what the Sink stores, parsing it on the way.
func fetched(a *attempt, now time.Time) *Fetched {
	sum := sha256.Sum256(a.body)
	f := &Fetched{
		Header: a.header,
		Raw: omgjort.RawPage{
			URL:          a.e.loc,
			Status:       a.status,
			ContentType:  a.header.Get("Content-Type"),
			ETag:         a.header.Get("ETag"),
			LastModified: a.header.Get("Last-Modified"),
			Body:         a.body,
			Hash:         hex.EncodeToString(sum[:]),
			FetchedAt:    now,
		},
		Lastmod: a.e.lastmod,
	}
	d, err := ParsePage(a.e.loc, a.header.Get("Content-Type"), a.body)
	if err != nil {
		f.ParseErr = err
		return f
	}
	d.FetchedAt = now
	f.Decision = d
	return f
}

// newCollector builds the run's fresh colly collector. Settings that must hold are assigned
// after NewCollector, because colly applies COLLY_* environment variables inside it. The
// returned pointer holds the current attempt the callbacks write to.
func newCollector(ctx context.Context, cfg Config, ua string, delay time.Duration, rt http.RoundTripper) (*colly.Collector, **attempt, error) {
	c := colly.NewCollector(colly.StdlibContext(ctx))
	// robots.txt is read once per run by the crawler itself (robotsGroup), which also honours
	// Crawl-delay; colly's own check would fetch the file a second time.
	c.IgnoreRobotsTxt = true
	c.UserAgent = ua
	c.AllowURLRevisit = true
	c.MaxDepth = 0
	c.MaxRequests = 0
	c.AllowedDomains = nil
	c.DisallowedDomains = nil
	c.CacheDir = ""
	c.ParseHTTPErrorResponse = false
	c.DetectCharset = false
	c.Async = false
	// One byte more than allowed, so a larger page is detected rather than truncated.
	c.MaxBodySize = int(cfg.MaxBodySize + 1)
	c.WithTransport(rt)
	c.SetRedirectHandler(stayHome)
	c.SetRequestTimeout(cfg.Timeout)
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: 1, Delay: delay}); err != nil {
		return nil, nil, fmt.Errorf("colly limit rule: %w", err)
	}
	cur := new(*attempt)
	max := cfg.MaxBodySize

	c.OnRequest(func(r *colly.Request) {
		(*cur).tries++
	})
	c.OnResponseHeaders(func(r *colly.Response) {
		a := *cur
		a.status = r.StatusCode
		if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil && n > max {
			a.tooLarge = true
			r.Request.Abort()
		}
	})
	c.OnResponse(func(r *colly.Response) {
		a := *cur
		if r.StatusCode != http.StatusOK {
			a.fail(r.StatusCode, fmt.Sprintf("unexpected status %d %s", r.StatusCode, http.StatusText(r.StatusCode)))
			return
		}
		if int64(len(r.Body)) > max {
			a.fail(r.StatusCode, fmt.Sprintf("body larger than %d bytes", max))
			return
		}
		a.out, a.status, a.body = outOK, r.StatusCode, r.Body
		a.header = http.Header{}
		if r.Headers != nil {
			a.header = r.Headers.Clone()
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		a := *cur
		status := r.StatusCode
		if a.tooLarge {
			a.fail(a.status, fmt.Sprintf("body larger than %d bytes (Content-Length)", max))
			return
		}
		if status == http.StatusNotModified {
			if !a.conditional {
				// Not asked conditionally: "unchanged" would be a lie that skips the page for good.
				a.fail(status, "304 Not Modified to a request that was not conditional")
				return
			}
			a.out, a.status = outNotModified, status
			a.header = http.Header{}
			if r.Headers != nil {
				a.header = r.Headers.Clone()
			}
			return
		}
		if ctx.Err() != nil {
			a.fail(status, "cancelled: "+ctx.Err().Error())
			return
		}
		if errors.Is(err, errRedirectRefused) || errors.Is(err, errBodyTooLarge) {
			reason := err.Error()
			if errors.Is(err, errBodyTooLarge) {
				reason = fmt.Sprintf("body larger than %d bytes (decompressed)", max)
			}
			a.fail(status, reason)
			return
		}
		reason := err.Error()
		if status != 0 {
			reason = fmt.Sprintf("status %d %s", status, http.StatusText(status))
		}
		if status >= 300 && status < 400 {
			reason += ": redirect not resolved (a redirect loop or too many redirects)"
		}
		retryable := status == http.StatusTooManyRequests || status >= 500 || (status == 0 && isTransient(err))
		if retryable && a.tries <= cfg.Retries {
			var ra time.Duration
			if r.Headers != nil {
				ra = retryAfterOf(r.Headers.Get("Retry-After"))
			}
			wait := backoffFor(cfg.RetryBackoff, a.tries-1, ra)
			cfg.Logger.Info("retrying", "url", a.e.loc, "reason", reason, "attempt", a.tries, "wait", wait)
			if err := sleepCtx(ctx, wait); err != nil {
				a.fail(status, "cancelled: "+err.Error())
				return
			}
			if err := r.Request.Retry(); err != nil && a.out == outNone {
				a.fail(status, fmt.Sprintf("retry: %v", err))
			}
			return
		}
		if a.tries > 1 {
			reason = fmt.Sprintf("%s (after %d attempts)", reason, a.tries)
		}
		a.fail(status, reason)
	})
	return c, cur, nil
}

// isTransient reports whether a transport error is worth retrying: timeouts, refused or
// reset connections. Errors of our own context are not.
func isTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, colly.ErrRobotsTxtBlocked) || errors.Is(err, colly.ErrAbortedAfterHeaders) ||
		errors.Is(err, errRedirectRefused) || errors.Is(err, errBodyTooLarge) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "EOF") ||
		strings.Contains(err.Error(), "connection reset")
}

// backoffFor is the wait before retry number attempt+1: base·2^attempt plus up to 50 %
// jitter, or the server's Retry-After when that is longer; capped at maxBackoff.
func backoffFor(base time.Duration, attempt int, retryAfter time.Duration) time.Duration {
	if attempt > 10 {
		attempt = 10
	}
	d := base << attempt
	d += time.Duration(rand.Int64N(int64(d)/2 + 1))
	if retryAfter > d {
		d = retryAfter
	}
	return min(d, maxBackoff)
}

// retryAfterOf reads a Retry-After header given in seconds or as an HTTP date.
func retryAfterOf(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// RetryAt is when a URL that has now failed failures times in a row is tried again: an
// hour after the first failure, doubling up to about five days, so a page that keeps
// failing costs little but is never given up for good.
func RetryAt(failures int, now time.Time) time.Time {
	if failures < 1 {
		return now
	}
	return now.Add(time.Hour << min(failures-1, 7))
}

// lastmodDay is the YYYY-MM-DD part of a sitemap <lastmod> (a date or a W3C datetime).
func lastmodDay(v string) string {
	if len(v) >= 10 {
		return v[:10]
	}
	return v
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
