package crawler

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"omgjort"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the parser's output")

// sharedDir is ../shared next to the repository root, or "" (and a skip) without it.
func sharedDir(t *testing.T) string {
	t.Helper()
	repoRoot, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(repoRoot, "..", "shared")
	if _, err := os.Stat(filepath.Join(dir, "replica", "astdk", "manifest.json")); err != nil {
		t.Skipf("shared real data not available at %s (%v); skipping", dir, err)
	}
	return dir
}

func parseFixture(t *testing.T, name string) *omgjort.Decision {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name+".html"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDetail("https://www.ast.dk/test/"+name, body)
	if err != nil {
		t.Fatalf("ParseDetail(%s): %v", name, err)
	}
	return d
}

func TestParseDetailGolden(t *testing.T) {
	for _, name := range []string{"enkelt-sag", "flere-sager", "historisk", "gaeldende-genudgivet", "kritik-to-sager", "flad-sag", "gammel-2013"} {
		t.Run(name, func(t *testing.T) {
			d := parseFixture(t, name)
			got, err := json.MarshalIndent(d, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the parser's output; diff it with -update and git diff.\ngot:\n%s", golden, got)
			}
			for _, chrome := range []string{"Teglholmsgade", "CVR", "EAN", "Er du bekymret", "dataLayer", "For borgere", "Forside", "Telefonen"} {
				if bytes.Contains(got, []byte(chrome)) {
					t.Errorf("page chrome %q leaked into the decision", chrome)
				}
			}
			for _, c := range d.Cases {
				if strings.HasPrefix(c.Text, "Sag ") || (c.Heading != "" && strings.Contains(c.Text, c.Heading)) {
					t.Errorf("case %s text contains its heading %q", c.ID, c.Heading)
				}
				if c.Outcome != "" {
					t.Errorf("case %s outcome %q set by the parser", c.ID, c.Outcome)
				}
			}
			for _, s := range d.Sections {
				if strings.Contains(s.Text, "  ") || strings.Contains(s.Text, "\n\n\n") || strings.Contains(s.Text, "\u00a0") {
					t.Errorf("section %q has unnormalised white space: %q", s.Heading, s.Text)
				}
			}
			if d.ID != omgjort.NormalizeNumber(d.Number) || d.Source != "astdk" || d.Paragraphs == nil || d.Numbers[0] != d.Number {
				t.Errorf("identity fields: id %q number %q source %q paragraphs %#v numbers %v", d.ID, d.Number, d.Source, d.Paragraphs, d.Numbers)
			}
		})
	}
}

// TestParseRepublishedTwinAndCriticism checks the fixtures of a republication twin and of a
// non-employment page with criticism but stadfæstelse, several §§ and a URL folder that is
// not the number's year.
func TestParseRepublishedTwinAndCriticism(t *testing.T) {
	old, twin := parseFixture(t, "historisk"), parseFixture(t, "gaeldende-genudgivet")
	if old.Journal != twin.Journal || old.Status != omgjort.StatusHistorisk || twin.Status != omgjort.StatusGaeldende {
		t.Errorf("twins: journal %q/%q status %s/%s", old.Journal, twin.Journal, old.Status, twin.Status)
	}
	if !reflect.DeepEqual(old.Numbers, []string{"9-25", "5-26"}) || !reflect.DeepEqual(twin.Numbers, []string{"5-26", "9-25"}) {
		t.Errorf("numbers %q and %q", old.Numbers, twin.Numbers)
	}
	if twin.Year != 2026 || old.Year != 2025 {
		t.Errorf("years %d %d", old.Year, twin.Year)
	}
	k := parseFixture(t, "kritik-to-sager")
	if k.Year != 2024 || !strings.Contains(k.URL, "/2025/") {
		t.Errorf("year %d from URL %s; the year comes from the number", k.Year, k.URL)
	}
	if want := []string{"§ 137, stk. 1", "§ 138", "§ 19, stk. 1"}; !reflect.DeepEqual(k.Paragraphs, want) {
		t.Errorf("paragraphs %q, want %q", k.Paragraphs, want)
	}
	if len(k.Cases) != 2 || k.Cases[0].Journal != "24-80011" || k.Cases[1].Journal != "24-80012" ||
		!strings.Contains(k.Cases[0].Text, "Vi kritiserer, at kommunen ikke partshørte dig") || strings.Contains(k.Cases[0].Text, "ophæver") {
		t.Errorf("cases %+v", k.Cases)
	}
	if !reflect.DeepEqual(k.Laws, []string{"Barnets Lov"}) || !reflect.DeepEqual(k.Keywords, []string{"Anbringelse", "Samvær"}) || k.Authority != "Kommunal" || k.Signed != "2024-12-03" {
		t.Errorf("tags: laws %q keywords %q authority %q signed %q", k.Laws, k.Keywords, k.Authority, k.Signed)
	}
}

// TestSitemapGolden decodes a sitemap with every kind of <loc> the real one mixes: detail
// pages (www and bare host), year index pages, articles, news, another host, a duplicate.
func TestSitemapGolden(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decodeSitemap("sitemap.xml", body)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://127.0.0.1:9999")
	entries, locs := detailEntries(base, []*sitemapXML{doc})
	type row struct{ Loc, Target, Lastmod string }
	rows := []row{}
	for _, e := range entries {
		rows = append(rows, row{e.loc, e.target, e.lastmod})
	}
	got, _ := json.MarshalIndent(map[string]any{"locs": locs, "detail": rows}, "", "  ")
	checkGolden(t, "sitemap.golden.json", append(got, '\n'))
}

func TestParseDetailFields(t *testing.T) {
	t.Run("single case without heading", func(t *testing.T) {
		d := parseFixture(t, "enkelt-sag")
		if d.Number != "7-25" || d.Year != 2025 || d.Signed != "2024-11-12" || d.Published != "2025-02-03" || d.Journal != "24-55512" {
			t.Errorf("metadata: number %q year %d signed %q published %q journal %q", d.Number, d.Year, d.Signed, d.Published, d.Journal)
		}
		if d.Status != omgjort.StatusGaeldende || d.Authority != "Kommunal" {
			t.Errorf("status %q authority %q", d.Status, d.Authority)
		}
		if want := []string{"§ 24, stk. 1", "§ 27, stk. 1, nr. 2", "§ 7"}; !reflect.DeepEqual(d.Paragraphs, want) {
			t.Errorf("paragraphs %q, want %q", d.Paragraphs, want)
		}
		if len(d.Cases) != 1 || d.Cases[0].ID != "1" || d.Cases[0].Heading != "" {
			t.Fatalf("cases %+v, want one case \"1\" without heading", d.Cases)
		}
		text := d.Cases[0].Text
		for _, want := range []string{"\n\n• X Kommune skal behandle din sag igen\n\n", "ny behandling.\nDu skal", "Du har klaget over X Kommunes afgørelse"} {
			if !strings.Contains(text, want) {
				t.Errorf("case text lacks %q:\n%s", want, text)
			}
		}
		if !strings.Contains(d.Holding, "forlængelse kan ske. Det gælder også") || strings.Contains(d.Holding, "Den konkrete sag") {
			t.Errorf("holding %q", d.Holding)
		}
		if d.URL != "https://www.ast.dk/for-myndigheder/principmeddelelser/2025/ankestyrelsens-principmeddelelse-7-25-om-sygedagpenge-revurdering-opfoelgning" {
			t.Errorf("URL %q is not the canonical one", d.URL)
		}
		for _, s := range d.Sections {
			if strings.Contains(s.Heading, "konkrete afgørelse") {
				t.Errorf("concrete-decision section kept in Sections: %+v", s)
			}
		}
	})
	t.Run("multi case", func(t *testing.T) {
		d := parseFixture(t, "flere-sager")
		if want := []string{"Aktivloven", "Lov om en aktiv beskæftigelsesindsats"}; !reflect.DeepEqual(d.Laws, want) {
			t.Errorf("laws %q", d.Laws)
		}
		if want := []string{"Kontanthjælp", "Rådighed", "Sanktion"}; !reflect.DeepEqual(d.Keywords, want) {
			t.Errorf("keywords %q", d.Keywords)
		}
		if len(d.Cases) != 2 || d.Cases[0].Journal != "24-11111" || d.Cases[1].Journal != "24-22222" || d.Cases[1].ID != "2" {
			t.Fatalf("cases %+v", d.Cases)
		}
		if strings.Contains(d.Cases[0].Text, "Y Kommune") || !strings.Contains(d.Cases[1].Text, "Vi kritiserer") {
			t.Errorf("cases split at the wrong place: %q / %q", d.Cases[0].Text, d.Cases[1].Text)
		}
		if want := []string{"§§ 36 og 40"}; !reflect.DeepEqual(d.Paragraphs, want) {
			t.Errorf("paragraphs %q", d.Paragraphs)
		}
	})
	t.Run("historisk with republication note", func(t *testing.T) {
		d := parseFixture(t, "historisk")
		if d.Status != omgjort.StatusHistorisk || d.Authority != "Udbetaling Danmark" {
			t.Errorf("status %q authority %q", d.Status, d.Authority)
		}
		if want := []string{"9-25", "5-26"}; !reflect.DeepEqual(d.Numbers, want) {
			t.Errorf("numbers %q, want %q", d.Numbers, want)
		}
		if !strings.Contains(d.RepublishNote, "genudgivet som 5–26") {
			t.Errorf("note %q", d.RepublishNote)
		}
		if d.Paragraphs == nil || len(d.Paragraphs) != 0 {
			t.Errorf("empty Paragraf gave %#v, want empty non-nil slice", d.Paragraphs)
		}
	})
	t.Run("flattened letters", func(t *testing.T) {
		d := parseFixture(t, "flad-sag")
		if len(d.Cases) != 2 {
			t.Fatalf("%d cases, want 2: %+v", len(d.Cases), d.Cases)
		}
		c1, c2 := d.Cases[0], d.Cases[1]
		if c1.Heading != "Sag nr. 1, j. nr. 23-33333" || c1.Journal != "23-33333" {
			t.Errorf("case 1 heading %q journal %q", c1.Heading, c1.Journal)
		}
		if c2.Heading != "Sag nr. 2, j.nr. 23-44444" || c2.Journal != "23-44444" || !strings.HasPrefix(c2.Text, "I har klaget over Y Kommunes") {
			t.Errorf("case 2 heading %q journal %q text %q", c2.Heading, c2.Journal, c2.Text)
		}
		if !strings.Contains(c1.Text, "Sag nr. 1 i denne meddelelse") || strings.Contains(c1.Text, "23-44444") || !strings.HasSuffix(c1.Text, "på www.ast.dk") {
			t.Errorf("case 1 text %q", c1.Text)
		}
		if want := []string{"§ 125", "§ 126, jf. § 127"}; !reflect.DeepEqual(d.Paragraphs, want) {
			t.Errorf("paragraphs %q", d.Paragraphs)
		}
		var pre *omgjort.Section
		for i := range d.Sections {
			if d.Sections[i].Heading == "De konkrete afgørelser" {
				pre = &d.Sections[i]
			}
		}
		if pre == nil || pre.Text != "Afgørelserne er gengivet i forkortet form." {
			t.Errorf("text before the first letter should stay as a short section, got %+v", pre)
		}
	})
	t.Run("2013 format", func(t *testing.T) {
		d := parseFixture(t, "gammel-2013")
		if d.Number != "58-13" || d.Year != 2013 || d.Signed != "2013-06-24" || d.Journal != "6400123-12" {
			t.Errorf("number %q year %d signed %q journal %q", d.Number, d.Year, d.Signed, d.Journal)
		}
		if len(d.Cases) != 1 || !strings.Contains(d.Cases[0].Text, "Vi ændrer således afgørelsen fra A Kommune.") || strings.Contains(d.Cases[0].Text, "Journalnummer") {
			t.Errorf("cases %+v", d.Cases)
		}
		if !strings.HasPrefix(d.Holding, "Kommunen skulle have foretaget") {
			t.Errorf("holding %q", d.Holding)
		}
	})
}

func TestParseDetailImplausible(t *testing.T) {
	// An article, a year index page and a news page listing decisions are not decisions.
	for _, name := range []string{"ikke-afgoerelse.html", "aarsside.html", "nyhed.html"} {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if d, err := ParseDetail("https://www.ast.dk/x", body); !errors.Is(err, ErrImplausible) || d != nil {
			t.Errorf("%s: got %v, %v; want ErrImplausible", name, d, err)
		}
	}
	empty := []byte(`<html><head><title>Ankestyrelsens principmeddelelse 3-25 om noget - Ankestyrelsen</title></head>
<body><article><h1>Ankestyrelsens principmeddelelse 3-25 om noget</h1><div class="accordion"></div></article>
<footer><p>Teglholmsgade 3</p></footer></body></html>`)
	if d, err := ParseDetail("https://www.ast.dk/y", empty); !errors.Is(err, ErrImplausible) || d != nil || !strings.Contains(err.Error(), "3-25") {
		t.Errorf("page without text: got %v, %v; want ErrImplausible naming the number", d, err)
	}
}

func TestContentHash(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "flere-sager.html"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseDetail("https://a.example/1", body)
	if err != nil {
		t.Fatal(err)
	}
	chrome := bytes.Replace(body, []byte("Telefonen er åben"), []byte("Telefonen er lukket"), 1)
	b, err := ParseDetail("https://b.example/2", chrome)
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentHash == "" || len(a.ContentHash) != 64 || a.ContentHash != b.ContentHash {
		t.Errorf("same content, different chrome: hashes %q and %q", a.ContentHash, b.ContentHash)
	}
	changed := bytes.Replace(body, []byte("ikke har partshørt dig"), []byte("ikke har vejledt dig"), 1)
	c, err := ParseDetail("https://a.example/1", changed)
	if err != nil {
		t.Fatal(err)
	}
	if c.ContentHash == a.ContentHash {
		t.Error("a changed case text kept the same content hash")
	}
}

func TestSplitParagraphs(t *testing.T) {
	for in, want := range map[string][]string{
		"": {},
		"§ 47, stk. 1 § 50, stk. 1 § 54, stk. 1": {"§ 47, stk. 1", "§ 50, stk. 1", "§ 54, stk. 1"},
		"§§ 109 og 110":                   {"§§ 109 og 110"},
		"§ 47 § 49 § 166 § 171 b § 171 d": {"§ 47", "§ 49", "§ 166", "§ 171 b", "§ 171 d"},
		"§ 14, stk. 1 og 2":               {"§ 14, stk. 1 og 2"},
		"§ 49, jf. § 47, stk. 1 § 50":     {"§ 49, jf. § 47, stk. 1", "§ 50"},
		"  § 17a  ":                       {"§ 17a"},
	} {
		if got := splitParagraphs(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitParagraphs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestYearOf(t *testing.T) {
	for _, tc := range []struct {
		number, published string
		want              int
	}{
		{"17-25", "2025-01-01", 2025},
		{"28-24", "2024-12-19", 2024},
		{"O-26-96", "", 1996},
		{"C-16-99", "", 1999},
		{"64-13", "", 2013},
		{"AFG.21-22", "", 2022},
		{"x", "2019-05-01", 2019},
	} {
		if got := yearOf(tc.number, tc.published, ""); got != tc.want {
			t.Errorf("yearOf(%q) = %d, want %d", tc.number, got, tc.want)
		}
	}
}

func TestFindNumber(t *testing.T) {
	for in, want := range map[string]string{
		"Ankestyrelsens principmeddelelse 17-25 om sygedagpenge – beregning": "17-25",
		"Ankestyrelsens principafgørelse 64-13 om førtidspension":            "64-13",
		"Principmeddelelse C-16-99 om dagpenge":                              "C-16-99",
		"Ankestyrelsens principmeddelelse O-26-96 om kontanthjælp":           "O-26-96",
		"Ankestyrelsens principmeddelelse 4-26 om – kommunens forpligtelse":  "4-26",
		"Nye principmeddelelser fra Ankestyrelsen":                           "",
	} {
		if got := findNumber(in); got != want {
			t.Errorf("findNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// realRecord is the part of a shared real JSON record the replica test compares with.
type realRecord struct {
	Title      string   `json:"title"`
	Date       string   `json:"date"`
	URL        string   `json:"url"`
	Number     string   `json:"decision_number"`
	Journal    string   `json:"journal_number"`
	Paragraph  *string  `json:"paragraph"`
	Categories []string `json:"categories"`
	Status     string   `json:"status"`
	Text       string   `json:"text"`
}

var (
	concreteButtonRe = regexp.MustCompile(`>(Den konkrete afgørelse|De konkrete afgørelser)</button>`)
	tagRe            = regexp.MustCompile(`<[^>]*>`)
	realCaseHeadRe   = regexp.MustCompile(`Sag nr\. \d+,|Sag j\.\s?nr\.`)
)

// realCaseCount counts the case letters of a real page straight from its HTML: the
// "Sag nr. N," / "Sag j.nr." headings in the concrete-decision section, or one letter when
// that section has none, or zero when the page has no such section.
func realCaseCount(page string) int {
	loc := concreteButtonRe.FindStringIndex(page)
	if loc == nil {
		return 0
	}
	sec := page[loc[1]:]
	if end := strings.Index(sec, `class="metadata"`); end >= 0 {
		sec = sec[:end]
	}
	n := len(realCaseHeadRe.FindAllString(tagRe.ReplaceAllString(sec, " "), -1))
	if n == 0 {
		return 1
	}
	return n
}

func TestParseReplicaPages(t *testing.T) {
	shared := sharedDir(t)
	records := map[string]realRecord{}
	recFiles, err := filepath.Glob(filepath.Join(shared, "corpus", "astdk-real", "*.json"))
	if err != nil || len(recFiles) == 0 {
		t.Fatalf("no real records: %v", err)
	}
	for _, f := range recFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r realRecord
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		records[r.Number] = r
	}
	pages, err := filepath.Glob(filepath.Join(shared, "replica", "astdk", "files", "principmeddelelse-*.html"))
	if err != nil || len(pages) != 10 {
		t.Fatalf("want the 10 replica detail pages, got %d (%v)", len(pages), err)
	}
	for _, p := range pages {
		t.Run(filepath.Base(p), func(t *testing.T) {
			body, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ParseDetail("https://www.ast.dk/replica/"+filepath.Base(p), body)
			if err != nil {
				t.Fatal(err)
			}
			r, ok := records[d.Number]
			if !ok {
				t.Fatalf("parsed number %q matches no real record", d.Number)
			}
			if d.Title != r.Title {
				t.Errorf("title %q, want %q", d.Title, r.Title)
			}
			if d.Published != r.Date {
				t.Errorf("published %q, want %q", d.Published, r.Date)
			}
			if d.Journal != r.Journal {
				t.Errorf("journal %q, want %q", d.Journal, r.Journal)
			}
			if d.URL != r.URL {
				t.Errorf("URL %q, want %q", d.URL, r.URL)
			}
			tags := append(append([]string{}, d.Laws...), d.Keywords...)
			tags = append(tags, d.Status.Label(), d.Authority)
			if !reflect.DeepEqual(tags, r.Categories) {
				t.Errorf("tags %q, want %q", tags, r.Categories)
			}
			if d.Status.Label() != r.Status {
				t.Errorf("status %q, want %q", d.Status.Label(), r.Status)
			}
			wantPar := ""
			if r.Paragraph != nil {
				wantPar = *r.Paragraph
			}
			if got := strings.Join(d.Paragraphs, " "); got != wantPar {
				t.Errorf("paragraphs %q, want %q", d.Paragraphs, wantPar)
			}
			if want := realCaseCount(string(body)); len(d.Cases) != want {
				t.Errorf("%d cases, want %d (headings counted in the page)", len(d.Cases), want)
			}
			if n := len(realCaseHeadRe.FindAllString(r.Text, -1)); n > 0 && n != len(d.Cases) {
				t.Errorf("%d cases, but the real record's text has %d case headings", len(d.Cases), n)
			}
			for _, c := range d.Cases {
				if c.Text == "" || strings.HasPrefix(c.Text, "Sag ") {
					t.Errorf("case %s: empty text or text starting with its heading: %.80q", c.ID, c.Text)
				}
				// Every case letter is in the real text too (modulo white space).
				if first := strings.Fields(c.Text); len(first) > 8 && !strings.Contains(collapseSpace(r.Text), strings.Join(first[:8], " ")) {
					t.Errorf("case %s starts with %q, not found in the real text", c.ID, strings.Join(first[:8], " "))
				}
			}
			full, _ := json.Marshal(d)
			for _, chrome := range []string{"Teglholmsgade", "CVR", "Er du bekymret", "Gå til indhold", "Brødkrumme"} {
				if bytes.Contains(full, []byte(chrome)) {
					t.Errorf("page chrome %q leaked into the decision", chrome)
				}
			}
			if d.Year < 2024 || d.Year > 2026 {
				t.Errorf("year %d", d.Year)
			}
			if d.Status == omgjort.StatusHistorisk && len(d.Numbers) != 2 {
				t.Errorf("historisk republished page: numbers %q, want 2", d.Numbers)
			}
		})
	}
}
