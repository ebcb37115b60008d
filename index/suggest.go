package index

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"omgjort"
)

// Index can suggest a spelling for a search without hits.
var _ omgjort.Suggester = (*Index)(nil)

// suggestFuzziness is the largest edit distance of a suggested word (Bleve's maximum).
const suggestFuzziness = 2

// Suggest returns the query with each free-text word the index does not know replaced by the
// nearest word it knows ("sygedagpengelovn" → "sygedagpengeloven"): the nearest stem of the
// text's term dictionary, most frequent first, written the way the decisions most often write
// it. Only words of published decisions are suggested, never one that occurs only in the
// municipality's own decisions. It returns "" when every word is known or nothing near is found.
func (x *Index) Suggest(ctx context.Context, q string) (_ string, err error) {
	defer recoverTo(&err, "suggest")
	clauses, err := parseQuery(q)
	if err != nil {
		return "", nil // a malformed query gets its own message, not a suggestion
	}
	an := x.idx.Mapping().AnalyzerNamed(danishAnalyzer)
	if an == nil {
		return "", fmt.Errorf("index: suggest: analyzer missing")
	}
	ai, err := x.idx.Advanced()
	if err != nil {
		return "", fmt.Errorf("index: suggest: %w", err)
	}
	r, err := ai.Reader()
	if err != nil {
		return "", fmt.Errorf("index: suggest: %w", err)
	}
	defer r.Close()
	fuzzy, ok := r.(bindex.IndexReaderFuzzy)
	if !ok {
		return "", nil
	}
	out, changed := q, false
	for _, c := range clauses {
		if c.field != "" || c.occur != occurMust {
			continue
		}
		for _, w := range strings.FieldsFunc(c.value, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
			toks := an.Analyze([]byte(w))
			if len(toks) != 1 || len([]rune(w)) < 4 {
				continue
			}
			stem := string(toks[0].Term)
			if n, err := docFreq(ctx, r, fText, stem); err != nil || n > 0 {
				continue
			}
			var cands []bindex.DictEntry
			dict, err := fuzzy.FieldDictFuzzy(fText, stem, suggestFuzziness, "")
			if err := eachTerm(dict, err, func(de *bindex.DictEntry) { cands = append(cands, *de) }); err != nil {
				return "", fmt.Errorf("index: suggest %q: %w", w, err)
			}
			// Nearest first, then the most frequent; the first with a published decision wins.
			sort.SliceStable(cands, func(i, j int) bool {
				if cands[i].EditDistance != cands[j].EditDistance {
					return cands[i].EditDistance < cands[j].EditDistance
				}
				return cands[i].Count > cands[j].Count
			})
			word := ""
			for _, c := range cands[:min(len(cands), 5)] {
				if word, err = x.surfaceForm(ctx, c.Term); err != nil {
					return "", err
				}
				if word != "" {
					break
				}
			}
			if word != "" && !strings.EqualFold(word, w) {
				out, changed = strings.Replace(out, w, word, 1), true
			}
		}
	}
	if !changed {
		return "", nil
	}
	return out, nil
}

func docFreq(ctx context.Context, r bindex.IndexReader, field, term string) (uint64, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// surfaceForm is the most frequent written form of stem in one published decision that has it
// ("" when only own decisions have it).
func (x *Index) surfaceForm(ctx context.Context, stem string) (string, error) {
	tq := query.NewTermQuery(stem)
	tq.SetField(fText)
	q := query.NewBooleanQuery([]query.Query{tq}, nil, []query.Query{term(fOwn, "1")})
	sr := bleve.NewSearchRequestOptions(q, 1, 0, false)
	sr.Fields = []string{fText}
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil || len(res.Hits) == 0 {
		return "", err
	}
	text, _ := res.Hits[0].Fields[fText].(string)
	an := x.idx.Mapping().AnalyzerNamed(danishAnalyzer)
	counts := map[string]int{}
	best := ""
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		lw := strings.ToLower(w)
		toks := an.Analyze([]byte(lw))
		if len(toks) == 1 && string(toks[0].Term) == stem {
			counts[lw]++
			if counts[lw] > counts[best] {
				best = lw
			}
		}
	}
	return best, nil
}
