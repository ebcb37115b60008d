package lettergen

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"omgjort"
)

// Extracted is one letter as an import pipeline extracted it from a PDF.
type Extracted struct {
	Text string
	// OCRConfidence is the mean OCR word confidence (0–100), 0 for a text layer.
	OCRConfidence float64
}

// Pipeline is what Measure measures: the importer's extraction and letter split, the
// redaction, and the classifier. Each is passed in, so this package depends on none of them.
type Pipeline struct {
	// Extract reads a PDF and returns its letters in order.
	Extract func(ctx context.Context, name string, pdf []byte) ([]Extracted, error)
	// Redact returns the redacted text and whether the redaction sends the letter to review.
	Redact func(text string, ocrConfidence float64) (redacted string, uncertain bool)
	// Outcomes classifies the redacted text: one outcome per case, in order.
	Outcomes func(text string) []omgjort.Outcome
}

// Bars are the targets of issue 12 point 4.
type Bars struct {
	CPR          float64 // share of planted CPR numbers removed
	NamesAddress float64 // share of planted names, addresses and postcodes removed
	Kept         float64 // share of the other words kept
	Outcome      float64 // share of cases whose outcome on the redacted text equals the label
}

// DefaultBars are the targets: 100 % CPR, ≥ 99 % names and addresses, ≥ 98 % other
// words kept, and every outcome right.
var DefaultBars = Bars{CPR: 1, NamesAddress: 0.99, Kept: 0.98, Outcome: 1}

// Tally counts planted mentions of one category and how many the redaction removed.
type Tally struct {
	Planted, Removed int
}

// Share is Removed/Planted (1 when nothing was planted).
func (t Tally) Share() float64 {
	if t.Planted == 0 {
		return 1
	}
	return float64(t.Removed) / float64(t.Planted)
}

// Report is the result of Measure.
type Report struct {
	Documents, Scanned, Letters, Extracted int
	// Categories holds a tally per category of planted details.
	Categories map[string]*Tally
	// WordsTotal counts the words of the extracted letters that are not personal details,
	// WordsKept those of them still in the redacted text.
	WordsTotal, WordsKept int
	// Cases and OutcomeRight compare the classifier's outcome on the redacted text with the label.
	Cases, OutcomeRight int
	// Lost counts the other words the redaction removed, by word, to show what it takes too much of.
	Lost map[string]int
	// Uncertain counts the letters the redaction sends to the review queue.
	Uncertain int
	// Problems lists each leak, lost letter and wrong outcome, for the test log.
	Problems []string
}

// NamesAddress is the tally of names, addresses and postcodes together.
func (r *Report) NamesAddress() Tally {
	var t Tally
	for _, c := range []string{Name, Address, Postcode} {
		if x := r.Categories[c]; x != nil {
			t.Planted += x.Planted
			t.Removed += x.Removed
		}
	}
	return t
}

// Kept is the share of other words kept.
func (r *Report) Kept() float64 {
	if r.WordsTotal == 0 {
		return 0
	}
	return float64(r.WordsKept) / float64(r.WordsTotal)
}

// OutcomeShare is the share of cases classified right on the redacted text.
func (r *Report) OutcomeShare() float64 {
	if r.Cases == 0 {
		return 0
	}
	return float64(r.OutcomeRight) / float64(r.Cases)
}

// Check lists the bars the report misses; empty means every bar is met.
func (r *Report) Check(b Bars) []string {
	var out []string
	if s := r.Categories[CPR].Share(); s < b.CPR {
		out = append(out, fmt.Sprintf("CPR numbers removed %.2f %% < %.2f %%", 100*s, 100*b.CPR))
	}
	if s := r.NamesAddress().Share(); s < b.NamesAddress {
		out = append(out, fmt.Sprintf("names and addresses removed %.2f %% < %.2f %%", 100*s, 100*b.NamesAddress))
	}
	if s := r.Kept(); s < b.Kept {
		out = append(out, fmt.Sprintf("other words kept %.2f %% < %.2f %%", 100*s, 100*b.Kept))
	}
	if s := r.OutcomeShare(); s < b.Outcome {
		out = append(out, fmt.Sprintf("outcomes right %.2f %% < %.2f %%", 100*s, 100*b.Outcome))
	}
	if r.Extracted < r.Letters {
		out = append(out, fmt.Sprintf("only %d of %d letters were extracted", r.Extracted, r.Letters))
	}
	return out
}

// Print writes the report as the table BENCHMARKS.md quotes.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "documents %d (scanned %d), letters %d, extracted %d, sent to review %d\n", r.Documents, r.Scanned, r.Letters, r.Extracted, r.Uncertain)
	fmt.Fprintf(w, "%-10s %8s %8s %8s\n", "category", "planted", "removed", "share")
	for _, c := range []string{CPR, Name, Address, Postcode, Phone, Email} {
		t := r.Categories[c]
		if t == nil {
			t = &Tally{}
		}
		fmt.Fprintf(w, "%-10s %8d %8d %7.2f%%\n", c, t.Planted, t.Removed, 100*t.Share())
	}
	na := r.NamesAddress()
	fmt.Fprintf(w, "%-10s %8d %8d %7.2f%%\n", "navn+adr.", na.Planted, na.Removed, 100*na.Share())
	fmt.Fprintf(w, "other words kept: %d of %d (%.2f%%)\n", r.WordsKept, r.WordsTotal, 100*r.Kept())
	fmt.Fprintf(w, "outcome on redacted text = label: %d of %d cases (%.2f%%)\n", r.OutcomeRight, r.Cases, 100*r.OutcomeShare())
	if len(r.Lost) > 0 {
		type wc struct {
			w string
			n int
		}
		var ws []wc
		for k, v := range r.Lost {
			ws = append(ws, wc{k, v})
		}
		sort.Slice(ws, func(i, j int) bool { return ws[i].n > ws[j].n || ws[i].n == ws[j].n && ws[i].w < ws[j].w })
		var parts []string
		for _, x := range ws[:min(12, len(ws))] {
			parts = append(parts, fmt.Sprintf("%s×%d", x.w, x.n))
		}
		fmt.Fprintf(w, "other words most often removed: %s\n", strings.Join(parts, ", "))
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, "  -", p)
	}
}

// Measure writes each document as a PDF (scanned ones through Scan), runs it through the
// pipeline, and counts per letter what the redaction removed and kept and whether the
// classifier's outcomes on the redacted text match the labels. Extracted letters are matched
// to generated ones by their first j.nr.
func Measure(ctx context.Context, docs []Document, fonts Fonts, p Pipeline) (*Report, error) {
	r := &Report{Categories: map[string]*Tally{}, Lost: map[string]int{}}
	for _, c := range []string{CPR, Name, Address, Postcode, Phone, Email} {
		r.Categories[c] = &Tally{}
	}
	for di, d := range docs {
		r.Documents++
		pdf, err := d.PDF(fonts)
		if err != nil {
			return nil, err
		}
		if d.Scanned {
			r.Scanned++
			if pdf, err = Scan(ctx, pdf, uint64(di+1)); err != nil {
				return nil, err
			}
		}
		ex, err := p.Extract(ctx, d.Name, pdf)
		if err != nil {
			return nil, fmt.Errorf("lettergen: extracting %s: %w", d.Name, err)
		}
		for _, l := range d.Letters {
			r.Letters++
			var got *Extracted
			for i := range ex {
				if strings.Contains(ex[i].Text, l.Cases[0].JNr) {
					got = &ex[i]
					break
				}
			}
			if got == nil {
				r.Problems = append(r.Problems, fmt.Sprintf("%s %s: letter not found in the extraction", d.Name, l.ID))
				for _, pl := range l.Planted {
					r.Categories[pl.Category].Planted += count(l.Text, pl.Text)
				}
				r.Cases += len(l.Cases)
				continue
			}
			r.Extracted++
			red, uncertain := p.Redact(got.Text, got.OCRConfidence)
			if uncertain {
				r.Uncertain++
			}
			r.score(d.Name, l, got.Text, red)
			outs := p.Outcomes(red)
			r.Cases += len(l.Cases)
			for i, c := range l.Cases {
				if i < len(outs) && outs[i] == c.Outcome && len(outs) == len(l.Cases) {
					r.OutcomeRight++
				} else {
					r.Problems = append(r.Problems, fmt.Sprintf("%s %s case %d: outcome %v, label %s", d.Name, l.ID, i+1, outs, c.Outcome))
				}
			}
		}
	}
	return r, nil
}

// score counts the planted mentions removed and the other words kept in one letter.
func (r *Report) score(doc string, l *Letter, extracted, redacted string) {
	redTokens := tokens(redacted)
	personal := map[string]bool{}
	public := strings.Join(l.Public, "\n")
	for _, pl := range l.Planted {
		pub := count(public, pl.Text)
		n := count(l.Text, pl.Text) - pub
		left := max(0, survivors(pl, redacted, redTokens)-pub)
		t := r.Categories[pl.Category]
		t.Planted += n
		t.Removed += max(0, n-left)
		if left > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s %s: %s %q left %d time(s)", doc, l.ID, pl.Category, pl.Text, left))
		}
		for _, tk := range tokens(pl.Text) {
			personal[fold(tk)] = true
		}
	}
	isPersonal := func(w string) bool {
		fw := fold(w)
		if personal[fw] {
			return true
		}
		if utf8.RuneCountInString(fw) >= 5 {
			for p := range personal {
				if editDistance1(fw, p) {
					return true
				}
			}
		}
		return false
	}
	have := map[string]int{}
	for _, w := range redTokens {
		have[fold(w)]++
	}
	for _, w := range tokens(extracted) {
		if isPersonal(w) {
			continue
		}
		r.WordsTotal++
		if have[fold(w)] > 0 {
			have[fold(w)]--
			r.WordsKept++
		} else {
			r.Lost[w]++
		}
	}
}

// count is the number of times s occurs in text, spaces and line breaks alike.
func count(text, s string) int {
	return strings.Count(strings.Join(strings.Fields(text), " "), strings.Join(strings.Fields(s), " "))
}

// survivors counts the planted detail's mentions still readable in the redacted text: the
// number for CPR and phone (digits, with O/l read as 0/1, across spaces and hyphens), the
// mailbox for e-mail, the words for names (within one OCR slip), the street name for an
// address, postcode and town (all its words) for a postcode.
func survivors(pl Planted, redacted string, red []string) int {
	switch pl.Category {
	case CPR, Phone:
		d := digitsOnly(pl.Text)
		if strings.HasPrefix(d, "45") && len(d) == 10 && pl.Category == Phone {
			d = d[2:]
		}
		return strings.Count(digitStream(redacted), d)
	case Email:
		local := strings.ToLower(pl.Text[:strings.IndexByte(pl.Text, '@')])
		return strings.Count(strings.ToLower(strings.ReplaceAll(redacted, " ", "")), local)
	}
	want := tokens(pl.Text)
	switch pl.Category {
	case Address:
		// the words before the house number
		for i, w := range want {
			if w[0] >= '0' && w[0] <= '9' {
				want = want[:i]
				break
			}
		}
	}
	if len(want) == 0 {
		return 0
	}
	n := 0
	for i := 0; i+len(want) <= len(red); i++ {
		ok := true
		for k, w := range want {
			if !similar(red[i+k], w) {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// similar compares a redacted-text word with a planted word: equal after folding, or within
// one OCR slip when both are five letters or longer.
func similar(a, b string) bool {
	fa, fb := fold(a), fold(b)
	if fa == fb {
		return true
	}
	return utf8.RuneCountInString(fb) >= 5 && editDistance1(fa, fb)
}

// digitStream is the text's digits (O/o read as 0, l/I/| as 1), with runs separated by up to
// three spaces, dots or hyphens joined and other gaps marked, so a number split by a separator
// is still found.
func digitStream(s string) string {
	var b strings.Builder
	gap := 0
	for _, r := range s {
		d := byte(0)
		switch {
		case r >= '0' && r <= '9':
			d = byte(r)
		case r == 'O' || r == 'o':
			d = '0'
		case r == 'l' || r == 'I' || r == '|':
			d = '1'
		}
		if d != 0 {
			if gap > 3 {
				b.WriteByte('/')
			}
			gap = 0
			b.WriteByte(d)
			continue
		}
		if r == ' ' || r == '.' || r == '-' || r == '–' || r == '\n' {
			gap++
		} else {
			gap = 4
		}
	}
	return b.String()
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// tokens splits text into words and numbers: letters or digits with inner hyphens.
func tokens(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) && !unicode.IsDigit(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '-' && j+1 < len(rs) && (unicode.IsLetter(rs[j+1]) || unicode.IsDigit(rs[j+1]))) {
			j++
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}

// fold lower-cases and folds æ/ø/å spellings, as OCR and keyboards vary them.
func fold(w string) string {
	return strings.NewReplacer("æ", "ae", "ø", "o", "oe", "o", "å", "a", "aa", "a").Replace(strings.ToLower(w))
}

// editDistance1 reports whether a and b differ by at most one edit.
func editDistance1(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i, j, diff := 0, 0, 0
	for i < len(ra) && j < len(rb) {
		if ra[i] == rb[j] {
			i++
			j++
			continue
		}
		diff++
		if diff > 1 {
			return false
		}
		if len(ra) == len(rb) {
			j++
		}
		i++
	}
	return diff+(len(ra)-i) <= 1
}
