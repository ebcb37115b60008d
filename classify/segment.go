package classify

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentence is one sentence of a case letter, located by byte offsets into the letter.
type sentence struct {
	start, end int
	section    string
	// block numbers the section instances in text order: it grows at every heading, so two
	// sentences with the same block stand under the same heading.
	block  int
	result bool
	// readAs is the section the error and flag rules read the sentence as, when it differs
	// from section (see readUnheaded).
	readAs string
	// unnamed: the sentence stands under a heading no rule names, read as an assessment; such
	// a heading does not make the text one with an assessment section of its own.
	unnamed bool
	// numbered: the sentence stands under a numbered heading ("1. …", "2) …"), which in a
	// letter deciding several things heads one of its sub-decisions.
	numbered bool
	// low is the sentence lower-cased, cut from the text lower-cased once (empty when
	// lower-casing changes the text's length; see lower).
	low string
	// tlow is low transliterated for the rules (translit.go), cut from the text transliterated
	// once; empty as low is.
	tlow string
}

// lower returns the sentence lower-cased.
func (s sentence) lower(text string) string {
	if s.low != "" || s.start == s.end {
		return s.low
	}
	return strings.ToLower(text[s.start:s.end])
}

// ruleText returns the sentence lower-cased and transliterated, as the rules match it.
func (s sentence) ruleText(text string) string {
	if s.tlow != "" || s.start == s.end {
		return s.tlow
	}
	return translit(s.lower(text))
}

// paragraphBreak is a blank line: the separator of paragraphs in Case.Text.
var paragraphBreak = regexp.MustCompile(`\n[ \t\r\x{a0}]*\n(?:[ \t\r\x{a0}]*\n)*`)

// abbreviation reports whether a word (lower case, without the final period) is an
// abbreviation whose period does not end a sentence ("jf. Ankestyrelsens …").
func abbreviation(w string) bool {
	switch w {
	case "jf", "jvf", "nr", "stk", "pkt", "bl.a", "f.eks", "fx", "ca", "mv", "m.v", "m.m",
		"evt", "vedr", "j.nr", "jr", "dvs", "d.v.s", "pga", "p.g.a", "inkl", "ekskl", "tlf",
		"bkg", "lbk", "bek", "iht", "i.h.t", "mht", "m.h.t", "vha", "ift", "i.f.t", "hhv", "kl",
		"ang", "mio", "mia", "mdr", "md", "pr", "o.l", "o.lign", "sml", "tidl", "ff", "jan",
		"feb", "aug", "sep", "sept", "okt", "nov", "dec", "lovbkg", "ovf", "s", "st", "gl", "el",
		"u.s":
		return true
	}
	return false
}

// headingHit is one heading found in a paragraph.
type headingHit struct {
	start, end int // the heading text, relative to the paragraph
	h          *headingRule
}

// segment cuts text into sentences and names the section each stands in. It runs in time
// linear in the length of the text (every regexp is RE2, and each is run once per paragraph).
func (rs *ruleSet) segment(text string) []sentence {
	var out []sentence
	section, block, result := startSection, 0, false
	// Blocks opened by a heading no rule names (unnamedHeading): see sentence.unnamed.
	unnamed := map[int]bool{}
	// Blocks opened by a numbered heading ("1. Tabt arbejdsfortjeneste"): see sentence.numbered.
	numbered := map[int]bool{}
	setSection := func(h *headingRule) {
		section, result = h.section, h.result
		block++
		if h == &unnamedHeading {
			unnamed[block] = true
		}
	}
	// markNumbered records that the heading just set was numbered.
	markNumbered := func(heading string) {
		if headingNumber.MatchString(heading) {
			numbered[block] = true
		}
	}
	start := 0
	breaks := paragraphBreak.FindAllStringIndex(text, -1)
	breaks = append(breaks, []int{len(text), len(text)})
	for _, br := range breaks {
		ps, pe := start, br[0]
		start = br[1]
		for ps < pe && isSpaceByte(text, ps) {
			_, w := utf8.DecodeRuneInString(text[ps:])
			ps += w
		}
		for pe > ps {
			r, w := utf8.DecodeLastRuneInString(text[ps:pe])
			if !unicode.IsSpace(r) && r != '\u00a0' {
				break
			}
			pe -= w
		}
		if ps >= pe {
			continue
		}
		para := text[ps:pe]
		if h := rs.paragraphHeading(para); h != nil {
			setSection(h)
			continue
		}
		if h := genericHeading(para); h != nil {
			setSection(subDecision(h, para, section, result))
			markNumbered(para)
			continue
		}
		// A heading on a line of its own, with its text on the next line ("Konklusion\nAfgørelsen
		// …"): the heading starts the section, and the rest of the paragraph is read in it.
		if nl := strings.IndexByte(para, '\n'); nl > 0 {
			first := strings.TrimRight(para[:nl], " \t\r\u00a0")
			h := rs.paragraphHeading(first)
			if h == nil {
				h = genericHeading(first)
			}
			if h != nil {
				setSection(subDecision(h, first, section, result))
				markNumbered(first)
				ps += nl + 1
				for ps < pe && isSpaceByte(text, ps) {
					_, w := utf8.DecodeRuneInString(text[ps:])
					ps += w
				}
				para = text[ps:pe]
			}
		}
		if principStart.MatchString(para) {
			setSection(&principHeading)
		} else if caseStart.MatchString(para) {
			// "Sag nr. 2, j.nr. …" starts the next concrete case: its text is the case's own,
			// not the principle or the summary before it.
			setSection(&caseStartHeading)
		}
		pos := 0
		for _, hh := range rs.inlineHeadings(para) {
			out = splitSentences(out, text, ps+pos, ps+hh.start, section, block, result)
			setSection(hh.h)
			pos = hh.end
		}
		out = splitSentences(out, text, ps+pos, pe, section, block, result)
	}
	lowered := strings.ToLower(text)
	sameLen := len(lowered) == len(text)
	var tl string
	if sameLen {
		tl = translit(lowered)
	}
	for i := range out {
		out[i].unnamed = unnamed[out[i].block]
		out[i].numbered = numbered[out[i].block]
		if sameLen {
			out[i].low = lowered[out[i].start:out[i].end]
			out[i].tlow = tl[out[i].start:out[i].end]
		}
	}
	return out
}

// isSpaceByte reports whether the rune at i is white space (NBSP included).
func isSpaceByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r) || r == '\u00a0'
}

// paragraphHeading returns the heading rule that matches the whole paragraph, if any.
func (rs *ruleSet) paragraphHeading(para string) *headingRule {
	if len(para) > 120 {
		return nil
	}
	for i := range rs.headings {
		h := &rs.headings[i]
		if h.inline {
			if m := h.re.FindStringSubmatchIndex(para); m != nil && m[2] == 0 && strings.TrimSpace(para[m[3]:]) == "" {
				return h
			}
			continue
		}
		if h.re.MatchString(para) {
			return h
		}
	}
	return nil
}

// inlineHeadings finds the headings inside a paragraph, in order, without overlaps. A heading
// counts only at the start of the paragraph or after white space.
func (rs *ruleSet) inlineHeadings(para string) []headingHit {
	var hits []headingHit
	present := make([]bool, len(rs.headLits))
	rs.headMatch.mark(strings.ToLower(para), present, nil)
	for i := range rs.headings {
		h := &rs.headings[i]
		if !h.inline || !holdsGate(h.gateIDs, present) {
			continue
		}
		for _, m := range h.re.FindAllStringSubmatchIndex(para, -1) {
			hs, he := m[2], m[3]
			if hs > 0 {
				r, _ := utf8.DecodeLastRuneInString(para[:hs])
				if !unicode.IsSpace(r) && r != '\u00a0' {
					continue
				}
			}
			hits = append(hits, headingHit{start: hs, end: he, h: h})
		}
	}
	if len(hits) < 2 {
		return hits
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].start != hits[j].start {
			return hits[i].start < hits[j].start
		}
		return hits[i].end > hits[j].end
	})
	out := hits[:1]
	for _, h := range hits[1:] {
		if h.start >= out[len(out)-1].end {
			out = append(out, h)
		}
	}
	return out
}

// splitSentences appends the sentences of text[from:to] to out. A sentence ends at . ! or ?
// followed by white space and a capital letter (unless the word before the period is a known
// abbreviation), at a line break followed by a capital letter, and before a bullet "•".
func splitSentences(out []sentence, text string, from, to int, section string, block int, result bool) []sentence {
	emit := func(s, e int) {
		// Trim white space and leading bullets.
		for s < e {
			r, w := utf8.DecodeRuneInString(text[s:e])
			if !unicode.IsSpace(r) && r != '\u00a0' && r != '•' {
				// A list's dash: "- Kommunens afgørelse bliver stående."
				if (r == '-' || r == '–' || r == '*') && s+w < e && text[s+w] == ' ' {
					s += w
					continue
				}
				break
			}
			s += w
		}
		for e > s {
			r, w := utf8.DecodeLastRuneInString(text[s:e])
			if !unicode.IsSpace(r) && r != '\u00a0' {
				break
			}
			e -= w
		}
		if s < e {
			out = append(out, sentence{start: s, end: e, section: section, block: block, result: result})
		}
	}
	s := from
	for i := from; i < to; {
		r, w := utf8.DecodeRuneInString(text[i:to])
		switch {
		case r == '•' && i > s:
			emit(s, i)
			s = i
		case r == '.' || r == '!' || r == '?':
			j := i + w
			// Closing quotes and brackets stay with the sentence.
			for j < to {
				c, cw := utf8.DecodeRuneInString(text[j:to])
				if c != '"' && c != '”' && c != '’' && c != ')' && c != '\'' {
					break
				}
				j += cw
			}
			k := j
			for k < to {
				c, cw := utf8.DecodeRuneInString(text[k:to])
				if !unicode.IsSpace(c) && c != '\u00a0' {
					break
				}
				k += cw
			}
			if k == j || k >= to {
				break
			}
			next, _ := utf8.DecodeRuneInString(text[k:to])
			if !(unicode.IsUpper(next) || next == '•' || next == '[' || next == '"' || next == '“' || next == '„' ||
				(strings.Contains(text[j:k], "\n") && listItemAt(text[k:to]))) {
				break
			}
			if r == '.' && isAbbreviation(text[s:i]) {
				break
			}
			emit(s, j)
			s = k
			i = k
			continue
		case r == '\n':
			k := i + w
			for k < to {
				c, cw := utf8.DecodeRuneInString(text[k:to])
				if !unicode.IsSpace(c) && c != '\u00a0' {
					break
				}
				k += cw
			}
			if k < to {
				next, _ := utf8.DecodeRuneInString(text[k:to])
				if unicode.IsUpper(next) || next == '•' || listItemAt(text[k:to]) {
					emit(s, i)
					s = k
					i = k
					continue
				}
			}
		}
		i += w
	}
	emit(s, to)
	return out
}

// listItemAt reports whether rest starts a list item on a new line: a dash or an asterisk and a
// space ("- Sagen om tilbagebetaling skal behandles igen"), or a number with "." or ")" and a
// space ("2. Kommunens afgørelse af …").
// An item in lower case continues the sentence before it ("Du mener, at:\n1. kommunen skulle
// have …"): that is no new sentence.
func listItemAt(rest string) bool {
	upperAt := func(i int) bool {
		r, _ := utf8.DecodeRuneInString(rest[min(i, len(rest)):])
		return unicode.IsUpper(r)
	}
	for _, dash := range []string{"- ", "– ", "* "} {
		if strings.HasPrefix(rest, dash) {
			return upperAt(len(dash))
		}
	}
	n := 0
	for n < len(rest) && n < 3 && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	return n > 0 && n+1 < len(rest) && (rest[n] == '.' || rest[n] == ')') && rest[n+1] == ' ' && upperAt(n+2)
}

// isAbbreviation reports whether the text before a period ends with a known abbreviation.
func isAbbreviation(before string) bool {
	i := len(before)
	for i > 0 {
		r, w := utf8.DecodeLastRuneInString(before[:i])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		i -= w
	}
	word := strings.ToLower(strings.TrimLeft(before[i:], "."))
	return word != "" && abbreviation(word)
}

// genericHeadings are the sections a short heading-like paragraph that no heading rule knows
// is read as, by the words it holds, in order: the first class whose word is in the heading
// wins. Headings vary by office and decade ("Ankestyrelsens bemærkninger", "Vores vurdering",
// "Hvorfor?", "Sagens forløb", "Resultatet af din klage"); their words do not. A word written
// "=word" must be the whole heading.
var genericHeadings = []struct {
	words []string
	h     headingRule
}{
	{[]string{"klagevejledning", "kan du klage", "vil du klage", "sådan klager", "hvis du vil klage", "klageadgang"}, headingRule{section: "klagevejl"}},
	{[]string{"regler", "regel", "lovgrundlag", "lovgivning", "bestemmelser", "praksis"}, headingRule{section: "regler"}},
	{[]string{"resumé", "resume", "sammendrag", "kort fortalt", "=sagen", "=den konkrete sag", "=de konkrete sager", "=principielt", "=principielt:"}, headingRule{section: "resume"}},
	{[]string{"principiel betydning", "principielle betydning"}, headingRule{section: "princip"}},
	{[]string{"love:", "lovgrundlag"}, headingRule{section: "regler"}},
	// "Baggrunden for vores afgørelse" and "Nye oplysninger i sagen" head the reasons, not the
	// retold facts.
	{[]string{"baggrunden for vores", "baggrund for vores", "baggrunden for afgørelsen", "baggrunden for ankestyrelsens", "nye oplysninger"}, headingRule{section: "begrundelse"}},
	{[]string{"sagsfremstilling", "sagens forløb", "baggrund", "oplysninger i sagen", "sagens oplysninger", "faktiske", "sagens omstændigheder", "bygger vi", "grundlaget for"}, headingRule{section: "oplysninger"}},
	{[]string{"mødebehandling", "møde"}, headingRule{section: "moede"}},
	{[]string{"hvad skal", "hvad sker", "det videre forløb", "videre behandling"}, headingRule{section: "instruks"}},
	{[]string{"sagsbehandling", "bemærkning"}, headingRule{section: "bemaerkninger"}},
	{[]string{"konklusion", "resultat"}, headingRule{section: "afgoerelse", result: true}},
	{[]string{"begrundelse", "vurdering", "vurderer", "vægt", "hvorfor", "afgørende", "overvejelser", "præmisser"}, headingRule{section: "begrundelse"}},
	{[]string{"afgørelse", "svar på din klage", "udfald", "besluttet", "har vi afgjort"}, headingRule{section: "afgoerelse", result: true}},
}

// subDecision keeps a result block going through a numbered heading of its own words ("2.
// Træk i din hjælp" under "Ankestyrelsens afgørelse"): in a letter deciding several things each
// sub-decision states its result, and all of them are the letter's result.
func subDecision(h *headingRule, heading, section string, result bool) *headingRule {
	if h == &unnamedHeading && result && headingNumber.MatchString(heading) {
		return &headingRule{section: section, result: true}
	}
	return h
}

// headingNumber is the number before a numbered heading.
var headingNumber = regexp.MustCompile(`^(?:\d{1,2}|[A-H])[.)]\s+`)

// unnamedHeading is what a heading-like paragraph without any word of genericHeadings is read
// as: Ankestyrelsen's own assessment. Offices head their reasons in their own words ("Derfor
// er kravet ikke rigtigt", "Det, vi ikke tager stilling til"); what a letter retells (the
// case, the rules, the appeal guidance) carries the words above.
var unnamedHeading = headingRule{section: "vurdering"}

// genericHeading returns the heading a short paragraph is, when it looks like a heading (at
// most eight words, a capital first letter, no full stop at the end) and holds a word of
// genericHeadings; otherwise nil.
func genericHeading(para string) *headingRule {
	if len(para) > 80 || strings.ContainsAny(para, "\n") {
		return nil
	}
	// A numbered heading ("1. Tabt arbejdsfortjeneste", "2) Merudgifter") is read without its
	// number.
	if m := headingNumber.FindStringIndex(para); m != nil && m[1] < len(para) {
		para = para[m[1]:]
	}
	r, _ := utf8.DecodeRuneInString(para)
	if !unicode.IsUpper(r) || strings.HasSuffix(para, ".") || len(strings.Fields(para)) > 8 {
		return nil
	}
	lower := strings.ToLower(strings.TrimRight(para, ":? "))
	// A sentence without its full stop ("Vi stadfæster afgørelsen") is not a heading.
	ws := words(lower)
	if len(ws) > 0 && actorOf(ws[0].w) != actorNone {
		return nil
	}
	for _, w := range ws {
		if o, _ := outcomeVerb(w.w); o != "" {
			return nil
		}
	}
	if strings.HasPrefix(lower, "kære") || strings.HasPrefix(lower, "sag nr") || strings.HasPrefix(lower, "din ") || strings.HasPrefix(lower, "jeres ") || strings.HasPrefix(lower, "vedr") {
		return nil
	}
	for i := range genericHeadings {
		for _, w := range genericHeadings[i].words {
			// "=word": the whole heading is the word ("Sagen", not "Hvorfor skal kommunen se
			// på sagen igen?").
			if exact, ok := strings.CutPrefix(w, "="); ok {
				if lower == exact {
					return &genericHeadings[i].h
				}
				continue
			}
			if w == "love:" {
				if strings.HasPrefix(strings.ToLower(para), w) {
					return &genericHeadings[i].h
				}
				continue
			}
			// The letter's own appeal guidance is named first ("Klagevejledning", "Kan du
			// klage?"); "Klagevejledning i kommunens brev" is about the first instance.
			if genericHeadings[i].h.section == "klagevejl" {
				// "Klagevejledningen" (definite) heads Ankestyrelsen's remarks on the first
				// instance's appeal guidance.
				if strings.HasPrefix(lower, w) && !strings.Contains(lower, "kommune") && !strings.HasPrefix(lower, "klagevejledningen") {
					return &genericHeadings[i].h
				}
				continue
			}
			if strings.Contains(lower, w) {
				return &genericHeadings[i].h
			}
		}
	}
	// A heading in words of its own: at least two words, no digits, no inner colon ("Dato:
	// 30. juni 2021", "Klager: …"), no keyword line of a principle text ("Kontanthjælp –
	// sanktion – …"), no greeting or signature.
	if len(ws) < 2 || strings.ContainsAny(lower, "0123456789:–—-/") || strings.Contains(lower, "§") {
		return nil
	}
	for _, p := range []string{"til ", "med venlig", "venlig hilsen", "kopi", "afsender", "modtager", "j.nr", "ankestyrelsen", "den sociale ankestyrelse", "det sociale nævn", "beskæftigelses", "principmeddelelse", "principafgørelse"} {
		if strings.HasPrefix(lower, p) {
			return nil
		}
	}
	return &unnamedHeading
}

// principStart opens a paragraph that states the general principle ("Principmeddelelsen
// fastslår, at …") without a heading of its own.
var principStart = regexp.MustCompile(`^Princip(?:meddelelsen|afgørelsen) fastslår(?:[^\p{L}]|$)`)

// caseStart opens a concrete case inside a principle text ("Sag nr. 1, j.nr. …", "Sag nr. 2 –
// j.nr. …", "Sag j.nr. …").
var caseStart = regexp.MustCompile(`^Sag (?:nr\. ?\d+|j\. ?nr\.)`)

// caseStartHeading is the section a concrete case starts in: its opening.
var caseStartHeading = headingRule{section: startSection}

// principHeading is the section of such a paragraph.
var principHeading = headingRule{section: "princip"}
