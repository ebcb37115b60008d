package index

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/da"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/danish"
)

// danishAnalyzer is Bleve's "da" analyzer (unicode tokens, lower case, Danish stop words,
// Snowball stemming) with the stem exceptions of stems.txt: Snowball makes "læge" (doctor) and
// "lægger" (puts) the same word "læg", so a search for "læge" found every "Vi lægger vægt på".
const danishAnalyzer = "omgjort_da"

//go:embed stems.txt
var stemsFile string

// stemExceptions maps a word form to the stem it is indexed and searched as (stems.txt).
var stemExceptions = parseStems(stemsFile)

// parseStems reads "stem: form form …" lines; "#" starts a comment.
func parseStems(s string) map[string]string {
	out := map[string]string{}
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		stem, forms, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(stem) == "" {
			panic(fmt.Sprintf("index: stems.txt line %d: want \"stem: form …\", got %q", n+1, line))
		}
		for _, f := range strings.Fields(forms) {
			out[strings.ToLower(f)] = strings.TrimSpace(stem)
		}
	}
	return out
}

// stemFilter stems Danish words with Snowball, except the forms in stemExceptions.
type stemFilter struct{ exceptions map[string]string }

func (f stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if s, ok := f.exceptions[string(t.Term)]; ok {
			t.Term = []byte(s)
			continue
		}
		env := snowballstem.NewEnv(string(t.Term))
		danish.Stem(env)
		t.Term = []byte(env.Current())
	}
	return input
}

func init() {
	err := registry.RegisterAnalyzer(danishAnalyzer, func(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(unicode.Name)
		if err != nil {
			return nil, err
		}
		lower, err := cache.TokenFilterNamed(lowercase.Name)
		if err != nil {
			return nil, err
		}
		stop, err := cache.TokenFilterNamed(da.StopName)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{lower, stop, stemFilter{stemExceptions}}}, nil
	})
	if err != nil {
		panic(err)
	}
}
