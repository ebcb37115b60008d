// Package officialstats imports Ankestyrelsen's published statistics per municipality (the
// Talportal CSV export and the ANKEAST table exports), stores them through the store, and
// compares "our" municipality's official reversal rate with the country's and with similar
// municipalities', each with its count and a 95 % Wilson interval (issue 14).
package officialstats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"omgjort"
)

// The datasets: imports of one replace each other's periods; different datasets never mix.
const (
	DatasetTalportal = "talportal"
	DatasetAnkeast   = "ankeast"
	// DatasetAnkeastRate is ANKEAST3: the omgørelsesprocent only, without counts.
	DatasetAnkeastRate = "ankeast-rate"
)

// Parsed is a statistics file read in full: its rows, ready to store, and what it covers.
type Parsed struct {
	Dataset string
	Format  string
	Rows    []omgjort.OfficialRow
	Periods []string
	// Municipalities counts the municipalities with rows.
	Municipalities int
	// Skipped counts rows of regions and joint bodies, which are not municipalities.
	Skipped int
}

func bad(line int, format string, args ...any) error {
	return &omgjort.ImportError{Line: line, Message: fmt.Sprintf(format, args...)}
}

// decode turns the file into text. Talportal writes Latin-1; a file saved again by Excel may be
// UTF-8 (with or without BOM). Anything else is refused with the line where it shows: a file
// that mixes UTF-8 into Latin-1, Windows-1252 characters, or UTF-16.
func decode(data []byte) (string, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) ||
		(len(data) > 1 && bytes.Count(data[:min(len(data), 200)], []byte{0}) > 10) {
		return "", bad(0, "filen er gemt i UTF-16 (Unicode-tekst). Gem den som CSV (semikolonsepareret) i Latin-1 eller UTF-8, og prøv igen")
	}
	if b, ok := bytes.CutPrefix(data, []byte{0xEF, 0xBB, 0xBF}); ok {
		data = b
		if !utf8.Valid(data) {
			return "", bad(firstInvalidUTF8Line(data), "filen siger, den er UTF-8, men linjen er ikke gyldig UTF-8")
		}
		return string(data), nil
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	var b strings.Builder
	line := 1
	for i, c := range data {
		if c == '\n' {
			line++
		}
		// UTF-8 bytes in a file that is not UTF-8 throughout: "Ã¸" for "ø". The file mixes
		// two encodings, and no reading of it is right.
		if c >= 0xC2 && c <= 0xF4 {
			if r, size := utf8.DecodeRune(data[i:]); r != utf8.RuneError && size >= 2 {
				return "", bad(line, "linjen er skrevet i UTF-8, men resten af filen i Latin-1 – filen blander to tegnkodninger. Gem hele filen i én tegnkodning (Latin-1 eller UTF-8)")
			}
		}
		if c >= 0x80 && c <= 0x9F {
			return "", bad(line, "tegnet 0x%02X findes ikke i Latin-1 – filen er gemt i en anden tegnkodning (fx Windows-1252). Hent filen igen fra Talportalen, eller gem den som UTF-8", c)
		}
		b.WriteRune(rune(c))
	}
	return b.String(), nil
}

func firstInvalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// hkey is the key a header or category is compared by: lower case, æ/ø/å spelled out, letters
// and digits only ("Ændring/Ophævelse" and "Ændring.Ophævelse" → "aendringophaevelse").
func hkey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// measure is one count or rate column of the Talportal export, or one outcome category of an
// ANKEAST table.
type measure int

const (
	mNone measure = iota
	mTotal
	mStadf
	mAendr
	mHjem
	mAfvis
	mRate
)

var measures = map[string]measure{
	"antalsagerialt": mTotal, "antalsager": mTotal, "sagerialt": mTotal, "ialt": mTotal, "afgjortesagerialt": mTotal,
	"afgjortesager": mTotal, "alleafgoerelser": mTotal, "afgoerelserialt": mTotal,
	"stadfaestelse": mStadf, "stadfaestet": mStadf, "stadfaestede": mStadf,
	"aendringophaevelse": mAendr, "aendretophaevet": mAendr, "aendring": mAendr, "aendrede": mAendr,
	"hjemvisning": mHjem, "hjemvist": mHjem, "hjemviste": mHjem,
	"afvisninghenvisning": mAfvis, "afvisthenvist": mAfvis, "afvisning": mAfvis, "afviste": mAfvis,
	"omgoerelsesprocent": mRate, "omgoerelsesprocentpct": mRate, "omgoerelsesprocenti": mRate,
}

// Parse reads a statistics file: the Talportal CSV export ("Kommune;Lovgivning;Sagsemne;periode;
// <measures>", decimal comma, Latin-1) or an ANKEAST table in Statistikbanken's long CSV layout
// ("KOMMUNE;LOVGRUNDLAG;AFGØRELSE;TID;INDHOLD", optionally under a title line). Every problem
// comes back as an *omgjort.ImportError naming its line; nothing is returned half.
func Parse(data []byte) (*Parsed, error) {
	text, err := decode(data)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, bad(0, "filen er tom")
	}
	lines := strings.SplitAfter(text, "\n")
	// A title line ("ANKEAST1: Klager over …") may stand above the header.
	skip, title := 0, ""
	for skip < len(lines) && skip < 3 {
		l := strings.TrimSpace(lines[skip])
		if l == "" || !strings.Contains(l, ";") {
			if title == "" {
				title = strings.Trim(l, `"`)
			}
			skip++
			continue
		}
		break
	}
	body := strings.Join(lines[skip:], "")
	sep := ';'
	if skip >= len(lines) || !strings.Contains(lines[skip], ";") {
		return nil, bad(1, "ukendt format: overskriften er ikke adskilt med semikolon. Forventet er Talportalens CSV-eksport (Kommune;Lovgivning;Sagsemne;periode;…) eller en ANKEAST-tabel (KOMMUNE;LOVGRUNDLAG;AFGØRELSE;TID;INDHOLD)")
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = sep
	r.FieldsPerRecord = -1 // the rows are checked against the header, with a Danish message
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err, skip)
	}
	cols := map[string]int{}
	for i, h := range header {
		if k := hkey(h); k != "" {
			if _, dup := cols[k]; !dup {
				cols[k] = i
			}
		}
	}
	has := func(names ...string) (int, bool) {
		for _, n := range names {
			if i, ok := cols[n]; ok {
				return i, true
			}
		}
		return 0, false
	}
	kIdx, okK := has("kommune", "kommuner", "omraade", "myndighed", "instans")
	if _, okOut := has("afgoerelse", "afgoerelsestype", "udfald", "afgoer"); okK && okOut {
		return parseAnkeast(r, header, cols, skip, title)
	}
	lIdx, okL := has("lovgivning", "lov", "lovomraade")
	pIdx, okP := has("periode", "aar", "tid")
	if !okK || !okL || !okP {
		return nil, bad(skip+1, "ukendt format: overskriften %q har ikke kolonnerne Kommune, Lovgivning og periode (Talportalen) eller KOMMUNE, LOVGRUNDLAG, AFGØRELSE, TID og INDHOLD (ANKEAST)", strings.Join(header, ";"))
	}
	sIdx, okS := has("sagsemne", "sagsemner")
	mcols := map[measure]int{}
	for k, i := range cols {
		if m, ok := measures[k]; ok {
			if _, dup := mcols[m]; !dup {
				mcols[m] = i
			}
		}
	}
	if len(mcols) == 0 {
		return nil, bad(skip+1, "ukendt format: ingen af målene Antal sager i alt, Stadfæstelse, Ændring/Ophævelse, Hjemvisning, Afvisning/Henvisning eller Omgørelsesprocent findes i overskriften")
	}
	_, hasCounts := mcols[mTotal]
	for _, m := range []measure{mStadf, mAendr, mHjem} {
		if _, ok := mcols[m]; ok {
			hasCounts = true
		}
	}
	p := &Parsed{Dataset: DatasetTalportal, Format: "Talportalens CSV-eksport"}
	agg := newAggregator()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line := skip + 1
		if err != nil {
			return nil, csvError(err, skip)
		}
		line, _ = r.FieldPos(0)
		line += skip
		if len(rec) != len(header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			return nil, bad(line, "rækken har %d felter, men overskriften har %d (mangler der et semikolon, eller er et felt delt?)", len(rec), len(header))
		}
		row := omgjort.OfficialRow{Dataset: p.Dataset, Law: strings.TrimSpace(rec[lIdx]), HasCounts: hasCounts}
		if okS {
			row.Subject = strings.TrimSpace(rec[sIdx])
		}
		if row.Law == "" {
			return nil, bad(line, "feltet Lovgivning er tomt")
		}
		if row.Period, err = normPeriod(rec[pIdx]); err != nil {
			return nil, bad(line, "%v", err)
		}
		for m, i := range mcols {
			if err := setMeasure(&row, m, rec[i]); err != nil {
				return nil, bad(line, "kolonnen %s: %v", strings.TrimSpace(header[i]), err)
			}
		}
		if err := agg.add(line, rec[kIdx], row); err != nil {
			return nil, err
		}
	}
	return agg.finish(p)
}

// csvError turns the CSV reader's error into one that names the file's line.
func csvError(err error, skip int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			msg = "et anførselstegn står forkert i rækken"
		}
		return bad(pe.StartLine+skip, "rækken kan ikke læses: %s", msg)
	}
	return bad(0, "filen kan ikke læses: %v", err)
}

// parseAnkeast reads the long layout of Statistikbanken: one count per line.
func parseAnkeast(r *csv.Reader, header []string, cols map[string]int, skip int, title string) (*Parsed, error) {
	get := func(names ...string) (int, bool) {
		for _, n := range names {
			if i, ok := cols[n]; ok {
				return i, true
			}
		}
		return 0, false
	}
	kIdx, _ := get("kommune", "kommuner", "omraade", "myndighed", "instans")
	oIdx, _ := get("afgoerelse", "afgoerelsestype", "udfald", "afgoer")
	lIdx, okL := get("lovgrundlag", "lovgivning", "lov", "lovomraade", "omraadeforsagen", "sagsomraade")
	tIdx, okT := get("tid", "periode", "aar", "kvartal")
	vIdx, okV := get("indhold", "antal", "value", "vaerdi")
	if !okL || !okT || !okV {
		return nil, bad(skip+1, "ukendt format: en ANKEAST-tabel skal have kolonnerne KOMMUNE, LOVGRUNDLAG, AFGØRELSE, TID og INDHOLD; overskriften er %q", strings.Join(header, ";"))
	}
	type rec struct {
		line                      int
		kommune, law, out, period string
		value                     string
	}
	var recs []rec
	lawNames := map[string]string{} // "1" → "Serviceloven"
	for {
		f, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err, skip)
		}
		line, _ := r.FieldPos(0)
		line += skip
		if len(f) != len(header) {
			if len(f) == 1 && strings.TrimSpace(f[0]) == "" {
				continue
			}
			return nil, bad(line, "rækken har %d felter, men overskriften har %d", len(f), len(header))
		}
		x := rec{line: line, kommune: f[kIdx], law: strings.TrimSpace(f[lIdx]), out: f[oIdx], period: f[tIdx], value: f[vIdx]}
		if code, name, ok := lawCode(x.law); ok && !strings.Contains(code, ".") {
			lawNames[code] = name
		}
		recs = append(recs, x)
	}
	p := &Parsed{Dataset: DatasetAnkeast, Format: "ANKEAST-tabel (Statistikbankens CSV)"}
	if t := strings.ToUpper(title); strings.Contains(t, "ANKEAST3") {
		p.Dataset, p.Format = DatasetAnkeastRate, "ANKEAST3 (omgørelsesprocent)"
	}
	agg := newAggregator()
	rateOnly := true
	for _, x := range recs {
		m, ok := measures[hkey(x.out)]
		if !ok {
			return nil, bad(x.line, "ukendt afgørelse %q – forventet Stadfæstelse, Ændring/ophævelse, Hjemvisning, Afvisning/henvisning, I alt eller Omgørelsesprocent", strings.TrimSpace(x.out))
		}
		if m != mRate {
			rateOnly = false
		}
		row := omgjort.OfficialRow{Dataset: p.Dataset, Law: x.law}
		if code, name, ok := lawCode(x.law); ok {
			row.Law = name
			if parent, _, isPara := strings.Cut(code, "."); isPara {
				row.Subject = name
				row.Law = lawNames[parent]
				if row.Law == "" {
					row.Law = "Lovgrundlag " + parent
				}
			}
		}
		if row.Law == "" {
			return nil, bad(x.line, "feltet LOVGRUNDLAG er tomt")
		}
		var err error
		if row.Period, err = normPeriod(x.period); err != nil {
			return nil, bad(x.line, "%v", err)
		}
		if err := setMeasure(&row, m, x.value); err != nil {
			return nil, bad(x.line, "INDHOLD: %v", err)
		}
		row.HasCounts = m != mRate
		if err := agg.add(x.line, x.kommune, row); err != nil {
			return nil, err
		}
	}
	if rateOnly && p.Dataset == DatasetAnkeast {
		p.Dataset, p.Format = DatasetAnkeastRate, "ANKEAST3 (omgørelsesprocent)"
		for k, row := range agg.rows {
			row.Dataset = p.Dataset
			agg.rows[k] = row
		}
	}
	return agg.finish(p)
}

var lawCodeRE = regexp.MustCompile(`^(\d+(?:\.\d+)*)\.?\s+(.+)$`)

// lawCode splits "1.9 Børn - efterværn" into "1.9" and "Børn - efterværn".
func lawCode(s string) (code, name string, ok bool) {
	m := lawCodeRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", "", false
	}
	return m[1], strings.TrimSpace(m[2]), true
}

var (
	yearRE    = regexp.MustCompile(`(19|20)\d\d`)
	quarterRE = regexp.MustCompile(`^(?:[KQ]\s*([1-4])|([1-4])\s*\.?\s*(?:KVT|KVARTAL)\.?)$`)
)

// normPeriod turns "2023", "2023K2", "2023 Q2", "2. kvt. 2023" or "2023 2. kvartal" into "2023"
// or "2023K2".
func normPeriod(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	y := yearRE.FindString(t)
	if y == "" {
		return "", fmt.Errorf("perioden %q er ikke et år eller et kvartal (fx 2023 eller 2023K2)", strings.TrimSpace(s))
	}
	rest := strings.Trim(strings.Replace(t, y, "", 1), " -_/.")
	if rest == "" {
		return y, nil
	}
	m := quarterRE.FindStringSubmatch(rest)
	if m == nil {
		return "", fmt.Errorf("perioden %q er ikke et år eller et kvartal (fx 2023 eller 2023K2)", strings.TrimSpace(s))
	}
	return y + "K" + m[1] + m[2], nil
}

// setMeasure parses one count (whole number, "." as thousands separator) or rate (decimal
// comma) into the row.
func setMeasure(row *omgjort.OfficialRow, m measure, s string) error {
	s = strings.TrimSpace(s)
	if m == mRate {
		if s == "" || s == ".." || s == "-" {
			return nil
		}
		v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(strings.TrimSuffix(s, "%")), ",", ".", 1), 64)
		if err != nil || v < 0 || v > 100 {
			return fmt.Errorf("%q er ikke en procent mellem 0 og 100", s)
		}
		row.PublishedRate, row.HasRate = v, true
		return nil
	}
	n := 0
	if s != "" && s != ".." && s != "-" {
		clean := strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), " ", "")
		clean = strings.TrimSuffix(clean, ",0")
		v, err := strconv.Atoi(clean)
		if err != nil || v < 0 {
			return fmt.Errorf("%q er ikke et antal (et helt tal, 0 eller derover)", s)
		}
		n = v
	}
	switch m {
	case mTotal:
		row.Total += n
	case mStadf:
		row.Stadfaestet += n
	case mAendr:
		row.AendretOphaevet += n
	case mHjem:
		row.Hjemvist += n
	case mAfvis:
		row.Afvist += n
	}
	return nil
}

// aggregator collects rows by municipality, law, subject and period; the long ANKEAST layout
// gives one outcome per line, so lines of the same key are added up.
type aggregator struct {
	rows  map[string]omgjort.OfficialRow
	order []string
	munis map[string]bool
	skips int
}

func newAggregator() *aggregator {
	return &aggregator{rows: map[string]omgjort.OfficialRow{}, munis: map[string]bool{}}
}

func (a *aggregator) add(line int, kommune string, row omgjort.OfficialRow) error {
	m, country, other, ok := Match(kommune)
	switch {
	case other:
		a.skips++
		return nil
	case !ok:
		msg := fmt.Sprintf("kommunen %q findes ikke blandt de 98 kommuner", strings.TrimSpace(kommune))
		if s := Suggest(kommune); s != "" {
			msg += fmt.Sprintf(" (mente du %s?)", s)
		}
		return bad(line, "%s", msg)
	}
	row.Code, row.Kommune = m.Code, m.Name
	if !country {
		a.munis[m.Code] = true
	}
	key := row.Code + "\x00" + row.Law + "\x00" + row.Subject + "\x00" + row.Period
	old, seen := a.rows[key]
	if !seen {
		a.order = append(a.order, key)
		a.rows[key] = row
		return nil
	}
	if row.HasCounts && old.HasCounts && row.Dataset == DatasetTalportal {
		return bad(line, "rækken for %s, %s, %s, %s står to gange i filen", m.Name, row.Law, row.Subject, row.Period)
	}
	old.Total += row.Total
	old.Stadfaestet += row.Stadfaestet
	old.AendretOphaevet += row.AendretOphaevet
	old.Hjemvist += row.Hjemvist
	old.Afvist += row.Afvist
	old.HasCounts = old.HasCounts || row.HasCounts
	if row.HasRate {
		old.PublishedRate, old.HasRate = row.PublishedRate, true
	}
	a.rows[key] = old
	return nil
}

func (a *aggregator) finish(p *Parsed) (*Parsed, error) {
	if len(a.order) == 0 {
		return nil, bad(0, "filen har ingen rækker med kommuner")
	}
	periods := map[string]bool{}
	for _, k := range a.order {
		r := a.rows[k]
		if r.HasCounts && r.Total == 0 {
			r.Total = r.Stadfaestet + r.AendretOphaevet + r.Hjemvist + r.Afvist
		}
		p.Rows = append(p.Rows, r)
		periods[r.Period] = true
	}
	for per := range periods {
		p.Periods = append(p.Periods, per)
	}
	sort.Strings(p.Periods)
	p.Municipalities = len(a.munis)
	p.Skipped = a.skips
	return p, nil
}
