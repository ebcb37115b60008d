package index

import (
	_ "embed"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"omgjort"
)

// The legal thesaurus: groups of words and phrases that mean the same to legal staff
// (thesaurus.txt, and the acts of omgjort.Acts with their long names and abbreviations). A run
// of free-text words in the query box (or a quoted phrase) that is a member of a group is
// searched as any member of the group: "sdp" finds "sygedagpenge", "LAS" and "lov om aktiv
// socialpolitik" find "aktivloven". Members are compared after the Danish analysis, so their
// inflections match too.

//go:embed thesaurus.txt
var thesaurusFile string

// maxThesaurusWords bounds the words of a member ("lov om retssikkerhed og administration på
// det sociale område" has six after the stop words).
const maxThesaurusWords = 8

// thesaurus maps a member's analysed words (stems joined by " ") to its group's members as
// written.
type thesaurus map[string][]string

// thesaurusGroups returns the groups of thesaurus.txt and of the acts.
func thesaurusGroups() [][]string {
	var out [][]string
	for _, line := range strings.Split(thesaurusFile, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var g []string
		for _, m := range strings.Split(line, "|") {
			if m = strings.TrimSpace(m); m != "" {
				g = append(g, m)
			}
		}
		if len(g) > 1 {
			out = append(out, g)
		}
	}
	for _, a := range omgjort.Acts {
		g := append([]string{a.Key}, a.Names...)
		g = append(g, a.Abbrevs...)
		if len(g) > 1 {
			out = append(out, g)
		}
	}
	return out
}

// newThesaurus analyses every member with an (the index's Danish analyzer). A member in two
// groups gets the members of both.
func newThesaurus(an analysis.Analyzer) thesaurus {
	t := thesaurus{}
	for _, g := range thesaurusGroups() {
		for _, m := range g {
			k := stemKey(an, m)
			if k == "" {
				continue
			}
			for _, x := range g {
				if !containsString(t[k], x) {
					t[k] = append(t[k], x)
				}
			}
		}
	}
	return t
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// stemKey is the analysed form of s: its stems joined by " ".
func stemKey(an analysis.Analyzer, s string) string {
	toks := an.Analyze([]byte(s))
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = string(t.Term)
	}
	return strings.Join(parts, " ")
}

// expand replaces each run of plain free-text words (or a quoted phrase) that is a thesaurus
// member by one clause searching any member of its group, the longest run first.
func (t thesaurus) expand(an analysis.Analyzer, cs []clause) []clause {
	plain := func(c clause) bool { return c.field == "" && c.occur == occurMust && !c.phrase }
	var out []clause
	for i := 0; i < len(cs); {
		c := cs[i]
		if c.field == "" && c.occur == occurMust && c.phrase {
			if g, ok := t[stemKey(an, c.value)]; ok {
				c.synonyms = g
			}
			out = append(out, c)
			i++
			continue
		}
		if !plain(c) {
			out = append(out, c)
			i++
			continue
		}
		matched := false
		for j := min(len(cs), i+maxThesaurusWords); j > i; j-- {
			run := cs[i:j]
			ok := true
			words := make([]string, 0, len(run))
			for _, r := range run {
				if !plain(r) {
					ok = false
					break
				}
				words = append(words, r.value)
			}
			if !ok {
				continue
			}
			value := strings.Join(words, " ")
			k := stemKey(an, value)
			if g, found := t[k]; found && k != "" {
				out = append(out, clause{occur: occurMust, value: value, phrase: j-i > 1, synonyms: g})
				i, matched = j, true
				break
			}
		}
		if !matched {
			out = append(out, c)
			i++
		}
	}
	return out
}

// markClauses flattens the synonym clauses, so snippets mark whichever member a decision has.
func markClauses(cs []clause) []clause {
	var out []clause
	for _, c := range cs {
		if len(c.synonyms) == 0 {
			out = append(out, c)
			continue
		}
		for _, s := range c.synonyms {
			out = append(out, clause{occur: c.occur, value: s, phrase: strings.Contains(strings.TrimSpace(s), " ")})
		}
	}
	return out
}
