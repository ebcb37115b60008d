package crawler

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"omgjort"
)

// ErrImplausible is wrapped by ParseDetail's error when a page does not look like a
// principmeddelelse (no number, no text), so callers can tell a changed site from a bug.
var ErrImplausible = errors.New("page is not a plausible principmeddelelse")

// Source is the omgjort.Decision.Source value of everything this package produces.
const Source = "astdk"

var (
	// numberRes find the published number in a title, most specific first.
	numberRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)princip(?:meddelelse|afgørelse)\s+((?:[a-zæøå]{1,4}[-.])?\d{1,4}[-–]\d{2,4})\b`),
		regexp.MustCompile(`(?i)principmeddelelse\s+(\S+)\s+om\b`),
	}
	numberSuffixRe = regexp.MustCompile(`[-–](\d{2})$`)
	// noteNumberRe finds decision numbers in the republication note; a journal number
	// (YY-NNNNN) does not match because its second part is longer than two digits.
	noteNumberRe = regexp.MustCompile(`(?:^|[^\p{L}\d\-–])((?:[A-ZÆØÅ]-)?\d{1,3}[-–]\d{2})(?:$|[^\d\-–])`)
	dateRe       = regexp.MustCompile(`(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})`)
	// caseHeadRe matches the start of a case letter's heading: "Sag nr. 1, j.nr. 24-123875",
	// "Sag nr. 2, tidligere principmeddelelse O-26-96, j.nr. 21321-94[1]", "Sag j.nr. 24-68818",
	// "Sag nr. 3".
	caseHeadRe = regexp.MustCompile(`^Sag(?:\s+nr\.\s*(\d+))?(?:,?\s+tidligere\s+principmeddelelse\s+(?:[A-ZÆØÅ]-)?\d+-\d+)?(?:,?\s+j\.\s?nr\.(?:\s*(\d[\d.\-]*\d)(?:\[\d+\])*)?)?`)
	// inlineCaseRe finds a case heading flattened into a paragraph.
	inlineCaseRe   = regexp.MustCompile(`(?:^|\s)(Sag\s+nr\.\s*(\d+)|Sag\s+j\.\s?nr\.)`)
	concreteHeadRe = regexp.MustCompile(`(?i)^(?:\d+\.\s*)?(?:den konkrete afgørelse|de konkrete afgørelser)\s*:?$`)
	holdingHeadRe  = regexp.MustCompile(`(?i)^(?:princip(?:meddelelsen|afgørelsen) fastslår|resumé)\s*:?$`)
	holdingStopRe  = regexp.MustCompile(`(?i)^(?:den konkrete sag|de konkrete sager)\s*:?$`)
)

// authorities are the known first-instance tags; one after the status tag is taken as the
// authority whatever it says, this list only helps when the status tag is missing.
var authorities = map[string]bool{"Kommunal": true, "Udbetaling Danmark": true, "Arbejdsskade": true}

// ParsePage parses a fetched ast.dk detail page whatever its character encoding: the body is
// decoded to UTF-8 by the Content-Type charset, a byte-order mark or a <meta charset>, in
// that order (UTF-8 when none says otherwise), then handed to ParseDetail. The crawler and
// `omgjort reparse` both use it on the archived bytes.
func ParsePage(pageURL, contentType string, body []byte) (*omgjort.Decision, error) {
	utf8Body, err := ToUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("crawler: parse %s: %w", pageURL, err)
	}
	return ParseDetail(pageURL, utf8Body)
}

// ToUTF8 decodes an HTML body to UTF-8 (see ParsePage); a UTF-8 body comes back as it is.
func ToUTF8(body []byte, contentType string) ([]byte, error) {
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" || enc == nil {
		return body, nil
	}
	out, err := io.ReadAll(transform.NewReader(bytes.NewReader(body), enc.NewDecoder()))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return out, nil
}

// ParseDetail reads one ast.dk principmeddelelse detail page into a Decision. It needs no
// network, so the CLI and re-parsing of stored raw pages use it as well as the crawler.
// pageURL is where the page came from; the page's canonical URL wins when it has one.
// It returns an error wrapping ErrImplausible when the page has no number or no text.
// Case outcomes and labels are left empty: classifying is another package's job.
func ParseDetail(pageURL string, body []byte) (*omgjort.Decision, error) {
	root, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("crawler: parse %s: %w", pageURL, err)
	}
	doc := goquery.NewDocumentFromNode(root)

	ogTitle := collapseSpace(attr(doc.Find(`meta[property="og:title"]`), "content"))
	htmlTitle := collapseSpace(doc.Find("title").First().Text())
	htmlTitle = strings.TrimSpace(strings.TrimSuffix(htmlTitle, "- Ankestyrelsen"))
	h1 := ""
	if s := doc.Find("h1").First(); s.Length() > 0 {
		h1 = nodeText(s.Nodes[0])
	}

	d := &omgjort.Decision{Source: Source}
	d.Title = firstNonEmpty(ogTitle, htmlTitle, h1)
	for _, t := range []string{ogTitle, htmlTitle, h1} {
		if n := findNumber(t); n != "" {
			d.Number = n
			break
		}
	}
	if d.Number == "" {
		return nil, fmt.Errorf("crawler: parse %s: no principmeddelelse number in og:title, <title> or <h1> (title %q): %w", pageURL, d.Title, ErrImplausible)
	}
	d.ID = omgjort.NormalizeNumber(d.Number)
	d.URL = firstNonEmpty(strings.TrimSpace(attr(doc.Find(`meta[property="og:url"]`), "content")),
		strings.TrimSpace(attr(doc.Find(`link[rel="canonical"]`), "href")), pageURL)

	main := doc.Find("article").First()
	if main.Length() == 0 {
		main = doc.Find("main").First()
	}
	if main.Length() == 0 {
		main = doc.Find("body").First()
	}

	parseTags(d, main.Find("span.label.label-default"))

	meta := main.Find(".metadata").First()
	var metaBlocks []block
	if meta.Length() > 0 {
		metaBlocks = blocksOf(meta.Nodes...)
	} else {
		metaBlocks = blocksOf(main.Nodes...)
	}
	parseMetadata(d, metaBlocks)

	if alert := main.Find(".alert").First(); alert.Length() > 0 {
		parts := []string{}
		for _, b := range blocksOf(alert.Nodes...) {
			parts = append(parts, strings.ReplaceAll(b.text, "\n", " "))
		}
		d.RepublishNote = strings.Join(parts, "\n\n")
	}
	d.Numbers = numbersOf(d.Number, d.RepublishNote)

	sections := accordionSections(main)
	if len(sections) == 0 {
		sections = headingSections(main)
	}
	return finish(d, sections, pageURL)
}

// finish assembles the sections and cases of a parsed decision (from an ast.dk page or a
// LexDania document) and derives what both sources derive alike: the journal number from the
// first case, the year, the content hash. A decision without any text is implausible.
func finish(d *omgjort.Decision, sections []rawSection, docURL string) (*omgjort.Decision, error) {
	assemble(d, sections)
	if len(d.Sections) == 0 && len(d.Cases) == 0 {
		return nil, fmt.Errorf("crawler: parse %s: decision %s has no section or case text: %w", docURL, d.Number, ErrImplausible)
	}
	if d.Journal == "" && len(d.Cases) > 0 {
		d.Journal = d.Cases[0].Journal
	}
	d.Year = yearOf(d.Number, d.Published, d.Signed)
	d.Errors = []omgjort.ErrorType{}
	d.ContentHash = contentHash(d)
	return d, nil
}

// assemble turns the headed parts of a page into the decision's holding, sections and case
// letters: the concrete-decision section is split into cases, the holding is the text of
// "Principmeddelelsen fastslår" up to "Den konkrete sag", and every other part with text
// becomes a Section. Both ast.dk pages and LexDania documents go through it.
func assemble(d *omgjort.Decision, sections []rawSection) {
	d.Sections = []omgjort.Section{}
	d.Cases = []omgjort.Case{}
	for _, s := range sections {
		switch {
		case concreteHeadRe.MatchString(s.heading):
			pre, cases := splitCases(s.blocks)
			if len(pre) > 0 && len(cases) > 0 {
				d.Sections = append(d.Sections, omgjort.Section{Heading: s.heading, Text: renderBlocks(pre)})
			}
			d.Cases = append(d.Cases, cases...)
			continue
		case holdingHeadRe.MatchString(s.heading) && d.Holding == "":
			var hold []block
			for _, b := range s.blocks {
				if holdingStopRe.MatchString(b.text) {
					break
				}
				hold = append(hold, b)
			}
			d.Holding = renderBlocks(hold)
		}
		if text := renderBlocks(s.blocks); text != "" {
			d.Sections = append(d.Sections, omgjort.Section{Heading: s.heading, Text: text})
		}
	}
}

func attr(s *goquery.Selection, name string) string {
	v, _ := s.First().Attr(name)
	return v
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func findNumber(title string) string {
	for _, re := range numberRes {
		if m := re.FindStringSubmatch(title); m != nil {
			n := strings.TrimRight(m[1], ".,:;")
			if strings.ContainsAny(n, "0123456789") {
				return n
			}
		}
	}
	return ""
}

// isLaw tells a law tag from a keyword tag; ast.dk does not mark which is which.
func isLaw(tag string) bool {
	l := strings.ToLower(tag)
	return strings.HasSuffix(l, "loven") || strings.HasSuffix(l, "lov") ||
		strings.HasPrefix(l, "lov om") || strings.HasPrefix(l, "lov ") ||
		strings.HasPrefix(l, "bekendtgørelse")
}

// parseTags sorts the tag row (law(s) → keywords → status → authority) into its fields.
func parseTags(d *omgjort.Decision, tags *goquery.Selection) {
	var all []string
	tags.Each(func(_ int, s *goquery.Selection) {
		if t := nodeText(s.Nodes[0]); t != "" {
			all = append(all, t)
		}
	})
	d.Laws, d.Keywords = []string{}, []string{}
	statusAt := -1
	for i, t := range all {
		switch strings.ToLower(t) {
		case "gældende":
			d.Status, statusAt = omgjort.StatusGaeldende, i
		case "historisk":
			d.Status, statusAt = omgjort.StatusHistorisk, i
		}
		if statusAt >= 0 {
			break
		}
	}
	before := all
	if statusAt >= 0 {
		before = all[:statusAt]
		if statusAt+1 < len(all) {
			d.Authority = all[statusAt+1]
		}
	} else if n := len(all); n > 0 && authorities[all[n-1]] {
		d.Authority, before = all[n-1], all[:n-1]
	}
	i := 0
	for i < len(before) && isLaw(before[i]) {
		d.Laws = append(d.Laws, before[i])
		i++
	}
	d.Keywords = append(d.Keywords, before[i:]...)
}

var metaLabels = []struct{ prefix, key string }{
	{"dato for underskrift", "signed"},
	{"underskriftsdato", "signed"},
	{"offentliggørelsesdato", "published"},
	{"offentliggjort", "published"},
	{"paragraffer", "paragraf"},
	{"paragraf", "paragraf"},
	{"journalnummer", "journal"},
	{"j.nr.", "journal"},
}

// metaLabel reports which metadata label a line starts with and what follows it on the line.
func metaLabel(line string) (key, rest string, ok bool) {
	l := strings.ToLower(line)
	for _, m := range metaLabels {
		if strings.HasPrefix(l, m.prefix) {
			rest = strings.TrimSpace(line[len(m.prefix):])
			rest = strings.TrimSpace(strings.TrimPrefix(rest, ":"))
			return m.key, rest, true
		}
	}
	return "", "", false
}

// isMetaLine reports whether a block is one "Label: value" line of metadata.
func isMetaLine(text string) bool {
	if strings.Contains(text, "\n") {
		return false
	}
	l := strings.ToLower(text)
	for _, m := range metaLabels {
		if strings.HasPrefix(l, m.prefix+":") {
			return true
		}
	}
	return false
}

// parseMetadata reads the label/value pairs of the metadata box. A value is the rest of the
// label's line, or the next line when that is not itself a label.
func parseMetadata(d *omgjort.Decision, blocks []block) {
	var lines []string
	for _, b := range blocks {
		lines = append(lines, strings.Split(b.text, "\n")...)
	}
	vals := map[string]string{}
	seen := map[string]bool{}
	for i, line := range lines {
		key, rest, ok := metaLabel(line)
		if !ok || seen[key] {
			continue
		}
		if rest == "" && i+1 < len(lines) {
			if _, _, isLabel := metaLabel(lines[i+1]); !isLabel {
				rest = lines[i+1]
			}
		}
		seen[key] = true
		vals[key] = rest
	}
	d.Signed = isoDate(vals["signed"])
	d.Published = isoDate(vals["published"])
	d.Journal = strings.TrimSpace(vals["journal"])
	d.Paragraphs = splitParagraphs(vals["paragraf"])
}

// isoDate turns "dd.mm.yyyy" into "YYYY-MM-DD"; anything else becomes "".
func isoDate(s string) string {
	m := dateRe.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	day, _ := strconv.Atoi(m[1])
	mon, _ := strconv.Atoi(m[2])
	year, _ := strconv.Atoi(m[3])
	t := time.Date(year, time.Month(mon), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != mon {
		return ""
	}
	return t.Format("2006-01-02")
}

// splitParagraphs splits the Paragraf field into one citation per "§", so facets can count
// them; "§§ 109 og 110" and "§ 49, jf. § 47" stay whole. It never returns nil.
func splitParagraphs(s string) []string {
	s = collapseSpace(s)
	out := []string{}
	if s == "" {
		return out
	}
	start := 0
	for i, r := range s {
		if r != '§' || i == 0 || s[i-1] != ' ' {
			continue
		}
		prev := strings.TrimSpace(s[start:i])
		lp := strings.ToLower(prev)
		if strings.HasSuffix(lp, "jf.") || strings.HasSuffix(lp, " og") || strings.HasSuffix(lp, " eller") ||
			strings.HasSuffix(lp, "-") || strings.HasSuffix(lp, "–") || strings.HasSuffix(lp, ",") || prev == "" {
			continue
		}
		out = append(out, prev)
		start = i
	}
	if last := strings.TrimSpace(s[start:]); last != "" {
		out = append(out, last)
	}
	return out
}

// numbersOf lists number first, then every decision number the republication note names.
func numbersOf(number, note string) []string {
	out := []string{number}
	seen := map[string]bool{omgjort.NormalizeNumber(number): true}
	for _, m := range noteNumberRe.FindAllStringSubmatch(note, -1) {
		n := strings.ReplaceAll(m[1], "–", "-")
		if k := omgjort.NormalizeNumber(n); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

// yearOf takes the year from the number's two-digit suffix, else from the dates. The URL's
// year folder is never used: it is the publication folder, not the decision's year.
func yearOf(number, published, signed string) int {
	if m := numberSuffixRe.FindStringSubmatch(number); m != nil {
		yy, _ := strconv.Atoi(m[1])
		cur := time.Now().Year() % 100
		if yy > cur+1 {
			return 1900 + yy
		}
		return 2000 + yy
	}
	for _, s := range []string{published, signed} {
		if len(s) >= 4 {
			if y, err := strconv.Atoi(s[:4]); err == nil {
				return y
			}
		}
	}
	return 0
}

// rawSection is a headed part of the page before it becomes a Section or Cases.
type rawSection struct {
	heading string
	blocks  []block
}

// accordionSections reads the current page shape: one accordion item per section, the
// heading in the item's button.
func accordionSections(main *goquery.Selection) []rawSection {
	var out []rawSection
	main.Find(".accordion-item").Each(func(_ int, item *goquery.Selection) {
		head := item.Find(".accordion-button, button").First()
		if head.Length() == 0 {
			head = item.Find("h2, h3").First()
		}
		heading := ""
		if head.Length() > 0 {
			heading = nodeText(head.Nodes[0])
		}
		body := item.Find(".section-body").First()
		if body.Length() == 0 {
			body = item.Find(".accordion-collapse").First()
		}
		if body.Length() == 0 {
			body = item
		}
		out = append(out, rawSection{heading: heading, blocks: blocksOf(body.Nodes...)})
	})
	return out
}

// headingSections reads older pages without an accordion: the main column's text is split
// at its h2 headings (or h3 when there are no h2), skipping the title, tag row, metadata
// box and note, which are read separately.
func headingSections(main *goquery.Selection) []rawSection {
	clone := main.Clone()
	clone.Find("h1, .tags, .metadata, .alert, .breadcrumb, span.label").Remove()
	bs := blocksOf(clone.Nodes...)
	level := "h3"
	if clone.Find("h2").Length() > 0 {
		level = "h2"
	}
	heads := map[string]bool{}
	clone.Find(level).Each(func(_ int, s *goquery.Selection) { heads[nodeText(s.Nodes[0])] = true })
	var out []rawSection
	var cur *rawSection
	for _, b := range bs {
		if isMetaLine(b.text) {
			continue // "Journalnummer: …" lines are metadata, read by parseMetadata
		}
		if b.kind == blockHeading && heads[b.text] {
			out = append(out, rawSection{heading: b.text})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			out = append(out, rawSection{})
			cur = &out[len(out)-1]
		}
		cur.blocks = append(cur.blocks, b)
	}
	return out
}

// splitCases splits the concrete-decision section into case letters at their headings,
// which come either as their own block or flattened into a paragraph. It returns the text
// before the first heading separately; with no heading at all the whole section is case "1".
func splitCases(bs []block) (pre []block, cases []omgjort.Case) {
	type acc struct {
		c      omgjort.Case
		blocks []block
	}
	var all []*acc
	add := func(b block) {
		if b.text == "" {
			return
		}
		if len(all) == 0 {
			pre = append(pre, b)
			return
		}
		cur := all[len(all)-1]
		cur.blocks = append(cur.blocks, b)
	}
	start := func(text string) (rest string) {
		m := caseHeadRe.FindStringSubmatch(text)
		loc := caseHeadRe.FindStringIndex(text)
		heading := strings.TrimRight(strings.TrimSpace(text[:loc[1]]), ":")
		c := omgjort.Case{ID: m[1], Heading: heading, Journal: m[2]}
		if c.ID == "" {
			c.ID = strconv.Itoa(len(all) + 1)
		}
		all = append(all, &acc{c: c})
		return strings.TrimSpace(text[loc[1]:])
	}
	for _, b := range bs {
		if b.kind == blockItem {
			add(b)
			continue
		}
		text := b.text
		for text != "" {
			idx := nextCaseHead(text, len(all)+1)
			if idx < 0 {
				add(block{kind: b.kind, text: text})
				break
			}
			add(block{kind: b.kind, text: strings.TrimSpace(text[:idx])})
			rest := start(text[idx:])
			if rest != "" {
				// What follows a heading on its line is the letter's first paragraph.
				b.kind = blockPara
			}
			text = rest
		}
	}
	if len(all) == 0 {
		if len(pre) == 0 {
			return nil, nil
		}
		return nil, []omgjort.Case{{ID: "1", Text: renderBlocks(pre), Headings: headingsOf(pre), Errors: []omgjort.ErrorLabel{}}}
	}
	for _, a := range all {
		a.c.Text = renderBlocks(a.blocks)
		a.c.Headings = headingsOf(a.blocks)
		a.c.Errors = []omgjort.ErrorLabel{}
		cases = append(cases, a.c)
	}
	return pre, cases
}

// headingsOf returns the texts of the heading blocks, in order, once each.
func headingsOf(bs []block) []string {
	var out []string
	for _, b := range bs {
		if b.kind == blockHeading && !slices.Contains(out, b.text) {
			out = append(out, b.text)
		}
	}
	return out
}

// nextCaseHead returns where the next case heading starts in text, or -1. A heading at the
// start of a block is taken as it is; one inside running text must carry the next case
// number in sequence, so a mention like "Sag nr. 1" in a letter is not mistaken for one.
func nextCaseHead(text string, want int) int {
	for _, m := range inlineCaseRe.FindAllStringSubmatchIndex(text, -1) {
		at := m[2]
		if at == 0 {
			return 0
		}
		if m[4] >= 0 {
			if n, _ := strconv.Atoi(text[m[4]:m[5]]); n == want {
				return at
			}
		}
	}
	return -1
}

// hashed is the part of a Decision that ContentHash covers: what the page says, not when or
// where it was fetched, nor the labels added later.
type hashed struct {
	Number        string
	Numbers       []string
	Title         string
	Status        omgjort.Status
	Published     string
	Signed        string
	Journal       string
	Laws          []string
	Keywords      []string
	Paragraphs    []string
	Authority     string
	Holding       string
	Sections      []omgjort.Section
	Cases         [][4]string
	RepublishNote string
}

// contentHash is the hex sha256 of the parsed content, so two fetches of the same content
// hash equal even when the page chrome around it changed.
func contentHash(d *omgjort.Decision) string {
	h := hashed{Number: d.Number, Numbers: d.Numbers, Title: d.Title, Status: d.Status,
		Published: d.Published, Signed: d.Signed, Journal: d.Journal, Laws: d.Laws,
		Keywords: d.Keywords, Paragraphs: d.Paragraphs, Authority: d.Authority,
		Holding: d.Holding, Sections: d.Sections, RepublishNote: d.RepublishNote}
	for _, c := range d.Cases {
		h.Cases = append(h.Cases, [4]string{c.ID, c.Heading, c.Journal, c.Text})
	}
	b, _ := json.Marshal(h) // cannot fail: only strings and slices of them
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
