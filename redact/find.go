package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one line of the letter with its byte offset.
type line struct {
	start int
	text  string
}

// finder collects the spans to remove from one letter.
type finder struct {
	text  string
	lines []line
	spans []span
	// names holds the folded name parts to remove wherever they occur, and streets the street
	// names from the address block.
	names   map[string]bool
	streets map[string]bool
	// unreadable holds byte offsets of CPR fields whose value was not a readable number.
	unreadable []int
	// what the layout showed
	addressBlock, salutation, vedr, sender bool
	letterReasons                          []ReasonKind
}

func newFinder(text string) *finder {
	f := &finder{text: text, names: map[string]bool{}, streets: map[string]bool{}}
	start := 0
	for i := 0; i <= len(text); i++ {
		if i == len(text) || text[i] == '\n' {
			f.lines = append(f.lines, line{start, strings.TrimSuffix(text[start:i], "\r")})
			start = i + 1
		}
	}
	return f
}

func (f *finder) add(start, end int, c Category) {
	if start < end {
		f.spans = append(f.spans, span{start, end, c})
	}
}

// covered reports whether [start, end) overlaps a span already found.
func (f *finder) covered(start, end int) bool {
	for _, s := range f.spans {
		if start < s.end && s.start < end {
			return true
		}
	}
	return false
}

// ---- CPR ----

// digitLike reports whether r is a digit or a letter OCR confuses with one, and its digit.
func digitLike(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r), true
	case r == 'O' || r == 'o' || r == 'D' || r == 'Q':
		return '0', true
	case r == 'l' || r == 'I' || r == '|' || r == 'i' || r == '!':
		return '1', true
	case r == 'S' || r == 's':
		return '5', true
	case r == 'B':
		return '8', true
	case r == 'Z' || r == 'z':
		return '2', true
	case r == 'g':
		return '9', true
	}
	return 0, false
}

// digitToken is a run of digits (with OCR look-alikes) holding at least one real digit.
type digitToken struct {
	start, end int
	digits     string
}

// digitTokens finds the digit runs of s. A look-alike letter at the edge of a run that touches
// another letter belongs to a word ("Olsen", "Bo"), not to a number, and is left out.
func digitTokens(s string) []digitToken {
	var out []digitToken
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if _, ok := digitLike(r); !ok {
			i += n
			continue
		}
		j := i
		var d []byte
		type pos struct{ off, size int }
		var ps []pos
		real := 0
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			c, ok := digitLike(r2)
			if !ok {
				break
			}
			if r2 >= '0' && r2 <= '9' {
				real++
			}
			d = append(d, c)
			ps = append(ps, pos{j, n2})
			j += n2
		}
		// trim look-alikes at edges that touch a letter
		lo, hi := 0, len(ps)
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[j:])
		if i > 0 && unicode.IsLetter(prev) {
			for lo < hi && !isDigitAt(s, ps[lo].off) {
				lo++
			}
		}
		if j < len(s) && unicode.IsLetter(next) {
			for hi > lo && !isDigitAt(s, ps[hi-1].off) {
				hi--
			}
		}
		// a run that is mostly letters is a word with a digit in it, not a number
		if real > 0 && lo < hi && real*2 >= hi-lo {
			out = append(out, digitToken{ps[lo].off, ps[hi-1].off + ps[hi-1].size, string(d[lo:hi])})
		}
		i = j
	}
	return out
}

func isDigitAt(s string, off int) bool { return s[off] >= '0' && s[off] <= '9' }

// cprSeparator reports whether s, the text between two digit runs, may sit inside one written
// CPR number: up to three spaces, dots, hyphens, dashes or slashes, at most one line break.
func cprSeparator(s string) bool {
	if len(s) == 0 || len(s) > 4 {
		return false
	}
	nl := 0
	for _, r := range s {
		switch r {
		case ' ', '.', '-', '–', '—', '/', '\t', '\u00a0':
		case '\n', '\r':
			nl++
		default:
			return false
		}
	}
	return nl <= 1
}

// plausibleCPR reports whether ten digits start with a real date: day 01–31 (or 61–91, the
// replacement numbers that add 60 to the day), month 01–12. Modulus 11 is deliberately not
// checked: numbers without it have been issued since 1 October 2007.
func plausibleCPR(d string) bool {
	if len(d) != 10 {
		return false
	}
	day := int(d[0]-'0')*10 + int(d[1]-'0')
	month := int(d[2]-'0')*10 + int(d[3]-'0')
	if day > 60 {
		day -= 60
	}
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	return day <= days[month]
}

// CPRShaped reports whether s holds a CPR-shaped digit run: digits (or OCR look-alikes) that
// join, across short separators, into ten digits that start with a plausible date. Letter uses
// the same test, and the fuzz test checks that no such run survives redaction.
func CPRShaped(s string) bool {
	_, ok := findCPRRuns(s)
	return ok
}

// findCPRRuns returns the byte ranges of the CPR-shaped runs of s.
func findCPRRuns(s string) ([][2]int, bool) {
	toks := digitTokens(s)
	var out [][2]int
	for i := 0; i < len(toks); i++ {
		n := 0
		for j := i; j < len(toks) && j < i+6; j++ {
			if j > i && !cprSeparator(s[toks[j-1].end:toks[j].start]) {
				break
			}
			n += len(toks[j].digits)
			if n > 10 {
				break
			}
			if n == 10 {
				var d strings.Builder
				for k := i; k <= j; k++ {
					d.WriteString(toks[k].digits)
				}
				if plausibleCPR(d.String()) {
					out = append(out, [2]int{toks[i].start, toks[j].end})
					i = j
				}
				break
			}
		}
	}
	return out, len(out) > 0
}

// cprLabel finds the words that announce a CPR number.
var cprLabel = regexp.MustCompile(`(?i)(?:cpr|personnummer|personnr)(?:[ .\-]*(?:nr|nummer)\.?)?[ \t]*[:.]?[ \t]*`)

// findCPR removes every CPR-shaped run, and after a CPR label the value that follows even when
// OCR garbled it beyond a readable number (that makes the letter uncertain).
func (f *finder) findCPR() {
	runs, _ := findCPRRuns(f.text)
	for _, r := range runs {
		f.add(r[0], r[1], CPR)
	}
	for _, m := range cprLabel.FindAllStringIndex(f.text, -1) {
		if m[0] > 0 {
			prev, _ := utf8.DecodeLastRuneInString(f.text[:m[0]])
			if unicode.IsLetter(prev) {
				continue
			}
		}
		// the value: up to three chunks of digit-like characters separated by single
		// spaces or hyphens
		end := m[1]
		chunks, hasDigit, i := 0, false, m[1]
		for chunks < 4 && i < len(f.text) {
			j := i
			for j < len(f.text) {
				r, n := utf8.DecodeRuneInString(f.text[j:])
				if r == ' ' || r == '\n' || r == ',' || r == ';' || r == '\t' || r == ')' {
					break
				}
				if r >= '0' && r <= '9' {
					hasDigit = true
				}
				j += n
			}
			if j == i || j-i > 12 || !mostlyDigits(f.text[i:j]) {
				break
			}
			chunks++
			end = j
			if j < len(f.text) && f.text[j] == ' ' && j+1 < len(f.text) && f.text[j+1] != ' ' {
				i = j + 1
				continue
			}
			break
		}
		if !hasDigit || end == m[1] {
			continue
		}
		if !f.covered(m[1], end) {
			f.unreadable = append(f.unreadable, m[1])
		}
		f.add(m[1], end, CPR)
	}
}

// mostlyDigits reports whether at least half the characters of s are digits or look-alikes,
// so "12O39l-4S21" is a garbled number and "kommunen" is not.
func mostlyDigits(s string) bool {
	d, n := 0, 0
	for _, r := range s {
		n++
		if _, ok := digitLike(r); ok || r == '-' || r == '.' {
			d++
		}
	}
	return n > 0 && d*3 >= n*2
}

// ---- e-mail and phone ----

var emailRe = regexp.MustCompile(`[\p{L}0-9._%+\-]+ ?@ ?[\p{L}0-9\-]+(?:\.[\p{L}0-9\-]+)*\.[A-Za-z]{2,}`)

// genericMailbox lists the local parts of institutional mailboxes, which are kept.
var genericMailbox = map[string]bool{"ast": true, "post": true, "kontakt": true, "info": true,
	"jobcenter": true, "borgerservice": true, "sikkerpost": true, "digitalpost": true, "kommune": true}

func (f *finder) findEmails() {
	for _, m := range emailRe.FindAllStringIndex(f.text, -1) {
		local := strings.ToLower(strings.TrimSpace(f.text[m[0] : strings.IndexByte(f.text[m[0]:m[1]], '@')+m[0]]))
		if genericMailbox[local] {
			continue
		}
		f.add(m[0], m[1], Email)
	}
}

var (
	phoneSpaced = regexp.MustCompile(`(?:\+45[ \x{a0}]?)?\d{2}[ \x{a0}]\d{2}[ \x{a0}]\d{2}[ \x{a0}]\d{2}|(?:\+45[ \x{a0}]?)?\d{4}[ \x{a0}]\d{4}|\+45[ \-]?\d{8}`)
	phoneCued   = regexp.MustCompile(`(?i)(?:tlf|telefon|telefonnr|mobil|mobilnr|tel|direkte)\.?[^\d\n]{0,12}((?:\+45[ \-]?)?\d[\d \-]{6,12}\d)`)
)

// findPhones removes phone numbers outside institution lines: spaced eight-digit groups
// ("12 34 56 78", "1234 5678", "+45 12345678") anywhere, and any eight digits after "tlf.".
func (f *finder) findPhones() {
	for _, m := range phoneSpaced.FindAllStringIndex(f.text, -1) {
		if digitAround(f.text, m[0], m[1]) || f.institutionAt(m[0]) {
			continue
		}
		f.add(m[0], m[1], Phone)
	}
	for _, m := range phoneCued.FindAllStringSubmatchIndex(f.text, -1) {
		s, e := m[2], m[3]
		digits := 0
		for _, r := range f.text[s:e] {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits != 8 && digits != 10 || digitAround(f.text, s, e) || f.institutionAt(s) {
			continue
		}
		f.add(s, e, Phone)
	}
}

// digitAround reports whether [s, e) touches a digit or a ",digit"/".digit" on either side,
// so part of a longer number is never taken for a phone number.
func digitAround(text string, s, e int) bool {
	if s > 0 && isDigitByte(text[s-1]) {
		return true
	}
	if e < len(text) && isDigitByte(text[e]) {
		return true
	}
	if e+1 < len(text) && (text[e] == ',' || text[e] == '.') && isDigitByte(text[e+1]) {
		return true
	}
	return false
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// lineAt returns the line holding byte offset off.
func (f *finder) lineAt(off int) line { return f.lines[f.lineIndex(off)] }

// institutionAt reports whether the detail at off is an institution's contact detail, kept in
// the text: on a short line naming an institution ("Aarhus Kommune, Jobcenter Aarhus"), in a
// short paragraph whose first line names one (a letterhead, the municipality as addressee), or
// in an enumeration that starts with one ("Jobcenter Vejle, Kirketorvet 22, 7100 Vejle, tlf.
// 76 81 00 00"). "kommunen ringede til dig på 12 34 56 78" is not one.
func (f *finder) institutionAt(off int) bool {
	i := f.lineIndex(off)
	l := f.lines[i]
	if len(l.text) < 60 && institutionLine(l.text) && !cueLine.MatchString(l.text) {
		return true
	}
	// the enumeration: segments before off on its line, separated by commas
	segs := strings.Split(l.text[:off-l.start], ",")
	if last := segs[len(segs)-1]; len(strings.TrimSpace(last)) <= 12 && !strings.ContainsAny(last, ".!?") || strings.HasPrefix(strings.TrimSpace(strings.ToLower(last)), "tlf") {
		for k := len(segs) - 2; k >= 0 && k >= len(segs)-5; k-- {
			t := segs[k]
			if d := strings.LastIndex(t, ". "); d >= 0 {
				t = t[d+2:]
			}
			t = strings.TrimSpace(t)
			if k < len(segs)-4 || len(t) > 45 {
				break
			}
			if institutionTail(t) {
				return true
			}
			if !(addressLike(t) || postcodeLine.MatchString(t) || floorRe.MatchString(t)) {
				break
			}
		}
	}
	// the paragraph
	first := i
	for first > 0 && strings.TrimSpace(f.lines[first-1].text) != "" && i-first < 7 {
		first--
	}
	if first > 0 && strings.TrimSpace(f.lines[first-1].text) != "" {
		return false // a long paragraph: body text
	}
	for k := first; k < len(f.lines) && strings.TrimSpace(f.lines[k].text) != ""; k++ {
		if len(f.lines[k].text) >= 70 {
			return false
		}
	}
	t := f.lines[first].text
	return institutionLine(t) && !cueLine.MatchString(t)
}

// institutionTail reports whether the end of t names an institution with a capital ("…
// Jobcenter Vejle", "Aarhus Kommune"), not "kommunen" in a sentence.
func institutionTail(t string) bool {
	ws := strings.Fields(t)
	for k := len(ws) - 1; k >= 0 && k >= len(ws)-3; k-- {
		r, _ := utf8.DecodeRuneInString(ws[k])
		if unicode.IsUpper(r) && institutionWord(ws[k]) {
			return true
		}
	}
	return false
}

// lineIndex returns the index of the line holding byte offset off.
func (f *finder) lineIndex(off int) int {
	lo, hi := 0, len(f.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if f.lines[mid].start <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// ---- header: the address block ----

var (
	postcodeLine = regexp.MustCompile(`^[ \t]*(?:DK-?)?([1-9]\d{3})[ \t\x{a0}]+(\p{Lu}[\p{L}.]*(?:[ \-]\p{Lu}[\p{L}.]*){0,2})[ \t]*$`)
	bodyStart    = regexp.MustCompile(`(?i)^[ \t]*(?:kære|du har klaget|resultat|vi har|ankestyrelsen har|afgørelse|sagen vedrører|vedr|begrundelse)`)
	houseNumber  = regexp.MustCompile(`\p{L}[\p{L}.'\- ]*[ \t]\d{1,4}[ \t]?[A-Za-z]?\b`)
)

// findHeader reads the address block(s) above the letter's first body line: a postcode line,
// the street or c/o line above it, and the name lines above those.
func (f *finder) findHeader() {
	end := len(f.lines)
	for i, l := range f.lines {
		if bodyStart.MatchString(l.text) {
			end = i
			break
		}
	}
	if end > 40 {
		end = 40
	}
	for i := 0; i < end; i++ {
		m := postcodeLine.FindStringSubmatchIndex(f.lines[i].text)
		if m == nil {
			continue
		}
		// the block: the postcode line and up to five non-empty lines above it
		first := i
		for k := i - 1; k >= 0 && k >= i-5; k-- {
			t := strings.TrimSpace(f.lines[k].text)
			if t == "" || strings.Contains(t, ":") || !(addressLike(t) || nameLine(t) || coLine(t)) {
				break
			}
			first = k
		}
		inst := false
		for k := first; k <= i; k++ {
			if institutionLine(f.lines[k].text) {
				inst = true
			}
		}
		f.addressBlock = true
		if inst {
			continue
		}
		l := f.lines[i]
		f.add(l.start+m[2], l.start+m[5], Postcode)
		// walk up: street/c/o lines, then names
		for k := i - 1; k >= first; k-- {
			l := f.lines[k]
			t := strings.TrimSpace(l.text)
			off := l.start + strings.Index(l.text, t)
			switch {
			case coLine(t):
				f.add(off, off+len(t), Address)
				f.addName(strings.TrimSpace(t[3:]))
			case addressLike(t):
				f.add(off, off+len(t), Address)
				f.addStreet(t)
			case nameLine(t):
				f.nameSpans(off, t)
			}
		}
	}
	if !f.addressBlock {
		f.letterReasons = append(f.letterReasons, NoAddressBlock)
	}
}

// coLine reports whether t is a "c/o …" line.
func coLine(t string) bool {
	return len(t) > 4 && strings.EqualFold(t[:3], "c/o")
}

// addressLike reports whether t looks like a street line: words, then a house number.
func addressLike(t string) bool {
	if !houseNumber.MatchString(t) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(r)
}

// nameLine reports whether t is made of one to six capitalised words (and "og", "&", "v/").
func nameLine(t string) bool {
	ws := strings.Fields(t)
	if len(ws) == 0 || len(ws) > 6 {
		return false
	}
	caps := 0
	for _, w := range ws {
		switch strings.ToLower(w) {
		case "og", "&", "v/", "samt":
			continue
		}
		w = strings.Trim(w, ",.()")
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, c := range w {
			if !(unicode.IsLetter(c) || c == '-' || c == '\'' || c == '’' || c == '.') {
				return false
			}
		}
		caps++
	}
	return caps > 0
}

// ---- cue lines ----

var cueLine = regexp.MustCompile(`(?i)^[ \t]*(kære|vedr\.?|vedrørende|sagen vedrører|partsrepræsentant(?:en)?|kopi(?: sendt)? til|sagsbehandler|att\.?|borger|navn|modtager|pårørende|værge|bisidder)(?:[ \t]*[:.])?[ \t]*(.*)$`)

// findCueLines reads the lines that name people by their role: the salutation, "Vedr.",
// "Sagen vedrører", "Partsrepræsentant", "Kopi til", "Sagsbehandler", "Att.".
func (f *finder) findCueLines() {
	for i := 0; i < len(f.lines); i++ {
		l := f.lines[i]
		m := cueLine.FindStringSubmatchIndex(l.text)
		if m == nil {
			continue
		}
		cue := strings.ToLower(l.text[m[2]:m[3]])
		// a cue word must end the word: "Kærestens" is not "Kære"
		if m[3] < len(l.text) {
			r, _ := utf8.DecodeRuneInString(l.text[m[3]:])
			if unicode.IsLetter(r) {
				continue
			}
		}
		rest, restOff := l.text[m[4]:m[5]], l.start+m[4]
		switch {
		case cue == "kære":
			f.salutation = true
			if k := strings.IndexAny(rest, ",!"); k >= 0 {
				rest = rest[:k]
			}
			f.segment(restOff, rest)
			continue
		case strings.HasPrefix(cue, "vedr"), cue == "sagen vedrører":
			f.vedr = true
		}
		// a cue alone on its line ("Kopi til:") lists its people on the following lines
		if strings.TrimSpace(rest) == "" {
			for k := i + 1; k < len(f.lines) && k <= i+6; k++ {
				t := f.lines[k].text
				if strings.TrimSpace(t) == "" {
					break
				}
				f.items(f.lines[k].start, t)
			}
			continue
		}
		f.items(restOff, rest)
	}
}

// items splits a cue line's text at commas and semicolons and redacts each item.
func (f *finder) items(off int, s string) {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' || s[i] == ';' {
			f.item(off+start, s[start:i])
			start = i + 1
		}
	}
}

// item redacts one item of a cue line: an institution is kept, a street line or floor is an
// address, a postcode line a postcode, and anything else is read for names.
func (f *finder) item(off int, s string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return
	}
	off += strings.Index(s, t)
	switch {
	case institutionLine(t):
		return
	case coLine(t):
		f.add(off, off+len(t), Address)
		f.addName(strings.TrimSpace(t[3:]))
	case postcodeLine.MatchString(t):
		f.add(off, off+len(t), Postcode)
	case addressLike(t):
		f.add(off, off+len(t), Address)
		f.addStreet(t)
	case floorRe.MatchString(t):
		f.add(off, off+len(t), Address)
	default:
		f.segment(off, t)
	}
}

var floorRe = regexp.MustCompile(`^(?:st|kl|\d{1,2})\.?[ ]?(?:th|tv|mf|sal|\d{1,3})?\.?$`)

// segment removes the capitalised words of a name phrase ("advokat Jens Holm", "Anna og Peter
// Bøgh-Larsen"), skipping titles and relation words, and learns them as names.
func (f *finder) segment(off int, s string) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if !(unicode.IsLetter(r2) || r2 == '-' || r2 == '\'' || r2 == '’' || r2 == '.') {
				break
			}
			j += n2
		}
		w := strings.TrimRight(s[i:j], ".-'’")
		if unicode.IsUpper(r) && !title(w) && !institutionWord(w) && !keepWord(w) && utf8.RuneCountInString(w) >= 2 {
			f.add(off+i, off+i+len(w), Name)
			f.addName(w)
		}
		i = j
	}
}

// nameSpans removes a whole name line (address block) and learns its words.
func (f *finder) nameSpans(off int, t string) {
	f.segment(off, t)
}

// ---- closing ----

var closingRe = regexp.MustCompile(`(?i)^[ \t]*(?:med )?venlig hilsen[ \t,]*$`)

// findClosing removes the name after "Med venlig hilsen" (Ankestyrelsen's caseworker).
func (f *finder) findClosing() {
	for _, l := range f.lines {
		if strings.Contains(strings.ToLower(l.text), "ankestyrelsen") {
			f.sender = true
			break
		}
	}
	for i, l := range f.lines {
		if !closingRe.MatchString(l.text) {
			continue
		}
		f.sender = true
		for k := i + 1; k < len(f.lines) && k <= i+4; k++ {
			t := strings.TrimSpace(f.lines[k].text)
			if t == "" {
				continue
			}
			if nameLine(t) && !institutionLine(t) {
				f.segment(f.lines[k].start+strings.Index(f.lines[k].text, t), t)
			}
			break
		}
	}
}

// ---- later mentions ----

// fold lower-cases a word and folds the spellings OCR and keyboards vary (æ/ae, ø/oe/o,
// å/aa/a, accents), so "Søren", "Soeren" and "Soren" compare equal.
func fold(w string) string {
	w = strings.ToLower(w)
	r := strings.NewReplacer("æ", "ae", "ä", "ae", "ø", "o", "ö", "o", "oe", "o", "å", "a", "aa", "a", "é", "e", "è", "e", "ü", "u", "’", "'")
	return r.Replace(w)
}

// addName learns the parts of a name so later mentions are removed too.
func (f *finder) addName(n string) {
	for _, p := range strings.Fields(n) {
		p = strings.Trim(p, ",.;:()'’\"")
		if utf8.RuneCountInString(p) < 2 || title(p) || institutionWord(p) || keepWord(p) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(p)
		if !unicode.IsUpper(r) {
			continue
		}
		f.names[fold(p)] = true
		for _, h := range strings.Split(p, "-") {
			if utf8.RuneCountInString(h) >= 2 && !particle(h) {
				f.names[fold(h)] = true
			}
		}
	}
}

// findKnownNames removes every capitalised word (or hyphen part) that is a learnt name, its
// genitive ("Jensens", "Bøgh-Larsens", "Claus'"), or within one OCR slip of a long one.
func (f *finder) findKnownNames() {
	if len(f.names) == 0 {
		return
	}
	forEachWord(f.text, func(s, e int) {
		w := f.text[s:e]
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return
		}
		if f.isName(w) {
			f.add(s, e, Name)
			return
		}
		// hyphen parts: "Bøgh-Larsen" when only "Larsen" is known
		off := 0
		for _, h := range strings.Split(w, "-") {
			if h != "" && f.isName(h) {
				f.add(s+off, s+off+len(h), Name)
			}
			off += len(h) + 1
		}
	})
}

// isName compares a word (and its genitive stem) with the learnt names.
func (f *finder) isName(w string) bool {
	cands := []string{w}
	for _, suf := range []string{"'s", "’s", "s", "'", "’"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+1 {
			cands = append(cands, strings.TrimSuffix(w, suf))
		}
	}
	for _, c := range cands {
		fc := fold(c)
		if f.names[fc] {
			return true
		}
		if utf8.RuneCountInString(fc) >= 5 {
			for n := range f.names {
				if utf8.RuneCountInString(n) >= 5 && editDistance1(fc, n) {
					return true
				}
			}
		}
	}
	return false
}

// forEachWord calls fn with the byte range of each word of s: letters, with inner hyphens and
// apostrophes.
func forEachWord(s string, fn func(start, end int)) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if unicode.IsLetter(r2) {
				j += n2
				continue
			}
			if r2 == '-' || r2 == '\'' || r2 == '’' {
				r3, _ := utf8.DecodeRuneInString(s[j+n2:])
				if unicode.IsLetter(r3) || (r2 != '-' && !unicode.IsLetter(r3)) {
					j += n2
					continue
				}
			}
			break
		}
		fn(i, j)
		i = j
	}
}

// editDistance1 reports whether a and b differ by at most one substitution, insertion or
// deletion (runes).
func editDistance1(a, b string) bool {
	if a == b {
		return true
	}
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

// ---- addresses and postcodes in the body ----

// addStreet learns the street name of an address line ("Niels Juels Gade 3, 2. th." →
// "Niels Juels Gade") so its later mentions are removed.
func (f *finder) addStreet(t string) {
	k := strings.IndexFunc(t, unicode.IsDigit)
	if k <= 0 {
		return
	}
	st := strings.TrimSpace(t[:k])
	if utf8.RuneCountInString(st) >= 3 {
		f.streets[st] = true
	}
}

var numberAndFloor = regexp.MustCompile(`^[ \t]+\d{1,4}[ ]?[A-Za-z]?(?:,?[ ]?(?:(?:st|kl|\d{1,2})\.[ ]?(?:th|tv|mf|sal)?\.?|\d{1,2}[ ](?:th|tv|mf)\.?))?`)

// findKnownStreets removes later mentions of the address block's streets, with their number
// and floor when given.
func (f *finder) findKnownStreets() {
	for st := range f.streets {
		for i := 0; ; {
			k := strings.Index(f.text[i:], st)
			if k < 0 {
				break
			}
			s := i + k
			e := s + len(st)
			i = e
			if s > 0 {
				if r, _ := utf8.DecodeLastRuneInString(f.text[:s]); unicode.IsLetter(r) {
					continue
				}
			}
			if r, _ := utf8.DecodeRuneInString(f.text[e:]); unicode.IsLetter(r) && r != 's' {
				continue
			}
			if m := numberAndFloor.FindStringIndex(f.text[e:]); m != nil {
				e += m[1]
			}
			f.add(s, e, Address)
		}
	}
}

var (
	streetRe      = regexp.MustCompile(`(?:\p{Lu}[\p{L}.']*[ \-]){0,3}\p{Lu}[\p{L}]*(?:vej|vejen|gade|gaden|allé|alle|plads|pladsen|stræde|strædet|vænge|vænget|park|parken|torv|torvet|boulevard|have|haven|bakke|bakken|høj|højen|toft|toften|sti|stien|vang|vangen|strand|kaj|krog|krogen|mark|marken|eng|engen|hegn|lund|lunden|ager|kvarter|dal|dalen|bro|gård|gårdsvej|skov|skoven|bjerg|rød|huse|mose|hus)(?:en|n|et|t)?(?:[ ]\d{1,4}[ ]?[A-Za-z]?)(?:,?[ ]?(?:(?:st|kl|\d{1,2})\.[ ]?(?:th|tv|mf|sal)?\.?|\d{1,2}[ ](?:th|tv|mf)\.?))?`)
	streetWordsRe = regexp.MustCompile(`(?:\p{Lu}[\p{L}.']*[ ]){1,3}(?:Vej|Gade|Allé|Alle|Plads|Boulevard|Torv|Stræde|Vænge|Have|Bakke|Park|Kvarter)[ ]\d{1,4}[ ]?[A-Za-z]?(?:,?[ ]?(?:(?:st|kl|\d{1,2})\.[ ]?(?:th|tv|mf|sal)?\.?|\d{1,2}[ ](?:th|tv|mf)\.?))?`)
	postcodeRe    = regexp.MustCompile(`(?:DK-)?([1-9]\d{3})[ \x{a0}]+\p{Lu}[\p{L}]*\.?(?:[ \-](?:\p{Lu}[\p{L}]+\.?|\p{Lu}{1,2}))?`)
)

// findAddresses removes street addresses in the body ("Skovvej 12, 2. th.") outside
// institution lines.
func (f *finder) findAddresses() {
	for _, re := range []*regexp.Regexp{streetRe, streetWordsRe} {
		for _, m := range re.FindAllStringIndex(f.text, -1) {
			s, e := m[0], m[1]
			if s > 0 {
				if r, _ := utf8.DecodeLastRuneInString(f.text[:s]); unicode.IsLetter(r) || unicode.IsDigit(r) {
					continue
				}
			}
			if e < len(f.text) && isDigitByte(f.text[e]) || f.institutionAt(s) {
				continue
			}
			f.add(s, e, Address)
			if k := strings.IndexFunc(f.text[s:e], unicode.IsDigit); k > 0 {
				f.streets[strings.TrimSpace(f.text[s:s+k])] = true
			}
		}
	}
}

// findPostcodes removes "8000 Aarhus C" where it follows a line start, a comma or an address,
// outside institution lines.
func (f *finder) findPostcodes() {
	for _, m := range postcodeRe.FindAllStringIndex(f.text, -1) {
		s, e := m[0], m[1]
		if f.institutionAt(s) || s > 0 && isDigitByte(f.text[s-1]) {
			continue
		}
		before := strings.TrimRight(f.text[:s], " \t\u00a0")
		ok := before == "" || strings.HasSuffix(before, ",") || strings.HasSuffix(before, "\n")
		if !ok {
			for _, sp := range f.spans {
				if sp.cat == Address && sp.end == len(before) {
					ok = true
				}
			}
		}
		if !ok {
			continue
		}
		// "8000 Aarhus C\nJ.nr." must not take the next line; the regexp stops at line ends.
		f.add(s, e, Postcode)
	}
}

// expandNames removes a capitalised word standing right before or after a removed name on the
// same line ("Karen" in "din mor, Karen Bøgh-Larsen"): first names and middle names the
// letter's cue lines did not give. A word that starts a sentence, a title, an institution
// or a known word is left. It reports whether it learnt a new name.
func (f *finder) expandNames() bool {
	learnt := false
	for changed := true; changed; {
		changed = false
		var add []span
		forEachWord(f.text, func(s, e int) {
			w := f.text[s:e]
			if !nameLike(w) || f.covered(s, e) || title(w) || institutionWord(w) || keepWord(w) || particle(w) {
				return
			}
			if sentenceStartAt(f.text, s) && !f.nameEndsAt(s) {
				return
			}
			if f.nameEndsAt(s) || f.nameStartsAt(e) {
				add = append(add, span{s, e, Name})
			}
		})
		for _, a := range add {
			f.spans = append(f.spans, a)
			f.addName(f.text[a.start:a.end])
			changed, learnt = true, true
		}
	}
	return learnt
}

// nameEndsAt reports whether a name span ends one space before s on the same line.
func (f *finder) nameEndsAt(s int) bool {
	for _, sp := range f.spans {
		if sp.cat == Name && sp.end < s && s-sp.end <= 1 && onlyJoiners(f.text[sp.end:s]) {
			return true
		}
	}
	return false
}

// nameStartsAt reports whether a name span starts one space after e on the same line.
func (f *finder) nameStartsAt(e int) bool {
	for _, sp := range f.spans {
		if sp.cat == Name && sp.start > e && sp.start-e <= 1 && onlyJoiners(f.text[e:sp.start]) {
			return true
		}
	}
	return false
}
