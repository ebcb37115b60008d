package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"omgjort"
)

// Letter is one decision letter cut out of a file: its pages, and the text as read (margin
// column first on each page, then the body). Nothing of it is stored before redaction.
type Letter struct {
	// Pages are the file's page numbers the letter spans.
	Pages []int
	Text  string
	// OCR and Confidence summarise the pages: any OCR, and the lowest confidence.
	OCR        bool
	Confidence float64
}

// pageOf matches page numbering in the margin or the footer: "Side 2 af 3", "Side 2", "2/3",
// "2 af 3".
var pageOf = regexp.MustCompile(`(?mi)^\s*(?:side\s+(\d{1,3})(?:\s*(?:af|/)\s*(\d{1,3}))?|(\d{1,3})\s*(?:/|af)\s*(\d{1,3}))\s*$`)

// journalRe matches Ankestyrelsen's journal number (YY-NNNNN) after "J.nr.", "Journalnr." or
// "Sagsnr.", tolerating OCR spacing.
var journalRe = regexp.MustCompile(`(?i)\b(?:j\s*\.?\s*nr|journal\s*(?:nr|nummer)|sags\s*(?:nr|nummer))\s*\.?\s*:?\s*((?:\d{2}\s?[-–]\s?\d{3,7}(?:\s*(?:,|og)\s*)?)+)`)

var journalNum = regexp.MustCompile(`\d{2}\s?[-–]\s?\d{3,7}`)

// Journals lists the distinct journal numbers text names, in order, written "YY-NNNNN".
func Journals(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range journalRe.FindAllStringSubmatch(text, -1) {
		for _, n := range journalNum.FindAllString(m[1], -1) {
			n = strings.NewReplacer(" ", "", "–", "-").Replace(n)
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// letterStart reports whether a page opens a letter by its content: the greeting, the
// complaint sentence or the result heading near its top.
func letterStart(p Page) bool {
	body := p.Text
	if len(body) > 1200 {
		body = body[:1200]
	}
	lower := strings.ToLower(body)
	return strings.Contains(lower, "du har klaget over") || strings.Contains(lower, "kære ") ||
		strings.Contains(lower, "ankestyrelsens afgørelse")
}

// pageNumber is the page's own number ("Side 2 af 3") and the letter's page count, or 0.
func pageNumber(p Page) (n, of int) {
	for _, s := range []string{p.Margin, lastLines(p.Text, 3)} {
		if m := pageOf.FindStringSubmatch(s); m != nil {
			a, b := m[1], m[2]
			if a == "" {
				a, b = m[3], m[4]
			}
			n, _ = strconv.Atoi(a)
			of, _ = strconv.Atoi(b)
			return n, of
		}
	}
	return 0, 0
}

func lastLines(s string, k int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > k {
		lines = lines[len(lines)-k:]
	}
	return strings.Join(lines, "\n")
}

// Split cuts a document into letters. A page starts a new letter when its page numbering
// restarts at 1, or — without numbering — when it carries another journal number than the
// letter so far, or opens like a letter (greeting, "Du har klaget over") after a page that
// did not.
func Split(doc Document) []Letter {
	var letters []Letter
	var cur *Letter
	var curJournals []string
	for i, p := range doc.Pages {
		n, _ := pageNumber(p)
		js := Journals(p.Margin + "\n" + firstLines(p.Text, 12))
		start := i == 0
		switch {
		case start:
		case n == 1:
			start = true
		case n > 1:
			// numbered and not the first page: continues the letter
		case len(js) > 0 && len(curJournals) > 0 && !overlap(js, curJournals):
			start = true
		case letterStart(p) && len(js) > 0:
			start = true
		}
		if start {
			letters = append(letters, Letter{Confidence: 100})
			cur = &letters[len(letters)-1]
			curJournals = nil
		}
		cur.Pages = append(cur.Pages, p.Number)
		if len(curJournals) == 0 {
			curJournals = js
		}
		part := strings.TrimSpace(p.Margin)
		if part != "" {
			part += "\n\n"
		}
		part += strings.TrimSpace(p.Text)
		if cur.Text != "" {
			cur.Text += "\n\n"
		}
		cur.Text += part
		cur.OCR = cur.OCR || p.OCR
		if p.Confidence < cur.Confidence {
			cur.Confidence = p.Confidence
		}
	}
	return letters
}

func firstLines(s string, k int) string {
	lines := strings.SplitN(s, "\n", k+1)
	if len(lines) > k {
		lines = lines[:k]
	}
	return strings.Join(lines, "\n")
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// Parsed is what a (redacted) letter says about itself.
type Parsed struct {
	// Journals are Ankestyrelsen's journal numbers, one per decided case.
	Journals []string
	// Date is the letter's date (the decision date), YYYY-MM-DD.
	Date string
	// Municipality is the first-instance authority ("Aarhus Kommune"), MunicipalityDate the
	// date of its decision and Subject what it was about ("ophør af sygedagpenge").
	Municipality     string
	MunicipalityDate string
	Subject          string
	// Law is the law area the letter is decided under, when recognised.
	Law string
	// Result is the text of the result block ("Resultat" / "Resultatet er:").
	Result string
	// Sections are the letter's headed parts in order.
	Sections []omgjort.Section
	// Statistic is Ankestyrelsen's own statement of how the case counts in its statistics —
	// the outcome's ground truth — and StatisticText the sentence it came from.
	Statistic     omgjort.Outcome
	StatisticText string
	// Cases are the letter's decided cases: one per journal number when the letter has
	// several and gives each its own part, else one.
	Cases []ParsedCase
}

// ParsedCase is one decided case of a letter.
type ParsedCase struct {
	Journal string
	Text    string
}

var months = map[string]time.Month{"januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6,
	"juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12}

// dateRe matches Danish dates: "3. marts 2025", "3 marts 2025", "03-03-2025", "3.3.2025".
var dateRe = regexp.MustCompile(`(?i)\b(\d{1,2})\.?\s+(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|okt|nov|dec)\.?\s+(\d{4})\b|\b(\d{1,2})[-./](\d{1,2})[-./](\d{4})\b`)

// parseDate returns the first Danish date in s as YYYY-MM-DD.
func parseDate(s string) string {
	m := dateRe.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	var d, mo, y int
	if m[1] != "" {
		d, _ = strconv.Atoi(m[1])
		mo = int(months[strings.ToLower(m[2])])
		y, _ = strconv.Atoi(m[3])
	} else {
		d, _ = strconv.Atoi(m[4])
		mo, _ = strconv.Atoi(m[5])
		y, _ = strconv.Atoi(m[6])
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if mo < 1 || mo > 12 || t.Day() != d || y < 1990 || y > 2100 {
		return ""
	}
	return t.Format("2006-01-02")
}

var (
	dateLine     = regexp.MustCompile(`(?im)^\s*(?:dato|den)\s*:?\s*(.+)$`)
	complaintRe  = regexp.MustCompile(`(?is)du\s+har\s+klaget\s+over\s+(.{2,80}?)\s+afgørelse\s+(?:af|fra)\s+(.{4,25}?)\s+om\s+(.{3,200}?)[.\n]`)
	authorityRe  = regexp.MustCompile(`^((?:\p{Lu}[\p{L}-]*\s+)*?\p{Lu}[\p{L}-]*\s+(?:Kommune|Regionskommune))s$|^(.+?)s$`)
	statisticRe  = regexp.MustCompile(`(?i)[^.\n]*statistik[^.\n]*(?:\.|$)`)
	headingRe    = regexp.MustCompile(`^[\p{Lu}][^.!?:]{1,70}:?$`)
	resultHeadRe = regexp.MustCompile(`(?i)^(resultat(?:et)?(?:\s+er)?|afgørelse(?:n)?)\s*:?$`)
)

// Parse reads a redacted letter's metadata, sections and cases. Dates of decisions, journal
// numbers and the municipality's name are kept by the redaction, so parsing the redacted text
// gives them while nothing personal reaches a stored field.
func Parse(text string) (Parsed, error) {
	var p Parsed
	p.Journals = Journals(text)
	head := text
	if len(head) > 2500 {
		head = head[:2500]
	}
	if m := dateLine.FindStringSubmatch(head); m != nil {
		p.Date = parseDate(m[1])
	}
	if m := complaintRe.FindStringSubmatch(strings.Join(strings.Fields(text), " ")); m != nil {
		auth := strings.TrimSpace(m[1])
		if a := authorityRe.FindStringSubmatch(auth); a != nil {
			if a[1] != "" {
				auth = a[1]
			} else {
				auth = a[2]
			}
		}
		p.Municipality = auth
		p.MunicipalityDate = parseDate(m[2])
		p.Subject = strings.TrimSpace(m[3])
	}
	if p.Date == "" {
		// The first date that is not the municipality's.
		for _, m := range dateRe.FindAllString(head, -1) {
			if d := parseDate(m); d != "" && d != p.MunicipalityDate {
				p.Date = d
				break
			}
		}
	}
	p.Sections = sections(text)
	for _, s := range p.Sections {
		if resultHeadRe.MatchString(s.Heading) {
			p.Result = s.Text
			break
		}
	}
	if p.Result == "" {
		if i := strings.Index(strings.ToLower(text), "resultatet er:"); i >= 0 {
			p.Result = firstBlock(text[i:])
		}
	}
	for _, m := range statisticRe.FindAllString(text, -1) {
		if o := outcomeWord(m); o != "" {
			p.Statistic, p.StatisticText = o, strings.TrimSpace(m)
			break
		}
	}
	p.Law = lawArea(p.Subject + "\n" + text)
	p.Cases = cases(text, p.Journals)
	if !strings.Contains(strings.ToLower(text), "ankestyrelsen") && p.Municipality == "" {
		return p, ErrNotLetter
	}
	if len(p.Journals) == 0 || p.Date == "" {
		return p, ErrUnknownLayout
	}
	return p, nil
}

func firstBlock(s string) string {
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// outcomeWord reads the outcome a statistics sentence names.
func outcomeWord(s string) omgjort.Outcome {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "hjemvis"):
		return omgjort.OutcomeHjemvist
	case strings.Contains(l, "ophæv"):
		return omgjort.OutcomeOphaevet
	case strings.Contains(l, "ændr"), strings.Contains(l, "omgjort"), strings.Contains(l, "omgørelse"):
		return omgjort.OutcomeAendret
	case strings.Contains(l, "stadfæst"):
		return omgjort.OutcomeStadfaestet
	case strings.Contains(l, "afvis"), strings.Contains(l, "afvist"), strings.Contains(l, "bortfald"):
		return omgjort.OutcomeAfvist
	}
	return ""
}

// lawAreas maps words of a letter to the law it is decided under (the names published
// decisions carry as laws).
var lawAreas = []struct{ word, law string }{
	{"sygedagpenge", "Lov om sygedagpenge"},
	{"kontanthjælp", "Lov om aktiv socialpolitik"},
	{"uddannelseshjælp", "Lov om aktiv socialpolitik"},
	{"selvforsørgelses", "Lov om aktiv socialpolitik"},
	{"ressourceforløb", "Lov om aktiv socialpolitik"},
	{"aktivloven", "Lov om aktiv socialpolitik"},
	{"jobafklaringsforløb", "Lov om sygedagpenge"},
	{"fleksjob", "Lov om en aktiv beskæftigelsesindsats"},
	{"ledighedsydelse", "Lov om aktiv socialpolitik"},
	{"beskæftigelsesindsats", "Lov om en aktiv beskæftigelsesindsats"},
	{"revalidering", "Lov om aktiv socialpolitik"},
	{"førtidspension", "Lov om social pension"},
	{"merudgifter", "Lov om social service"},
	{"tabt arbejdsfortjeneste", "Lov om social service"},
	{"boligstøtte", "Lov om individuel boligstøtte"},
}

func lawArea(text string) string {
	l := strings.ToLower(text)
	best, at := "", -1
	for _, a := range lawAreas {
		if i := strings.Index(l, a.word); i >= 0 && (at < 0 || i < at) {
			best, at = a.law, i
		}
	}
	return best
}

// sections cuts the body into headed parts: a short line without a full stop, standing alone
// as a block or heading one, is a heading.
func sections(text string) []omgjort.Section {
	var out []omgjort.Section
	var cur *omgjort.Section
	for _, blk := range strings.Split(text, "\n\n") {
		blk = strings.TrimSpace(blk)
		if blk == "" {
			continue
		}
		first, rest, _ := strings.Cut(blk, "\n")
		if headingRe.MatchString(first) && !strings.Contains(first, "[") && len(strings.Fields(first)) <= 10 && !dateRe.MatchString(first) {
			out = append(out, omgjort.Section{Heading: strings.TrimSuffix(strings.TrimSpace(first), ":")})
			cur = &out[len(out)-1]
			blk = strings.TrimSpace(rest)
			if blk == "" {
				continue
			}
		}
		if cur == nil {
			continue // the letter's head (margin, address, greeting) before the first heading
		}
		if cur.Text != "" {
			cur.Text += "\n\n"
		}
		cur.Text += reflow(blk)
	}
	return out
}

// reflow joins a block's lines into one paragraph, so evidence sentences are not cut by the
// page's line breaks.
func reflow(s string) string { return strings.Join(strings.Fields(s), " ") }

// ReflowText turns extracted text into the paragraphs a case holds: each block one line,
// blocks separated by "\n\n".
func ReflowText(s string) string {
	var out []string
	for _, blk := range strings.Split(s, "\n\n") {
		blk = strings.TrimSpace(blk)
		// A heading line on top of its paragraph ("Resultat" / "Vi ændrer …") stays a
		// paragraph of its own.
		if first, rest, ok := strings.Cut(blk, "\n"); ok && headingRe.MatchString(first) && len(strings.Fields(first)) <= 8 && !strings.Contains(first, "[") {
			out = append(out, reflow(first))
			blk = rest
		}
		if b := reflow(blk); b != "" {
			out = append(out, b)
		}
	}
	return strings.Join(out, "\n\n")
}

// cases splits a letter with several journal numbers at the headings that name each, so each
// decided case is labelled on its own; otherwise the letter is one case.
func cases(text string, journals []string) []ParsedCase {
	one := []ParsedCase{{Journal: strings.Join(journals, ", "), Text: ReflowText(text)}}
	if len(journals) < 2 {
		return one
	}
	blocks := strings.Split(text, "\n\n")
	starts := make([]int, len(journals))
	for k := range starts {
		starts[k] = -1
	}
	for i, b := range blocks {
		first, _, _ := strings.Cut(strings.TrimSpace(b), "\n")
		if len(first) > 120 {
			continue
		}
		for k, j := range journals {
			if starts[k] < 0 && strings.Contains(strings.ReplaceAll(first, " ", ""), j) && !journalOnlyLine(first) {
				starts[k] = i
			}
		}
	}
	for k := range starts {
		if starts[k] < 0 || (k > 0 && starts[k] <= starts[k-1]) {
			return one
		}
	}
	var out []ParsedCase
	for k, j := range journals {
		end := len(blocks)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		out = append(out, ParsedCase{Journal: j, Text: ReflowText(strings.Join(blocks[starts[k]:end], "\n\n"))})
	}
	return out
}

// journalOnlyLine is the margin's "J.nr. 25-1, 25-2" line, which names every case and heads
// none.
func journalOnlyLine(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(l, "j.nr") || strings.HasPrefix(l, "j. nr") || strings.HasPrefix(l, "journal")
}
