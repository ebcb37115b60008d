// Package sitegen builds the files of the embedded ast.dk demo site: detail pages of generated
// principmeddelelser, year index pages, sitemap, robots.txt, two unrelated pages, a manifest
// that maps URL paths to files, and expected.json with the ground truth of every decision. It
// lives apart from package replica so that the generator (../../gen) and the staleness test can
// both call it while the site itself is embedded by replica.
package sitegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"sort"
	"strings"
	"time"

	"omgjort"
)

// Origin is the scheme and host the real site uses; sitemap locations, canonical links and
// og:url are absolute on it, as on www.ast.dk.
const Origin = "https://www.ast.dk"

// ExpectedCase is the ground truth of one concrete letter (exported as replica.ExpectedCase).
type ExpectedCase struct {
	ID string `json:"id"`
	// Journal is set when the letter's heading gives a journal number.
	Journal string          `json:"journal,omitempty"`
	Outcome omgjort.Outcome `json:"outcome"`
	// Kritik says whether the letter criticises the first instance ("Vi kritiserer, at …").
	Kritik bool `json:"kritik"`
}

// ExpectedDecision is the ground truth of one detail page (exported as
// replica.ExpectedDecision).
type ExpectedDecision struct {
	Number string `json:"number"`
	// ID is omgjort.NormalizeNumber(Number).
	ID    string `json:"id"`
	Title string `json:"title"`
	// Path is the URL path on the site, e.g. /for-myndigheder/principmeddelelser/2025/….
	Path string `json:"path"`
	// Status is "gaeldende" or "historisk" (omgjort.Status values).
	Status  string `json:"status"`
	Journal string `json:"journal"`
	// Published and Signed are YYYY-MM-DD; Signed is empty when the page gives no date.
	Published string `json:"published"`
	Signed    string `json:"signed,omitempty"`
	// Lastmod is the page's <lastmod> in the sitemap.
	Lastmod   string   `json:"lastmod"`
	Laws      []string `json:"laws"`
	Keywords  []string `json:"keywords"`
	Authority string   `json:"authority"`
	// Numbers is every number the decision was published under, Number first.
	Numbers []string `json:"numbers"`
	// Outcome is the roll-up of Cases (omgjort.RollUp); ukendt when there are none.
	Outcome omgjort.Outcome `json:"outcome"`
	Cases   []ExpectedCase  `json:"cases"`
}

// ManifestEntry says which file answers a URL path, with its Content-Type and the date used
// for Last-Modified.
type ManifestEntry struct {
	File    string `json:"file"`
	Type    string `json:"type"`
	Lastmod string `json:"lastmod"`
}

const (
	typeHTML = "text/html; charset=utf-8"
	typeXML  = "application/xml; charset=utf-8"
	typeText = "text/plain; charset=utf-8"
)

// Generate returns every file of the site keyed by its path relative to the site directory
// ("manifest.json", "expected.json", "files/…"). The output depends only on the code, so two
// runs give identical bytes.
func Generate() (map[string][]byte, error) {
	pages, err := buildPages()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	manifest := map[string]ManifestEntry{}
	var expected []ExpectedDecision
	add := func(urlPath, file, typ, lastmod string, body []byte) {
		files["files/"+file] = body
		manifest[urlPath] = ManifestEntry{File: "files/" + file, Type: typ, Lastmod: lastmod}
	}

	type sitemapURL struct{ loc, lastmod string }
	var urls []sitemapURL
	years := map[string][]*page{}
	maxLastmod := ""
	for _, p := range pages {
		add(p.path(), "principmeddelelse-"+p.number+".html", typeHTML, p.lastmod, renderDetail(p))
		urls = append(urls, sitemapURL{p.path(), p.lastmod})
		years[p.folder] = append(years[p.folder], p)
		expected = append(expected, p.expected())
		if p.lastmod > maxLastmod {
			maxLastmod = p.lastmod
		}
	}
	for y, ps := range years {
		lm := ""
		for _, p := range ps {
			if p.lastmod > lm {
				lm = p.lastmod
			}
		}
		path := "/for-myndigheder/principmeddelelser/" + y
		add(path, "year-"+y+".html", typeHTML, lm, renderYear(y, ps))
		urls = append(urls, sitemapURL{path, lm})
	}
	const articlePath = "/for-myndigheder/artikler/2024/dec/nyt-om-klagefrister-og-digital-post"
	add(articlePath, "artikel-klagefrister.html", typeHTML, "2024-12-02", renderArticle())
	urls = append(urls, sitemapURL{articlePath, "2024-12-02"})
	const newsPath = "/nyheder/nyheder/nyheder-2026/nye-principmeddelelser-fra-ankestyrelsen"
	add(newsPath, "nyhed-nye-principmeddelelser.html", typeHTML, "2026-03-04", renderNews(pages))
	urls = append(urls, sitemapURL{newsPath, "2026-03-04"})

	sort.Slice(urls, func(i, j int) bool { return urls[i].loc < urls[j].loc })
	var sm strings.Builder
	sm.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n")
	for _, u := range urls {
		fmt.Fprintf(&sm, "  <url><loc>%s%s</loc><lastmod>%s</lastmod></url>\n", Origin, html.EscapeString(u.loc), u.lastmod)
	}
	sm.WriteString("</urlset>\n")
	add("/sitemap.xml", "sitemap.xml", typeXML, maxLastmod, []byte(sm.String()))
	add("/robots.txt", "robots.txt", typeText, "2024-01-02",
		[]byte("User-agent: *\nDisallow: /soeg/\nSitemap: "+Origin+"/sitemap.xml\n"))

	var err2 error
	if files["manifest.json"], err2 = marshal(manifest); err2 != nil {
		return nil, fmt.Errorf("sitegen: manifest: %w", err2)
	}
	if files["expected.json"], err2 = marshal(expected); err2 != nil {
		return nil, fmt.Errorf("sitegen: expected: %w", err2)
	}
	return files, nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// rnd is a small deterministic generator (splitmix64) seeded from a string, so that every
// decision gets its own stable choices independent of the others.
type rnd struct{ s uint64 }

func newRnd(key string) *rnd {
	h := fnv.New64a()
	h.Write([]byte(key))
	return &rnd{s: h.Sum64()}
}

func (r *rnd) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rnd) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rnd) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

func pick[T any](r *rnd, xs []T) T { return xs[r.intn(len(xs))] }

// pickN returns n distinct elements of xs in their original order.
func pickN[T any](r *rnd, xs []T, n int) []T {
	if n >= len(xs) {
		return append([]T(nil), xs...)
	}
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	for i := len(idx) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		idx[i], idx[j] = idx[j], idx[i]
	}
	idx = idx[:n]
	sort.Ints(idx)
	out := make([]T, 0, n)
	for _, i := range idx {
		out = append(out, xs[i])
	}
	return out
}

var months = []string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
	"september", "oktober", "november", "december"}

// longDate writes a date the way the letters do: "4. marts 2026".
func longDate(t time.Time) string {
	return fmt.Sprintf("%d. %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// shortDate writes a date the way the metadata box does: "04.03.2026".
func shortDate(t time.Time) string { return t.Format("02.01.2006") }

func isoDate(t time.Time) string { return t.Format("2006-01-02") }

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic("sitegen: bad date in spec: " + s)
	}
	return t
}

// slugify turns title keywords into the ast.dk slug form: lower case, æ→ae ø→oe å→aa,
// anything else that is not a letter or digit becomes a single hyphen.
func slugify(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", "é", "e", "ü", "u").Replace(s)
	var b strings.Builder
	dash := false
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func esc(s string) string { return html.EscapeString(s) }
