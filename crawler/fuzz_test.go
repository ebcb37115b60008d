package crawler

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"omgjort"
)

// FuzzParseDetail feeds the detail-page parser arbitrary bytes, seeded with every fixture:
// it must never panic, and whatever it accepts must be a coherent record.
func FuzzParseDetail(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<title>Ankestyrelsens principmeddelelse 1-25 om x</title><div class="accordion-item"><button>Den konkrete afgørelse</button><div class="section-body">Sag nr. 1, j.nr. 1-2 tekst Sag nr. 2 mere</div></div>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := ParsePage("https://www.ast.dk/for-myndigheder/principmeddelelser/2025/x", "text/html", body)
		if err != nil {
			return
		}
		if d.Number == "" || d.ID != omgjort.NormalizeNumber(d.Number) || len(d.Numbers) == 0 || d.Numbers[0] != d.Number {
			t.Fatalf("incoherent identity: number %q id %q numbers %q", d.Number, d.ID, d.Numbers)
		}
		if len(d.Sections) == 0 && len(d.Cases) == 0 {
			t.Fatal("accepted a record without text")
		}
		if d.Cases == nil || d.Sections == nil || d.Laws == nil || d.Keywords == nil || d.Paragraphs == nil || d.ContentHash == "" {
			t.Fatalf("nil lists or no hash: %+v", d)
		}
		if utf8.Valid(body) {
			for _, c := range d.Cases {
				if !utf8.ValidString(c.Text) {
					t.Fatalf("case %s text is not UTF-8", c.ID)
				}
			}
		}
		for _, p := range d.Paragraphs {
			if strings.TrimSpace(p) != p || p == "" {
				t.Fatalf("paragraph %q not trimmed", p)
			}
		}
	})
}

// FuzzSitemap feeds the sitemap decoder and the detail-URL filter arbitrary bytes: no panic,
// and every URL it returns is a detail page re-rooted onto the base.
func FuzzSitemap(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://www.ast.dk/for-myndigheder/principmeddelelser/2025/ankestyrelsens-principmeddelelse-1-25-om-x</loc><lastmod>2025-05-01</lastmod></url><url><loc>https://www.ast.dk/for-myndigheder/principmeddelelser/2025</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://ast.dk/sitemap-1.xml</loc></sitemap></sitemapindex>`))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	if b, err := os.ReadFile(filepath.Join("replica", "site", "files", "sitemap.xml")); err == nil {
		f.Add(b)
	}
	base, _ := url.Parse("http://127.0.0.1:8080/spejl")
	f.Fuzz(func(t *testing.T, body []byte) {
		doc, err := decodeSitemap("http://127.0.0.1:8080/sitemap.xml", body)
		if err != nil {
			return
		}
		if doc.XMLName.Local != "urlset" && doc.XMLName.Local != "sitemapindex" {
			t.Fatalf("accepted root <%s>", doc.XMLName.Local)
		}
		entries, locs := detailEntries(base, []*sitemapXML{doc})
		if len(entries) > locs {
			t.Fatalf("%d entries from %d locs", len(entries), locs)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if !isDetailPath(e.loc) || seen[e.loc] {
				t.Fatalf("entry %q is not a unique detail URL", e.loc)
			}
			seen[e.loc] = true
			if !strings.HasPrefix(e.target, "http://127.0.0.1:8080/spejl/for-myndigheder/principmeddelelser/") {
				t.Fatalf("target %q not re-rooted", e.target)
			}
		}
	})
}
