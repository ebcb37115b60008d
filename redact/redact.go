// Package redact removes personal details from the text of an Ankestyrelsen decision letter
// before anything of it is stored or indexed. A municipality's own letters name the citizen,
// relatives, their address, CPR number, phone and e-mail, and Ankestyrelsen's caseworker; a
// learning tool needs none of that, so each detail is replaced by a typed placeholder:
//
//	[CPR]      a CPR number, in any written form (ddmmyy-xxxx, ddmmyyxxxx, "dd.mm.yy xxxx",
//	           OCR confusions such as O for 0 and l for 1); modulus 11 is never required,
//	           because numbers without it have been issued since 2007
//	[NAVN]     a person's name: the citizen, relatives, representatives, the caseworker, and
//	           every later mention of the same names or their parts (genitive too)
//	[ADRESSE]  a street address with house number and floor, or a c/o line
//	[POSTNR]   a postcode with its town ("8000 Aarhus C")
//	[TELEFON]  a phone number
//	[EMAIL]    an e-mail address
//
// The letter's structure does the finding (zone-based redaction): the address block at the
// top, the "Kære …", "Vedr. …", "Sagen vedrører", "Partsrepræsentant", "Kopi til" and
// "Sagsbehandler" lines, and the name after "Med venlig hilsen". Names found there are then
// removed wherever else they occur. Institutions are kept: Ankestyrelsen, the municipality and
// its jobcentre, with the contact details on their own lines, law names, dates and j.nr.
//
// Redaction that cannot be sure says so: Result.Reasons lists why (no address block, a
// capitalised name-like word left next to a placeholder, low OCR confidence, an unknown
// layout, an unreadable CPR field), and a letter with any reason goes to the review queue.
package redact

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Category is the kind of a removed detail; its placeholder is "[" + Category + "]".
type Category string

// The placeholder categories. The set is kept small so reviewers and readers learn it at once.
const (
	CPR      Category = "CPR"
	Name     Category = "NAVN"
	Address  Category = "ADRESSE"
	Postcode Category = "POSTNR"
	Phone    Category = "TELEFON"
	Email    Category = "EMAIL"
)

// Categories lists every category, in the order reports show them.
var Categories = []Category{CPR, Name, Address, Postcode, Phone, Email}

// Placeholder is the text that replaces a removed detail of this category.
func (c Category) Placeholder() string { return "[" + string(c) + "]" }

// Valid reports whether c is one of Categories, so a reviewer's choice can be checked.
func (c Category) Valid() bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// DefaultMinOCRConfidence is the mean OCR word confidence (0–100) below which a letter's
// redaction is uncertain: misread names and numbers may escape the patterns.
const DefaultMinOCRConfidence = 80

// Options tell Letter what is known about the text besides the text itself.
type Options struct {
	// OCRConfidence is the OCR engine's mean word confidence, 0–100, when the text came from
	// OCR; 0 means the text came from a text layer (or the confidence is unknown).
	OCRConfidence float64
	// MinOCRConfidence overrides DefaultMinOCRConfidence when positive.
	MinOCRConfidence float64
	// Names are names known from elsewhere (for example a covering e-mail) to remove as well.
	Names []string
}

// Removal is one replaced detail: its category and where its placeholder stands in the
// redacted text, as character (rune) offsets [Start, End), so a reviewer sees each one marked.
type Removal struct {
	Category Category `json:"category"`
	Start    int      `json:"start"`
	End      int      `json:"end"`
}

// ReasonKind says why a redaction is uncertain.
type ReasonKind string

// The reasons a letter goes to the review queue.
const (
	NoAddressBlock      ReasonKind = "no-address-block"
	NameNearPlaceholder ReasonKind = "name-near-placeholder"
	LowOCRConfidence    ReasonKind = "low-ocr-confidence"
	UnknownLayout       ReasonKind = "unknown-layout"
	UnreadableCPR       ReasonKind = "unreadable-cpr"
)

// Reason is one cause of uncertainty. Start and End (characters in the redacted text) point
// at the word or field concerned; both are -1 when the reason is about the whole letter.
type Reason struct {
	Kind  ReasonKind `json:"kind"`
	Start int        `json:"start"`
	End   int        `json:"end"`
}

// Danish is the reason as the review page shows it.
func (r Reason) Danish() string {
	switch r.Kind {
	case NoAddressBlock:
		return "Der blev ikke fundet en adresseblok øverst i brevet."
	case NameNearPlaceholder:
		return "Et ord med stort begyndelsesbogstav står ved siden af en fjernet oplysning og kan være et navn."
	case LowOCRConfidence:
		return "Teksten er læst med OCR med lav sikkerhed; navne og numre kan være fejllæst."
	case UnknownLayout:
		return "Brevets opbygning er ukendt (ingen hilsen, ingen \"Vedr.\"-linje eller ingen afsender)."
	case UnreadableCPR:
		return "Et CPR-felt indeholdt tegn, der ikke kunne læses som et CPR-nummer."
	}
	return string(r.Kind)
}

// Result is a redacted letter.
type Result struct {
	// Text is the letter with every removed detail replaced by its placeholder.
	Text string `json:"text"`
	// Removals lists the placeholders in text order.
	Removals []Removal `json:"removals"`
	// Reasons lists why the redaction is uncertain; empty when it is not.
	Reasons []Reason `json:"reasons"`
}

// Uncertain reports whether the letter must be reviewed by a jurist before it is used.
func (r Result) Uncertain() bool { return len(r.Reasons) > 0 }

// Count is the number of removals of category c.
func (r Result) Count(c Category) int {
	n := 0
	for _, x := range r.Removals {
		if x.Category == c {
			n++
		}
	}
	return n
}

// Remove replaces the characters [start, end) of the redacted text with the placeholder of c,
// for a reviewer who finds a detail the patterns missed. Offsets of later removals and reasons
// shift accordingly; a reason whose word was removed is dropped.
func (r Result) Remove(start, end int, c Category) (Result, error) {
	runes := []rune(r.Text)
	if !c.Valid() {
		return r, fmt.Errorf("redact: unknown category %q", c)
	}
	if start < 0 || end > len(runes) || start >= end {
		return r, fmt.Errorf("redact: range %d–%d is outside the text (%d characters)", start, end, len(runes))
	}
	for _, x := range r.Removals {
		if start < x.End && x.Start < end && (start > x.Start || end < x.End) {
			return r, fmt.Errorf("redact: range %d–%d cuts through the placeholder at %d–%d", start, end, x.Start, x.End)
		}
	}
	ph := []rune(c.Placeholder())
	delta := len(ph) - (end - start)
	out := Result{Text: string(runes[:start]) + string(ph) + string(runes[end:])}
	added := false
	for _, x := range r.Removals {
		switch {
		case x.End <= start:
			out.Removals = append(out.Removals, x)
		case x.Start >= end:
			if !added {
				out.Removals = append(out.Removals, Removal{c, start, start + len(ph)})
				added = true
			}
			out.Removals = append(out.Removals, Removal{x.Category, x.Start + delta, x.End + delta})
		}
		// removals inside [start, end) are swallowed by the new one
	}
	if !added {
		out.Removals = append(out.Removals, Removal{c, start, start + len(ph)})
	}
	for _, x := range r.Reasons {
		switch {
		case x.Start < 0:
			out.Reasons = append(out.Reasons, x)
		case x.End <= start:
			out.Reasons = append(out.Reasons, x)
		case x.Start >= end:
			out.Reasons = append(out.Reasons, Reason{x.Kind, x.Start + delta, x.End + delta})
		}
	}
	return out, nil
}

// span is a detail found in the original text, in byte offsets.
type span struct {
	start, end int
	cat        Category
}

// priority orders categories when two found details overlap: the merged span takes the
// category with the highest priority.
func priority(c Category) int {
	switch c {
	case CPR:
		return 6
	case Email:
		return 5
	case Phone:
		return 4
	case Address:
		return 3
	case Postcode:
		return 2
	}
	return 1
}

// Letter redacts the text of one letter. It never fails: text it cannot make sense of is
// redacted by the patterns alone and marked uncertain.
func Letter(text string, opts Options) Result {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	f := newFinder(text)
	f.findCPR()
	f.findEmails()
	f.findPhones()
	f.findHeader()
	f.findCueLines()
	f.findClosing()
	for _, n := range opts.Names {
		f.addName(n)
	}
	f.findKnownNames()
	if f.expandNames() {
		f.findKnownNames()
	}
	f.findKnownStreets()
	f.findAddresses()
	f.findPostcodes()
	if !f.salutation && !f.vedr || !f.sender {
		f.letterReasons = append(f.letterReasons, UnknownLayout)
	}
	min := opts.MinOCRConfidence
	if min <= 0 {
		min = DefaultMinOCRConfidence
	}
	if opts.OCRConfidence > 0 && opts.OCRConfidence < min {
		f.letterReasons = append(f.letterReasons, LowOCRConfidence)
	}
	return f.result()
}

// result merges the found spans, writes the redacted text and checks what is left near each
// placeholder.
func (f *finder) result() Result {
	spans := mergeSpans(f.text, f.spans)
	var b strings.Builder
	b.Grow(len(f.text))
	res := Result{Removals: []Removal{}, Reasons: []Reason{}}
	pos, runePos := 0, 0
	// byteToRune maps positions of the original text to the output for word reasons.
	type mapped struct{ from, to int }
	var unreadable []mapped
	for _, s := range spans {
		seg := f.text[pos:s.start]
		b.WriteString(seg)
		runePos += utf8.RuneCountInString(seg)
		ph := s.cat.Placeholder()
		b.WriteString(ph)
		n := utf8.RuneCountInString(ph)
		res.Removals = append(res.Removals, Removal{s.cat, runePos, runePos + n})
		for _, u := range f.unreadable {
			if u >= s.start && u < s.end {
				unreadable = append(unreadable, mapped{runePos, runePos + n})
			}
		}
		runePos += n
		pos = s.end
	}
	b.WriteString(f.text[pos:])
	res.Text = b.String()
	for _, k := range f.letterReasons {
		res.Reasons = append(res.Reasons, Reason{k, -1, -1})
	}
	for _, u := range unreadable {
		res.Reasons = append(res.Reasons, Reason{UnreadableCPR, u.from, u.to})
	}
	res.Reasons = append(res.Reasons, nameLikeNear(res.Text, res.Removals)...)
	return res
}

// mergeSpans sorts spans, unites overlapping ones (highest-priority category wins) and joins
// name spans separated only by spaces or a hyphen ("Anna" "Bøgh-Larsen" → one [NAVN]).
func mergeSpans(text string, in []span) []span {
	if len(in) == 0 {
		return nil
	}
	s := append([]span(nil), in...)
	sort.Slice(s, func(i, j int) bool {
		if s[i].start != s[j].start {
			return s[i].start < s[j].start
		}
		return s[i].end > s[j].end
	})
	out := []span{s[0]}
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.start < last.end {
			if x.end > last.end {
				last.end = x.end
			}
			if priority(x.cat) > priority(last.cat) {
				last.cat = x.cat
			}
			continue
		}
		if x.cat == last.cat && (x.cat == Name || x.cat == Address) && onlyJoiners(text[last.end:x.start]) {
			last.end = x.end
			continue
		}
		out = append(out, x)
	}
	return out
}

// onlyJoiners reports whether s is one short run of spaces or hyphens, the glue inside a name.
func onlyJoiners(s string) bool {
	if len(s) == 0 || len(s) > 3 {
		return len(s) == 0
	}
	for _, r := range s {
		if r != ' ' && r != '-' && r != '\u00a0' {
			return false
		}
	}
	return true
}

// nameLikeNear finds capitalised, name-like words within three words of a placeholder that
// are not the first word of a sentence or line and not an institution or a known word.
func nameLikeNear(text string, rem []Removal) []Reason {
	if len(rem) == 0 {
		return nil
	}
	runes := []rune(text)
	byteOff := make([]int, len(runes)+1)
	for i, r := range runes {
		byteOff[i+1] = byteOff[i] + utf8.RuneLen(r)
	}
	type word struct{ start, end int }
	var words []word
	for i := 0; i < len(runes); {
		if !unicode.IsLetter(runes[i]) {
			i++
			continue
		}
		j := i
		for j < len(runes) && (unicode.IsLetter(runes[j]) || runes[j] == '-' && j+1 < len(runes) && unicode.IsLetter(runes[j+1])) {
			j++
		}
		words = append(words, word{i, j})
		i = j
	}
	isPlaceholder := func(w word) bool {
		return w.start > 0 && runes[w.start-1] == '[' && w.end < len(runes) && runes[w.end] == ']'
	}
	seen := map[int]bool{}
	var out []Reason
	for wi, w := range words {
		if isPlaceholder(w) {
			continue
		}
		near := false
		for k := max(0, wi-3); k <= min(len(words)-1, wi+3); k++ {
			if isPlaceholder(words[k]) && sameLine(runes, words[k].start, w.start) {
				near = true
				break
			}
		}
		if !near || seen[w.start] {
			continue
		}
		s := string(runes[w.start:w.end])
		if !nameLike(s) || sentenceStartAt(text, byteOff[w.start]) || keepWord(s) {
			continue
		}
		// a town or institution named with "Kommune"/"Jobcenter" beside it is not a person
		if wi+1 < len(words) && institutionWord(string(runes[words[wi+1].start:words[wi+1].end])) && onlySpace(runes[w.end:words[wi+1].start]) {
			continue
		}
		if wi > 0 && institutionWord(string(runes[words[wi-1].start:words[wi-1].end])) && onlySpace(runes[words[wi-1].end:w.start]) {
			continue
		}
		seen[w.start] = true
		out = append(out, Reason{NameNearPlaceholder, w.start, w.end})
	}
	return out
}

func onlySpace(r []rune) bool {
	for _, c := range r {
		if c != ' ' && c != '\u00a0' {
			return false
		}
	}
	return true
}

func sameLine(r []rune, a, b int) bool {
	if a > b {
		a, b = b, a
	}
	for _, c := range r[a:b] {
		if c == '\n' {
			return false
		}
	}
	return true
}

// sentenceStartAt reports whether the word at byte offset i of s begins a line or follows
// ". ", ": ", "! ", "? " or a bullet.
func sentenceStartAt(s string, i int) bool {
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		switch r {
		case ' ', '\t', '\u00a0', '"', '(', '»':
			i -= n
			continue
		case '\n', '.', ':', '!', '?', '•', '-', '–':
			return true
		}
		return false
	}
	return true
}

// nameLike reports whether w looks like a name: capitalised, at least two letters, not all capitals
// of length ≤ 3 (abbreviations such as "AES").
func nameLike(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || utf8.RuneCountInString(w) < 2 {
		return false
	}
	if strings.ToUpper(w) == w && utf8.RuneCountInString(w) <= 4 {
		return false
	}
	return true
}
