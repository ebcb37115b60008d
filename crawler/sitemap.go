package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/temoto/robotstxt"
)

// maxSitemapSize is the sitemap protocol's own limit for one (uncompressed) sitemap file.
const maxSitemapSize = 50 << 20

// maxSitemapLocs bounds the <loc>s of one run's sitemaps in all (a sitemap index of many
// full sitemaps could otherwise list millions); ast.dk's whole site lists a few thousand.
const maxSitemapLocs = 200_000

// maxChildSitemaps bounds how many sitemaps of a <sitemapindex> are read, so a broken index
// cannot make a run fetch without end.
const maxChildSitemaps = 100

// detailPathRe is the path of a principmeddelelse detail page; the year index pages
// (/for-myndigheder/principmeddelelser/{YYYY}) and everything else do not match.
var detailPathRe = regexp.MustCompile(`^/for-myndigheder/principmeddelelser/\d{4}/[^/]+/?$`)

// entry is one detail URL from the sitemap: loc as published, target as fetched.
type entry struct {
	loc     string
	target  string
	lastmod string
}

type sitemapXML struct {
	XMLName xml.Name
	URLs    []struct {
		Loc     string `xml:"loc"`
		Lastmod string `xml:"lastmod"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// reroot maps a URL found on the site (sitemap loc, index entry) onto BaseURL: locs on
// www.ast.dk or ast.dk keep their path and query but take the base's scheme and host, so a
// replica on loopback serves as the site. Other hosts are not the site and give ok=false.
func reroot(base *url.URL, loc string) (*url.URL, bool) {
	return rerootHost(base, loc, "www.ast.dk", "ast.dk")
}

// isDetailPath reports whether a sitemap loc is a principmeddelelse detail page.
func isDetailPath(loc string) bool {
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return false
	}
	return detailPathRe.MatchString(u.Path)
}

// getter fetches the few non-detail resources (robots.txt, sitemaps) with the crawl's
// client, User-Agent, politeness delay and retry policy.
type getter struct {
	client  *http.Client
	ua      string
	retries int
	backoff time.Duration
	delay   time.Duration
	used    bool
	// maxLocs bounds the sitemap <loc>s read in all (0: maxSitemapLocs).
	maxLocs int
	log     *slog.Logger
}

// response is what getter keeps of one HTTP response.
type response struct {
	status     int
	body       []byte
	header     http.Header
	retryAfter time.Duration
}

// get returns the status and body of u; a transport failure or a 429/5xx that persists
// after the retries is an error, other statuses are returned for the caller to judge.
func (g *getter) get(ctx context.Context, u string, limit int64) (int, []byte, error) {
	r, err := g.do(ctx, u, limit, nil)
	return r.status, r.body, err
}

// do is get with extra request headers (conditional requests) and the response headers.
func (g *getter) do(ctx context.Context, u string, limit int64, hdr http.Header) (response, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if g.used {
			if err := sleepCtx(ctx, g.delay); err != nil {
				return response{}, err
			}
		}
		g.used = true
		r, err := g.once(ctx, u, limit, hdr)
		if err == nil && r.status != http.StatusTooManyRequests && r.status < 500 {
			return r, nil
		}
		if ctx.Err() != nil {
			return response{}, ctx.Err()
		}
		if err == nil {
			lastErr = fmt.Errorf("GET %s: status %d", u, r.status)
		} else {
			lastErr = err
			if errors.Is(err, errRedirectRefused) || errors.Is(err, errBodyTooLarge) {
				// The same server gives the same answer: not transient.
				return response{status: r.status}, err
			}
		}
		if attempt >= g.retries {
			return response{status: r.status}, fmt.Errorf("%w (after %d attempts)", lastErr, attempt+1)
		}
		wait := backoffFor(g.backoff, attempt, r.retryAfter)
		if g.log != nil {
			g.log.Info("retrying", "url", u, "reason", lastErr, "attempt", attempt+1, "wait", wait)
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return response{}, err
		}
	}
}

func (g *getter) once(ctx context.Context, u string, limit int64, hdr http.Header) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return response{}, fmt.Errorf("GET %s: %w", u, err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", g.ua)
	resp, err := g.client.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode, header: resp.Header, retryAfter: retryAfterOf(resp.Header.Get("Retry-After"))}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if errors.Is(err, errBodyTooLarge) {
		return r, fmt.Errorf("GET %s: body larger than %d bytes (decompressed): %w", u, limit, err)
	}
	if err != nil {
		return r, fmt.Errorf("GET %s: read body: %w", u, err)
	}
	if int64(len(body)) > limit {
		return r, fmt.Errorf("GET %s: body larger than %d bytes (decompressed): %w", u, limit, errBodyTooLarge)
	}
	r.body = body
	return r, nil
}

// robotsGroup reads robots.txt once and returns the group of rules that applies to ua (nil
// when none does): the crawler enforces its Disallow rules and its Crawl-delay itself, so the
// file is fetched once per run.
func (g *getter) robotsGroup(ctx context.Context, base *url.URL, ua string) (*robotstxt.Group, error) {
	data, err := g.robots(ctx, base)
	if err != nil {
		return nil, err
	}
	return data.FindGroup(ua), nil
}

// robotsAllowed reports whether grp lets the crawler fetch target, testing the path and
// query the way colly's own check did.
func robotsAllowed(grp *robotstxt.Group, target string) bool {
	if grp == nil {
		return true
	}
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.Query().Encode()
	}
	return grp.Test(p)
}

// robots fetches and parses the host's robots.txt: a 4xx allows everything, a 5xx or a
// network failure (after the retries) is an error, so the caller fetches nothing this run
// instead of guessing.
func (g *getter) robots(ctx context.Context, base *url.URL) (*robotstxt.RobotsData, error) {
	u := *base
	u.Path = "/robots.txt"
	u.RawQuery = ""
	status, body, err := g.get(ctx, u.String(), 1<<20)
	if err != nil {
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return nil, fmt.Errorf("robots.txt: parse: %w", err)
	}
	return data, nil
}

// sitemap reads /sitemap.xml (a <urlset>, or a <sitemapindex> whose sitemaps are read in
// turn) and returns the principmeddelelse detail URLs, de-duplicated, plus how many <loc>s
// it saw in all.
func (g *getter) sitemap(ctx context.Context, base *url.URL) ([]entry, int, error) {
	root, _ := reroot(base, "/sitemap.xml")
	doc, err := g.sitemapDoc(ctx, root.String())
	if err != nil {
		return nil, 0, err
	}
	docs := []*sitemapXML{doc}
	if doc.XMLName.Local == "sitemapindex" {
		docs = docs[:0]
		total := 0
		for i, s := range doc.Sitemaps {
			if i >= maxChildSitemaps {
				break
			}
			u, ok := reroot(base, s.Loc)
			if !ok {
				continue
			}
			child, err := g.sitemapDoc(ctx, u.String())
			if err != nil {
				return nil, 0, err
			}
			if total += len(child.URLs) + len(child.Sitemaps); total > g.locBound() {
				return nil, 0, fmt.Errorf("sitemap index lists more than %d URLs in its first %d sitemaps; refusing to crawl it", g.locBound(), i+1)
			}
			docs = append(docs, child)
		}
	}
	if len(doc.URLs) > g.locBound() {
		return nil, 0, fmt.Errorf("sitemap lists %d URLs, more than %d; refusing to crawl it", len(doc.URLs), g.locBound())
	}
	out, locs := detailEntries(base, docs)
	return out, locs, nil
}

func (g *getter) locBound() int {
	if g.maxLocs > 0 {
		return g.maxLocs
	}
	return maxSitemapLocs
}

// detailEntries picks the principmeddelelse detail URLs out of parsed sitemaps,
// de-duplicated and re-rooted onto base, and counts every <loc> seen.
func detailEntries(base *url.URL, docs []*sitemapXML) ([]entry, int) {
	var out []entry
	seen := map[string]bool{}
	locs := 0
	for _, d := range docs {
		for _, x := range d.URLs {
			locs++
			loc := strings.TrimSpace(x.Loc)
			if !isDetailPath(loc) || seen[loc] {
				continue
			}
			t, ok := reroot(base, loc)
			if !ok {
				continue
			}
			seen[loc] = true
			out = append(out, entry{loc: loc, target: t.String(), lastmod: strings.TrimSpace(x.Lastmod)})
		}
	}
	return out, locs
}

func (g *getter) sitemapDoc(ctx context.Context, u string) (*sitemapXML, error) {
	status, body, err := g.get(ctx, u, maxSitemapSize)
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("sitemap: GET %s: status %d", u, status)
	}
	return decodeSitemap(u, body)
}

// decodeSitemap parses one sitemap file (gzipped or not): a <urlset> or a <sitemapindex>.
func decodeSitemap(u string, body []byte) (*sitemapXML, error) {
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("sitemap: %s: gunzip: %w", u, err)
		}
		body, err = io.ReadAll(io.LimitReader(zr, maxSitemapSize+1))
		if err != nil {
			return nil, fmt.Errorf("sitemap: %s: gunzip: %w", u, err)
		}
		if len(body) > maxSitemapSize {
			return nil, fmt.Errorf("sitemap: %s: larger than %d bytes once decompressed: %w", u, maxSitemapSize, errBodyTooLarge)
		}
	}
	var doc sitemapXML
	if err := xml.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("sitemap: %s: parse XML: %w", u, err)
	}
	if doc.XMLName.Local != "urlset" && doc.XMLName.Local != "sitemapindex" {
		return nil, fmt.Errorf("sitemap: %s: root element <%s>, want <urlset> or <sitemapindex>", u, doc.XMLName.Local)
	}
	return &doc, nil
}
