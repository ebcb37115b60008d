package crawler

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
	"time"

	"omgjort"
)

// errRedirectRefused marks a redirect that would leave the host the request was made to. It
// is the page's failure, never retried as transient: the same server gives the same answer.
var errRedirectRefused = errors.New("redirect refused")

// errBodyTooLarge is a body that is larger than the crawler accepts once decompressed.
var errBodyTooLarge = errors.New("body too large")

// maxRedirects follows Go's default: a request may be redirected ten times.
const maxRedirects = 10

// stayHome is the redirect policy of every client the crawler uses: a redirect is followed only
// to the same scheme, host and port as the original request (an http → https upgrade on the
// same host with default ports is allowed), so a page, robots.txt, a sitemap or a
// retsinformation document can never pull in a body from another host, another port on
// loopback, a link-local or private address or a file:// URL. Redirect loops end after
// maxRedirects with the last redirect response, which the caller reports.
func stayHome(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	orig := via[0].URL
	if !sameOrigin(orig.Scheme, orig.Host, req.URL.Scheme, req.URL.Host) {
		return fmt.Errorf("%w: %s redirected to %s, which is not on %s", errRedirectRefused, via[len(via)-1].URL.Redacted(), req.URL.Redacted(), orig.Host)
	}
	if len(via) >= maxRedirects {
		return http.ErrUseLastResponse
	}
	return nil
}

// sameOrigin reports whether scheme2://host2 is the same server as scheme1://host1.
func sameOrigin(scheme1, host1, scheme2, host2 string) bool {
	scheme1, scheme2 = strings.ToLower(scheme1), strings.ToLower(scheme2)
	if scheme2 != "http" && scheme2 != "https" {
		return false
	}
	h1, p1 := splitHostPort(scheme1, host1)
	h2, p2 := splitHostPort(scheme2, host2)
	if !strings.EqualFold(h1, h2) {
		return false
	}
	if scheme1 == scheme2 {
		return p1 == p2
	}
	// http → https on the same name, both on their default ports.
	return scheme1 == "http" && scheme2 == "https" && p1 == "80" && p2 == "443"
}

// splitHostPort splits host[:port], filling in the scheme's default port.
func splitHostPort(scheme, hostport string) (string, string) {
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.Contains(hostport[i:], "]") {
		host, port = hostport[:i], hostport[i+1:]
	}
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return strings.Trim(host, "[]"), port
}

// maxDecoded is the backstop bound on any decompressed body: the largest thing the crawler
// reads is one sitemap file (the protocol's 50 MB). Each reader bounds its own body tighter
// (a detail page MaxBodySize, robots.txt 1 MiB).
const maxDecoded = maxSitemapSize

// decodeBody makes a response's body plain before anyone reads it, so every body is bounded
// after decompression by whoever reads it: a gzip Content-Encoding, or a gzip Content-Type or
// a .gz path whose body starts with gzip's magic bytes, is decompressed here as a stream
// (nothing is inflated ahead of the reader), the response is marked Uncompressed so colly does
// not decompress it again without a limit, and the decoded stream fails with errBodyTooLarge
// past limit.
func decodeBody(resp *http.Response, limit int64) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return
	}
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	ctype := strings.ToLower(resp.Header.Get("Content-Type"))
	path := ""
	if resp.Request != nil && resp.Request.URL != nil {
		path = strings.ToLower(resp.Request.URL.Path)
	}
	switch {
	case resp.Uncompressed:
		// Go's transport asked for gzip itself and is inflating it as a stream.
	case strings.Contains(enc, "gzip"):
		resp.Body = &gunzipBody{src: resp.Body}
	case strings.Contains(ctype, "gzip") || strings.HasSuffix(path, ".gz"):
		resp.Body = &gunzipBody{src: resp.Body, sniff: true}
	}
	resp.Uncompressed = true
	if enc == "gzip" || enc == "x-gzip" {
		resp.Header.Del("Content-Encoding")
	}
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Body = &boundedBody{ReadCloser: resp.Body, left: limit}
}

// gunzipBody inflates src lazily; with sniff set, a body that is not gzip is passed through.
type gunzipBody struct {
	src   io.ReadCloser
	sniff bool
	r     io.Reader
	zr    *gzip.Reader
}

func (g *gunzipBody) Read(p []byte) (int, error) {
	if g.r == nil {
		br := bufio.NewReader(g.src)
		g.r = br
		magic, _ := br.Peek(2)
		if !g.sniff || (len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
			zr, err := gzip.NewReader(br)
			if err != nil {
				g.r = errReader{fmt.Errorf("gunzip: %w", err)}
			} else {
				g.zr, g.r = zr, zr
			}
		}
	}
	return g.r.Read(p)
}

func (g *gunzipBody) Close() error {
	if g.zr != nil {
		g.zr.Close()
	}
	return g.src.Close()
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// boundedBody fails with errBodyTooLarge once more than left bytes have been read.
type boundedBody struct {
	io.ReadCloser
	left int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

// RevalidateEvery is the longest a stored page goes without a request even when its sitemap
// lastmod never changes: ast.dk may edit a page without touching its lastmod.
const RevalidateEvery = 30 * 24 * time.Hour

// revalidateDue reports whether a page whose sitemap lastmod is unchanged gets a conditional
// request this run. Each URL has a day of a 30-day cycle (a hash of the URL), so a daily run
// asks about 1/30 of the pages; a page not checked for RevalidateEvery (runs missed) is due
// whatever its day. A page checked in the last 12 hours is not asked again.
func revalidateDue(st omgjort.PageState, loc string, now time.Time) bool {
	last := st.Checked
	if st.FetchedAt.After(last) {
		last = st.FetchedAt
	}
	age := now.Sub(last)
	if last.IsZero() || age >= RevalidateEvery {
		return true
	}
	if age < 12*time.Hour {
		return false
	}
	cycle := int64(RevalidateEvery / (24 * time.Hour))
	h := fnv.New32a()
	h.Write([]byte(loc))
	day := now.UTC().Unix() / 86400
	return day%cycle == int64(h.Sum32())%cycle
}
