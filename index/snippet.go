package index

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Snippets. Bleve's highlighter needs the term positions of the text (term vectors, a fifth of
// the index) and a second search of the query restricted to the page's hits, which cost a
// quarter of a search's CPU at 100,000 decisions. The words to mark are known from the query
// box, so the snippet is found in the stored text directly: every place a query word's stem
// starts a word is checked by stemming that word with the index's own Danish analyzer, and a
// phrase is marked only where its words stand in order (a stop word inside it standing for
// any one word, as in Bleve's phrase query).

// snippetRunes is the length of a snippet in characters (Bleve's fragment size).
const snippetRunes = 200

// snippetSep marks text cut off before or after a snippet.
const snippetSep = "…"

// marker finds the query's words in a text.
type marker struct {
	an analysis.Analyzer
	// words are the stems of single free-text words; phrases the stems of phrases (and of
	// tokens that split into several words), with their positions relative to the first.
	words   map[string]bool
	phrases [][]phraseWord
	// stems are all the stems, to find where a word may start.
	stems []string
	// memo caches the stem of each word met (lowercased), "" for a stop word.
	memo map[string]string
}

type phraseWord struct {
	off  int
	stem string
}

// newMarker returns the marker of the free-text clauses of a query that are not negated, or nil
// when there is nothing to mark.
func newMarker(an analysis.Analyzer, clauses []clause) *marker {
	m := &marker{an: an, words: map[string]bool{}, memo: map[string]string{}}
	seen := map[string]bool{}
	addStem := func(s string) {
		if !seen[s] {
			seen[s] = true
			m.stems = append(m.stems, s)
		}
	}
	for _, c := range clauses {
		if c.field != "" || c.occur == occurMustNot {
			continue
		}
		toks := an.Analyze([]byte(c.value))
		switch {
		case len(toks) == 0:
		case len(toks) == 1 && !c.phrase:
			s := string(toks[0].Term)
			m.words[s] = true
			addStem(s)
		default:
			var ph []phraseWord
			for _, t := range toks {
				ph = append(ph, phraseWord{off: t.Position - toks[0].Position, stem: string(t.Term)})
				addStem(string(t.Term))
			}
			m.phrases = append(m.phrases, ph)
		}
	}
	if len(m.stems) == 0 {
		return nil
	}
	return m
}

// span is a marked word: byte offsets into the text, and the stem it matched.
type span struct {
	start, end int
	stem       string
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// wordEnd returns the end of the word starting at i.
func wordEnd(text string, i int) int {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			break
		}
		i += n
	}
	return i
}

// nextWord returns the next word at or after i: its start and end, or -1.
func nextWord(text string, i int) (int, int) {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			return i, wordEnd(text, i)
		}
		i += n
	}
	return -1, -1
}

// stem returns the stem of one word as the index analysed it, "" for a stop word.
func (m *marker) stem(word string) string {
	w := strings.ToLower(word)
	if s, ok := m.memo[w]; ok {
		return s
	}
	s := ""
	if toks := m.an.Analyze([]byte(w)); len(toks) == 1 {
		s = string(toks[0].Term)
	}
	m.memo[w] = s
	return s
}

// find returns the marked words of text, in order.
func (m *marker) find(text string) []span {
	var out []span
	seen := map[int]bool{}
	for _, st := range m.stems {
		// A word starting with the stem, in lower case or capitalised (the stemmer only takes
		// letters off a word's end, so a word's stem is a prefix of it).
		needles := []string{st}
		if c := capitalise(st); c != st {
			needles = append(needles, c)
		}
		for _, needle := range needles {
			for i := 0; ; {
				j := strings.Index(text[i:], needle)
				if j < 0 {
					break
				}
				start := i + j
				i = start + len(needle)
				if seen[start] {
					continue
				}
				if start > 0 {
					if r, _ := utf8.DecodeLastRuneInString(text[:start]); isWordRune(r) {
						continue
					}
				}
				end := wordEnd(text, start)
				s := m.stem(text[start:end])
				if s == "" {
					continue
				}
				if m.words[s] {
					seen[start] = true
					out = append(out, span{start, end, s})
				}
				for _, ph := range m.phrases {
					if ph[0].stem != s {
						continue
					}
					if sp, ok := m.phraseAt(text, start, end, ph); ok {
						for _, w := range sp {
							if !seen[w.start] {
								seen[w.start] = true
								out = append(out, w)
							}
						}
					}
				}
			}
		}
	}
	sortSpans(out)
	return out
}

// phraseAt checks that the words of ph follow the word at [start, end) at their positions.
func (m *marker) phraseAt(text string, start, end int, ph []phraseWord) ([]span, bool) {
	out := []span{{start, end, ph[0].stem}}
	pos, i := 0, end
	for _, w := range ph[1:] {
		var ws, we int
		for pos < w.off {
			ws, we = nextWord(text, i)
			if ws < 0 {
				return nil, false
			}
			i = we
			pos++
		}
		if m.stem(text[ws:we]) != w.stem {
			return nil, false
		}
		out = append(out, span{ws, we, w.stem})
	}
	return out, true
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func sortSpans(s []span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].start < s[j-1].start; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// snippet returns the best passage of text, about snippetRunes characters, HTML-escaped with
// the query's words in <mark>, or "" when no word of the query is in text. The best passage
// has the most distinct query words, then the most marked words, then comes first.
func (m *marker) snippet(text string) string {
	spans := m.find(text)
	if len(spans) == 0 {
		return ""
	}
	best, bestLast, used := bestWindow(text, spans)
	// Centre the marked words in the snippet, on word boundaries.
	spare := max(0, snippetRunes-used)
	start := spans[best].start
	for back := spare / 2; back > 0 && start > 0; back-- {
		_, n := utf8.DecodeLastRuneInString(text[:start])
		start -= n
	}
	if start > 0 {
		// Do not start inside a word: move to the next word's start.
		if r, _ := utf8.DecodeLastRuneInString(text[:start]); isWordRune(r) {
			if ws, _ := nextWord(text, wordEnd(text, start)); ws >= 0 && ws <= spans[best].start {
				start = ws
			} else {
				start = spans[best].start
			}
		}
	}
	end := start
	for n := 0; n < snippetRunes && end < len(text); n++ {
		_, w := utf8.DecodeRuneInString(text[end:])
		end += w
	}
	if end < spans[bestLast].end {
		end = spans[bestLast].end
	}
	if end < len(text) {
		// Do not end inside a word.
		if r, _ := utf8.DecodeRuneInString(text[end:]); isWordRune(r) {
			if e := strings.LastIndexFunc(text[start:end], func(r rune) bool { return !isWordRune(r) }); e > 0 && start+e >= spans[bestLast].end {
				end = start + e
			} else {
				end = wordEnd(text, end)
			}
		}
	}
	var b strings.Builder
	b.Grow(end - start + 64)
	if start > 0 {
		b.WriteString(snippetSep)
	}
	at := start
	for _, s := range spans {
		if s.start < start || s.end > end {
			continue
		}
		b.WriteString(html.EscapeString(text[at:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
	}
	b.WriteString(html.EscapeString(text[at:end]))
	if end < len(text) {
		b.WriteString(snippetSep)
	}
	return b.String()
}

// bestWindow picks the passage of at most snippetRunes characters with the most distinct query
// words, then the most marked words, then the first: the indices of its first and last marked
// word in spans (in text order) and its length in characters.
func bestWindow(text string, spans []span) (best, last, used int) {
	// The character offsets of the marked words, counted once through the text (they come
	// in text order), so a window's length is a subtraction.
	runeStart, runeEnd := make([]int, len(spans)), make([]int, len(spans))
	at, runes := 0, 0
	for k, s := range spans {
		if s.start < at {
			at, runes = 0, 0 // overlapping words: count from the start (never seen)
		}
		if gap := s.start - at; gap > utf8.UTFMax*snippetRunes {
			// More characters apart than a window holds, whatever their bytes: no window
			// spans the gap, so it need not be counted exactly.
			runes += gap
		} else {
			runes += utf8.RuneCountInString(text[at:s.start])
		}
		runeStart[k] = runes
		runes += utf8.RuneCountInString(text[s.start:s.end])
		runeEnd[k], at = runes, s.end
	}
	// Windows of at most snippetRunes characters starting at each marked word.
	best, bestDistinct, bestCount, bestLast := -1, 0, 0, 0
	var distinct []string // the stems of a window: a few
	for i := range spans {
		distinct = distinct[:0]
		last := i
		for j := i; j < len(spans); j++ {
			if j > i && runeEnd[j]-runeStart[i] > snippetRunes {
				break
			}
			if !slices.Contains(distinct, spans[j].stem) {
				distinct = append(distinct, spans[j].stem)
			}
			last = j
		}
		if d, c := len(distinct), last-i+1; d > bestDistinct || (d == bestDistinct && c > bestCount) {
			best, bestDistinct, bestCount, bestLast = i, d, c, last
		}
	}
	return best, bestLast, runeEnd[bestLast] - runeStart[best]
}
