package index

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// The word-pair fields hold the same values as fText and fMeta, so analysing them from scratch
// would tokenise and stem every text twice (indexing ran at 876 decisions/s instead of 1,389
// at 100,000). textAnalyzer and pairAnalyzer share that work: both are Bleve's "da" analyzer,
// and whichever of the two sees a value first leaves its tokens in sharedTokens for the other,
// which takes them out; pairAnalyzer then joins adjacent words (pairFilter). Bleve analyses the fields
// of one document in one goroutine, one after the other, so an entry waits only that long.
const (
	// textAnalyzer is "da" (same tokens) for the fields whose values are also paired.
	textAnalyzer = "omgjort_da_text"
	// pairAnalyzer gives the adjacent stemmed word pairs ("læg oplysning").
	pairAnalyzer = "omgjort_da_pairs"
	// pairSep joins the two words of a pair; pairFill stands for a dropped stop word.
	pairSep, pairFill = " ", "_"
	// sharedMax bounds sharedTokens: values analysed by one of the two only (the query
	// builder's match queries on fText, say) are never taken out, so it is emptied when full.
	sharedMax = 1024
)

var sharedTokens = struct {
	sync.Mutex
	m map[string]analysis.TokenStream
}{m: map[string]analysis.TokenStream{}}

// newPairFilter is the pair filter of pairAnalyzer (and of pairTerms, for queries).
func newPairFilter() pairFilter { return pairFilter{} }

// pairFilter joins each word with the next one: "læg oplysning". Stop words between them
// (the positions the stop filter left empty) become a pairFill each, inside the one pair:
// "ret til hjælp" gives "ret _ hjælp". Bleve's shingle filter (min = max = 2) makes the
// fillers pairs of their own ("ret _", "_ hjælp"), so a phrase with a stop word would match a
// document with "ret til …" in one place and "… til hjælp" in another (3.3 times the hits of
// "ret til hjælp" at 100,000); it also allocates five times a token, 6 % of the indexing CPU.
type pairFilter struct{}

func (pairFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	if len(input) < 2 {
		return analysis.TokenStream{}
	}
	size := 0
	for i, t := range input {
		size += 2*len(t.Term) + len(pairSep)
		if i > 0 {
			if gap := t.Position - input[i-1].Position - 1; gap > 0 {
				size += gap * (len(pairFill) + len(pairSep))
			}
		}
	}
	out := make(analysis.TokenStream, len(input)-1)
	toks := make([]analysis.Token, len(input)-1)
	buf := make([]byte, 0, size)
	for i := 1; i < len(input); i++ {
		prev, cur := input[i-1], input[i]
		start := len(buf)
		buf = append(buf, prev.Term...)
		buf = append(buf, pairSep...)
		for range cur.Position - prev.Position - 1 {
			buf = append(buf, pairFill...)
			buf = append(buf, pairSep...)
		}
		buf = append(buf, cur.Term...)
		toks[i-1] = analysis.Token{Term: buf[start:len(buf):len(buf)], Position: prev.Position,
			Start: prev.Start, End: cur.End, Type: analysis.Shingle}
		out[i-1] = &toks[i-1]
	}
	return out
}

type sharingAnalyzer struct {
	da    analysis.Analyzer
	pairs analysis.TokenFilter // nil: the da tokens themselves
}

func (a *sharingAnalyzer) Analyze(input []byte) analysis.TokenStream {
	key := string(input)
	sharedTokens.Lock()
	toks, ok := sharedTokens.m[key]
	if ok {
		delete(sharedTokens.m, key)
	}
	sharedTokens.Unlock()
	if !ok {
		toks = a.da.Analyze(input)
		sharedTokens.Lock()
		if len(sharedTokens.m) >= sharedMax {
			clear(sharedTokens.m)
		}
		sharedTokens.m[key] = cloneTokens(toks)
		sharedTokens.Unlock()
	}
	if a.pairs == nil {
		return toks
	}
	return a.pairs.Filter(toks) // reads toks, makes new tokens
}

// cloneTokens copies toks and their terms, which alias the analysed input (the lowercase
// filter works in place) that belongs to the caller.
func cloneTokens(toks analysis.TokenStream) analysis.TokenStream {
	size := 0
	for _, t := range toks {
		size += len(t.Term)
	}
	buf := make([]byte, 0, size)
	cs := make([]analysis.Token, len(toks))
	out := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		cs[i] = *t
		start := len(buf)
		buf = append(buf, t.Term...)
		cs[i].Term = buf[start:len(buf):len(buf)]
		out[i] = &cs[i]
	}
	return out
}

func init() {
	ctor := func(pairs bool) registry.AnalyzerConstructor {
		return func(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
			an, err := cache.AnalyzerNamed(danishAnalyzer)
			if err != nil {
				return nil, err
			}
			a := &sharingAnalyzer{da: an}
			if pairs {
				a.pairs = newPairFilter()
			}
			return a, nil
		}
	}
	if err := registry.RegisterAnalyzer(textAnalyzer, ctor(false)); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(pairAnalyzer, ctor(true)); err != nil {
		panic(err)
	}
}
