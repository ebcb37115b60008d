package omgjort

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ExtractCitations finds the provisions and principmeddelelser a decision's text refers to, so
// legal staff can search by them (`§:19`) and follow them from the decision page. It recognises
//
//   - paragraph citations with their act, as Ankestyrelsen writes them: "forvaltningslovens § 19,
//     stk. 1", "aktivlovens § 13, stk. 7, nr. 2", "§ 5, stk. 3, 2. pkt.", "§ 40 a", "§§ 22-24",
//     "§§ 109 og 110", "§ 110 i serviceloven";
//   - principmeddelelse numbers in the current form after a naming word ("principmeddelelse
//     43-19", "principmeddelelserne 8-25 og 9-25", "principafgørelse 64-13", "SM A-25-04") and
//     in the legacy letter form anywhere ("O-26-96", "C-16-99").
//
// Each distinct citation is returned once, in the order of its first occurrence. Text is the
// citation as written; Act, Paragraph and Number are normalised for comparison and search.
func ExtractCitations(text string) []Citation {
	var out []Citation
	seen := map[string]bool{}
	add := func(c Citation) {
		key := c.Kind + "|" + c.Act + "|" + c.Paragraph + "|" + NormalizeNumber(c.Number)
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, c)
	}
	type found struct {
		at int
		c  Citation
	}
	var all []found
	for i := 0; i < len(text); {
		if strings.HasPrefix(text[i:], "§") {
			c, end, ok := paragraphAt(text, i)
			if ok {
				all = append(all, found{i, c})
				i = end
				continue
			}
			i += len("§")
			continue
		}
		if w, end := wordAt(text, i); w != "" {
			if isDecisionWord(w) {
				for _, c := range decisionsAfter(text, end) {
					all = append(all, found{i, c})
				}
			} else if n, ok := legacyNumber(w); ok && (i == 0 || !isNumberRune(lastRune(text[:i]))) {
				all = append(all, found{i, Citation{Kind: CitationDecision, Text: w, Number: n}})
			}
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	for _, f := range all {
		add(f.c)
	}
	return out
}

// CitationsOf returns the citations in a decision's text, without those of the decision's own
// numbers (a republished decision names the number it was first published under).
func CitationsOf(d *Decision) []Citation {
	own := map[string]bool{NormalizeNumber(d.Number): true, d.ID: true}
	for _, n := range d.Numbers {
		own[NormalizeNumber(n)] = true
	}
	var out []Citation
	for _, c := range ExtractCitations(d.Text()) {
		if c.Kind == CitationDecision && own[NormalizeNumber(c.Number)] {
			continue
		}
		out = append(out, c)
	}
	return out
}

// wordAt returns the token starting at i: letters, digits and inner hyphens ("O-26-96",
// "principmeddelelse"), and the offset after it. It returns "" when i is not at a word start.
func wordAt(text string, i int) (string, int) {
	if i > 0 {
		if r := lastRune(text[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return "", i
		}
	}
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			j += size
			continue
		}
		if (r == '-' || r == '–') && j > i {
			if n, _ := utf8.DecodeRuneInString(text[j+size:]); unicode.IsLetter(n) || unicode.IsDigit(n) {
				j += size
				continue
			}
		}
		break
	}
	return text[i:j], j
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isNumberRune(r rune) bool { return r == '-' || r == '–' || unicode.IsDigit(r) }

// isDecisionWord reports whether w names a published decision, so that a number after it is one.
func isDecisionWord(w string) bool {
	switch strings.ToLower(w) {
	case "principmeddelelse", "principmeddelelsen", "principmeddelelserne", "principmeddelelser",
		"principafgørelse", "principafgørelsen", "principafgørelserne", "principafgørelser", "sm":
		return w != "sm" // "SM" (Sociale Meddelelser) only in capitals
	}
	return false
}

// currentNumber reports whether w is a number like "43-19" or a legacy one like "O-26-96".
func currentNumber(w string) (string, bool) {
	w = strings.ReplaceAll(w, "–", "-")
	if n, ok := legacyNumber(w); ok {
		return n, true
	}
	a, b, ok := strings.Cut(w, "-")
	if !ok || !digits(a, 1, 4) || !digits(b, 2, 2) {
		return "", false
	}
	return w, true
}

// legacyNumber reports whether w is a legacy number: one capital letter, the serial number and a
// two-digit year ("O-26-96", "C-16-99", "A-25-04").
func legacyNumber(w string) (string, bool) {
	w = strings.ReplaceAll(w, "–", "-")
	parts := strings.Split(w, "-")
	if len(parts) != 3 || len(parts[0]) != 1 || parts[0][0] < 'A' || parts[0][0] > 'Z' ||
		!digits(parts[1], 1, 4) || !digits(parts[2], 2, 2) {
		return "", false
	}
	return w, true
}

func digits(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// decisionsAfter reads the numbers after a naming word: "43-19", "nr. 43-19", "8-25 og 9-25",
// "8-25, 9-25 og 11-23".
func decisionsAfter(text string, i int) []Citation {
	var out []Citation
	i = skipSpace(text, i)
	if strings.HasPrefix(text[i:], "nr.") {
		i = skipSpace(text, i+len("nr."))
	}
	for {
		w, end := wordAt(text, i)
		n, ok := currentNumber(w)
		if !ok {
			return out
		}
		out = append(out, Citation{Kind: CitationDecision, Text: w, Number: n})
		i = end
		if k, ok := listSep(text, i); ok {
			if w2, _ := wordAt(text, k); w2 != "" {
				if _, ok := currentNumber(w2); ok {
					i = k
					continue
				}
			}
		}
		return out
	}
}

// listSep skips a list separator (", ", " og ", " eller ") at i and returns the offset after it.
func listSep(text string, i int) (int, bool) {
	j := skipSpace(text, i)
	switch {
	case strings.HasPrefix(text[j:], ","):
		return skipSpace(text, j+1), true
	case j > i && strings.HasPrefix(text[j:], "og "):
		return skipSpace(text, j+len("og ")), true
	case j > i && strings.HasPrefix(text[j:], "eller "):
		return skipSpace(text, j+len("eller ")), true
	}
	return i, false
}

func skipSpace(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// paraNumber reads digits and an optional paragraph letter ("40 a", "40a") at i; it returns the
// normalised form ("40 a") and the offset after it.
func paraNumber(text string, i int) (string, int, bool) {
	j := i
	for j < len(text) && text[j] >= '0' && text[j] <= '9' {
		j++
	}
	if j == i || j-i > 4 {
		return "", i, false
	}
	num := text[i:j]
	// A letter suffix: one lower-case letter standing alone ("§ 40 a", "§ 40a,"). The word "i"
	// ("§ 10 i serviceloven") is a preposition unless punctuation follows it.
	k := j
	if k < len(text) && text[k] == ' ' {
		k++
	}
	if k < len(text) && text[k] >= 'a' && text[k] <= 'z' {
		next, _ := utf8.DecodeRuneInString(text[k+1:])
		alone := k+1 >= len(text) || !(unicode.IsLetter(next) || unicode.IsDigit(next))
		if alone && (text[k] != 'i' || strings.ContainsRune(",.;)", next)) {
			return num + " " + text[k:k+1], k + 1, true
		}
	}
	return num, j, true
}

// paragraphAt reads a paragraph citation whose "§" is at i, with the act before it
// ("forvaltningslovens § 19") or after it ("§ 110 i serviceloven").
func paragraphAt(text string, i int) (Citation, int, bool) {
	j := i + len("§")
	double := strings.HasPrefix(text[j:], "§")
	if double {
		j += len("§")
	}
	j = skipSpace(text, j)
	first, end, ok := paraNumber(text, j)
	if !ok {
		return Citation{}, i, false
	}
	var b strings.Builder
	if double {
		b.WriteString("§§ ")
	} else {
		b.WriteString("§ ")
	}
	b.WriteString(first)
	j = end
	if double {
		// "§§ 22-24", "§§ 22 og 24", "§§ 22, 23 og 24", "§§ 3-6".
		for {
			k := skipSpace(text, j)
			sep := ""
			switch {
			case strings.HasPrefix(text[k:], "-"):
				sep, k = "-", k+1
			case strings.HasPrefix(text[k:], "–"):
				sep, k = "-", k+len("–")
			case strings.HasPrefix(text[k:], ","):
				sep, k = ", ", k+1
			case k > j && strings.HasPrefix(text[k:], "og "):
				sep, k = " og ", k+len("og ")
			case k > j && strings.HasPrefix(text[k:], "eller "):
				sep, k = " eller ", k+len("eller ")
			}
			if sep == "" {
				break
			}
			n, e, ok := paraNumber(text, skipSpace(text, k))
			if !ok {
				break
			}
			b.WriteString(sep)
			b.WriteString(n)
			j = e
		}
	}
	// Qualifiers: ", stk. 1", ", nr. 2", ", 2. pkt.", ", litra a", in any order, with lists.
	for {
		k := skipSpace(text, j)
		comma := strings.HasPrefix(text[k:], ",")
		if comma {
			k = skipSpace(text, k+1)
		}
		var part string
		var e int
		switch {
		case strings.HasPrefix(text[k:], "stk."):
			part, e = qualifier(text, k, "stk.")
		case strings.HasPrefix(text[k:], "nr."):
			part, e = qualifier(text, k, "nr.")
		case strings.HasPrefix(text[k:], "litra "):
			if k+7 <= len(text) && text[k+6] >= 'a' && text[k+6] <= 'z' {
				part, e = "litra "+text[k+6:k+7], k+7
			}
		default:
			// "2. pkt."
			d := k
			for d < len(text) && text[d] >= '0' && text[d] <= '9' {
				d++
			}
			if d > k && strings.HasPrefix(text[d:], ". pkt.") {
				part, e = text[k:d]+". pkt.", d+len(". pkt.")
			}
		}
		if part == "" {
			break
		}
		b.WriteString(", ")
		b.WriteString(part)
		j = e
	}
	c := Citation{Kind: CitationParagraph, Paragraph: b.String()}
	start := i
	if act, at := actBefore(text, i); act != "" {
		c.Act, start = act, at
	}
	endText := j
	if c.Act == "" {
		if act, e := actAfter(text, j); act != "" {
			c.Act, endText = act, e
		}
	}
	c.Text = strings.TrimSpace(text[start:endText])
	return c, j, true
}

// qualifier reads "stk. 1", "stk. 1 og 2", "stk. 1-3", "nr. 2" at k.
func qualifier(text string, k int, word string) (string, int) {
	j := skipSpace(text, k+len(word))
	n, e, ok := paraNumber(text, j)
	if !ok {
		return "", k
	}
	out := word + " " + n
	for {
		m := skipSpace(text, e)
		sep := ""
		switch {
		case strings.HasPrefix(text[m:], "-"):
			sep, m = "-", m+1
		case strings.HasPrefix(text[m:], "–"):
			sep, m = "-", m+len("–")
		case m > e && strings.HasPrefix(text[m:], "og "):
			sep, m = " og ", m+len("og ")
		}
		if sep == "" {
			return out, e
		}
		n2, e2, ok := paraNumber(text, skipSpace(text, m))
		// "stk. 1 og 2. pkt." is stk. 1 and a pkt., not stk. 1 and 2.
		if !ok || strings.HasPrefix(text[e2:], ". pkt") {
			return out, e
		}
		out += sep + n2
		e = e2
	}
}

// actSuffixes are the genitive endings of an act's name before "§" and their base forms.
var actSuffixes = []struct{ gen, base string }{
	{"lovens", "loven"}, {"lovs", "lov"}, {"bekendtgørelsens", "bekendtgørelsen"}, {"lovbekendtgørelsens", "lovbekendtgørelsen"},
}

// actBefore finds the act named right before "§" at i ("forvaltningslovens § 19"); it returns
// the normalised act ("forvaltningsloven") and where its name starts.
func actBefore(text string, i int) (string, int) {
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if !unicode.IsSpace(r) {
			break
		}
		j -= size
	}
	k := j
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:k])
		if !unicode.IsLetter(r) && r != '-' {
			break
		}
		k -= size
	}
	w := strings.ToLower(text[k:j])
	if w == "lov" || w == "lovs" {
		// "barnets lov § 5": the act's name is two words.
		if prev, at := wordBefore(text, k); strings.ToLower(prev) == "barnets" {
			return "barnets lov", at
		}
	}
	for _, s := range actSuffixes {
		if strings.HasSuffix(w, s.gen) && len(w) > len(s.gen) {
			return strings.TrimSuffix(w, s.gen) + s.base, k
		}
	}
	return "", i
}

// wordBefore returns the word ending before the spaces before k, and where it starts.
func wordBefore(text string, k int) (string, int) {
	j := k
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if !unicode.IsSpace(r) {
			break
		}
		j -= size
	}
	i := j
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsLetter(r) {
			break
		}
		i -= size
	}
	return text[i:j], i
}

// actAfter finds "i <act>" right after a paragraph ("§ 110 i serviceloven").
func actAfter(text string, j int) (string, int) {
	k := skipSpace(text, j)
	if k == j || !strings.HasPrefix(text[k:], "i ") {
		return "", j
	}
	w, e := wordAt(text, skipSpace(text, k+2))
	lw := strings.ToLower(w)
	if strings.HasSuffix(lw, "loven") && len(lw) > len("loven") {
		return lw, e
	}
	return "", j
}
