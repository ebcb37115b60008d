// Package replica serves an embedded, generated replica of ast.dk's principmeddelelser: the
// pages use the real site's markup, but every decision on them is invented. `omgjort demo`
// and the end-to-end tests crawl it instead of the real site, and Expected gives the ground
// truth (numbers, cases and outcomes) to check the crawl and the classifier against.
package replica

//go:generate go run ./gen

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"omgjort/crawler/replica/internal/sitegen"
)

//go:embed site
var site embed.FS

// ExpectedCase is the ground truth of one concrete letter on a page, in page order; the
// generator writes it into expected.json.
type ExpectedCase = sitegen.ExpectedCase

// ExpectedDecision is the ground truth of one detail page of the replica, so that tests can
// check what the crawler and classifier made of it.
type ExpectedDecision = sitegen.ExpectedDecision

// Expected returns the ground truth of every principmeddelelse on the site, in the order
// they were generated (by year, then number).
func Expected() ([]ExpectedDecision, error) {
	b, err := site.ReadFile("site/expected.json")
	if err != nil {
		return nil, fmt.Errorf("replica: read expected.json: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var out []ExpectedDecision
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("replica: decode expected.json: %w", err)
	}
	return out, nil
}

type entry struct {
	File    string `json:"file"`
	Type    string `json:"type"`
	Lastmod string `json:"lastmod"`
}

type resource struct {
	body    []byte
	ctype   string
	etag    string
	modtime time.Time
}

type handler struct{ res map[string]resource }

// Handler serves the site at the same paths as ast.dk, with Content-Type, a strong ETag from
// the content hash and Last-Modified from the page's sitemap date, so that conditional
// requests get 304 as a real server would. Unknown paths get 404. The query string is
// ignored.
func Handler() http.Handler {
	h, err := newHandler(site)
	if err != nil {
		// The site is embedded at build time and checked by the tests; failing here means
		// the binary itself is broken.
		panic(err)
	}
	return h
}

func newHandler(fsys fs.FS) (*handler, error) {
	mb, err := fs.ReadFile(fsys, "site/manifest.json")
	if err != nil {
		return nil, fmt.Errorf("replica: read manifest: %w", err)
	}
	var m map[string]entry
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, fmt.Errorf("replica: decode manifest: %w", err)
	}
	h := &handler{res: make(map[string]resource, len(m))}
	for path, e := range m {
		body, err := fs.ReadFile(fsys, "site/"+e.File)
		if err != nil {
			return nil, fmt.Errorf("replica: read %s: %w", e.File, err)
		}
		mod, err := time.Parse("2006-01-02", e.Lastmod)
		if err != nil {
			return nil, fmt.Errorf("replica: lastmod of %s: %w", path, err)
		}
		sum := sha256.Sum256(body)
		h.res[path] = resource{body: body, ctype: e.Type, etag: `"` + hex.EncodeToString(sum[:16]) + `"`,
			modtime: mod.Add(8 * time.Hour)}
	}
	return h, nil
}

var notFound = []byte("<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>Siden findes ikke - Ankestyrelsen</title></head><body><h1>Siden findes ikke</h1></body></html>\n")

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Metoden er ikke tilladt", http.StatusMethodNotAllowed)
		return
	}
	path := r.URL.Path
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	res, ok := h.res[path]
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		if r.Method == http.MethodGet {
			w.Write(notFound)
		}
		return
	}
	w.Header().Set("Content-Type", res.ctype)
	w.Header().Set("ETag", res.etag)
	// ServeContent answers If-None-Match (preferred) and If-Modified-Since with 304.
	http.ServeContent(w, r, "", res.modtime, bytes.NewReader(res.body))
}

// Start serves Handler on addr, which must be a loopback address ("127.0.0.1:0" picks a
// free port), and returns the server and its base URL ("http://127.0.0.1:PORT"). Stop it
// with srv.Close or srv.Shutdown.
func Start(addr string) (*http.Server, string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", fmt.Errorf("replica: address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, "", fmt.Errorf("replica: address %q is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("replica: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("replica: serve stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	return srv, "http://" + ln.Addr().String(), nil
}
