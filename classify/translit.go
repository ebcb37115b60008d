package classify

import "strings"

// Go's regexp treats \b as an ASCII word boundary: "æ", "ø" and "å" are not word characters to
// it, so a pattern such as `\bændrer` or `(?:søge|få)\b` silently never matches at a word's edge.
// The rules are therefore matched on a transliteration in which each Danish letter becomes two
// ASCII letters of the same byte length (æ → ae, ø → oe, å → aa): \b then falls where a reader
// sees a word boundary, and every byte offset of a match is an offset in the sentence as written.
// The patterns of rules.txt are transliterated the same way when they are compiled.

// danishLetters maps each two-byte Danish letter to its two ASCII letters.
var danishLetters = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", "Æ", "AE", "Ø", "OE", "Å", "AA")

// translit returns s with its Danish letters as ASCII pairs, byte for byte as long as s.
func translit(s string) string {
	if strings.IndexByte(s, 0xC3) < 0 {
		return s
	}
	return danishLetters.Replace(s)
}

// translitPattern transliterates the literal Danish letters of a regular expression as translit
// does the text. Escapes are kept as written. A character class that names Danish letters
// becomes an alternation ("[Ææ]ndring" → "(?:[E]|AE|ae)ndring" in effect); in a negated class,
// where that cannot be said, a Danish letter stands for its first ASCII letter.
func translitPattern(p string) string {
	if strings.IndexByte(p, 0xC3) < 0 {
		return p
	}
	var b strings.Builder
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs):
			b.WriteRune(r)
			i++
			b.WriteRune(rs[i])
			if (rs[i] == 'p' || rs[i] == 'P') && i+1 < len(rs) && rs[i+1] == '{' {
				for i+1 < len(rs) && rs[i] != '}' {
					i++
					b.WriteRune(rs[i])
				}
			}
			continue
		case r == '[':
			// Read the class to its closing bracket.
			j := i + 1
			if j < len(rs) && rs[j] == '^' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				if rs[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(rs) {
				b.WriteString(string(rs[i:]))
				return b.String()
			}
			b.WriteString(translitClass(string(rs[i : j+1])))
			i = j
			continue
		}
		b.WriteString(danishLetters.Replace(string(r)))
	}
	return b.String()
}

// translitClass transliterates one character class "[…]" of a pattern.
func translitClass(class string) string {
	if strings.IndexByte(class, 0xC3) < 0 {
		return class
	}
	negated := strings.HasPrefix(class, "[^")
	var rest strings.Builder
	var pairs []string
	for _, r := range class[1 : len(class)-1] {
		pair := danishLetters.Replace(string(r))
		if len(pair) == 2 && pair != string(r) {
			if negated {
				rest.WriteByte(pair[0])
			} else {
				pairs = append(pairs, pair)
			}
			continue
		}
		rest.WriteRune(r)
	}
	if negated {
		return "[" + rest.String() + "]"
	}
	alts := pairs
	if body := rest.String(); body != "" {
		alts = append([]string{"[" + body + "]"}, pairs...)
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// translitPatterns is translitPattern for each pattern.
func translitPatterns(pats []string) []string {
	out := make([]string, len(pats))
	for i, p := range pats {
		out[i] = translitPattern(p)
	}
	return out
}
