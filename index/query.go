package index

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"omgjort"
)

// The query box syntax is parsed here rather than handed to Bleve's query-string parser, which
// is lenient in some places, fails lazily with English messages in others, and knows nothing of
// Danish field names. The rules:
//
//   - Words are ANDed: every word must occur (in title, text, holding, law or keyword). Legal staff
//     narrow a search by adding words, and an OR search ranks noise above a precise hit.
//   - Words are stemmed in Danish, so "afgørelser" also finds "afgørelsen". Danish stop words
//     ("og", "om" …) are dropped rather than required.
//   - "a phrase" must occur as written (stemmed, in order).
//   - +word is the same as word; -word and -"a phrase" exclude.
//   - field:value and field:"value" search one field; the fields are the Danish aliases below.
//   - A bare decision number ("17-25", "O-26-96") also finds the decision with that number.
//
// Errors are *omgjort.QueryError with a Danish message that says what to fix.

// maxQueryLen caps the query box, so a pasted document cannot make a huge query.
const maxQueryLen = 1000

type occur int

const (
	occurMust occur = iota
	occurMustNot
)

// clause is one parsed element of the query box.
type clause struct {
	occur  occur
	field  string // canonical field key (see fieldAliases), "" for free text
	alias  string // the field name as the user wrote it, for messages
	value  string
	phrase bool
}

// fieldAliases maps what the user may write before ":" to a canonical field key.
var fieldAliases = map[string]string{
	"lov": "law", "law": "law",
	"udfald": "outcome", "outcome": "outcome",
	"fejl": "errors", "errors": "errors",
	"§": "paragraphs", "paragraf": "paragraphs",
	"år": "year", "aar": "year", "year": "year",
	"nr": "number", "number": "number",
	"status": "status",
	"emne":   "keyword",
	"titel":  "title", "title": "title",
	"citerer": "cites",
}

const aliasHelp = "lov:, udfald:, fejl:, §:, år:, nr:, status:, emne:, titel: eller citerer:"

func queryError(msg string, err error) error {
	return &omgjort.QueryError{Message: msg, Err: err}
}

// parseQuery splits the query box into clauses; it checks the syntax only.
func parseQuery(s string) ([]clause, error) {
	if len([]rune(s)) > maxQueryLen {
		return nil, queryError(fmt.Sprintf("Søgningen er for lang. Brug højst %d tegn.", maxQueryLen), errors.New("query too long"))
	}
	r := []rune(s)
	var out []clause
	i := 0
	for {
		for i < len(r) && unicode.IsSpace(r[i]) {
			i++
		}
		if i >= len(r) {
			return out, nil
		}
		c := clause{occur: occurMust}
		if r[i] == '+' || r[i] == '-' {
			op := r[i]
			if op == '-' {
				c.occur = occurMustNot
			}
			i++
			if i >= len(r) || unicode.IsSpace(r[i]) || r[i] == '+' || r[i] == '-' {
				return nil, queryError(fmt.Sprintf("Søgningen har et %q, der ikke står lige foran et ord. Skriv det tæt foran ordet (fx %ckontanthjælp) eller fjern det.", string(op), op),
					fmt.Errorf("lone %q operator", string(op)))
			}
		}
		// field:value — a field name is letters (or §) directly followed by ':'.
		j := i
		for j < len(r) && (unicode.IsLetter(r[j]) || r[j] == '§') {
			j++
		}
		if j > i && j < len(r) && r[j] == ':' {
			name := strings.ToLower(string(r[i:j]))
			key, ok := fieldAliases[name]
			if !ok {
				return nil, queryError(fmt.Sprintf("Søgefeltet %q findes ikke. Brug %s – eller sæt ordet i citationstegn, hvis kolonet er en del af teksten.", name+":", aliasHelp),
					fmt.Errorf("unknown field %q", name))
			}
			c.field, c.alias = key, name
			i = j + 1
			if i >= len(r) || unicode.IsSpace(r[i]) {
				return nil, queryError(fmt.Sprintf("Feltet %q mangler en værdi. Skriv værdien lige efter kolonet, fx %s.", name+":", example(key)),
					fmt.Errorf("field %q without value", name))
			}
		}
		if r[i] == '"' {
			end := i + 1
			for end < len(r) && r[end] != '"' {
				end++
			}
			if end >= len(r) {
				return nil, queryError("Søgningen har et citationstegn, der ikke er lukket. Tilføj det afsluttende \".", errors.New("unterminated quote"))
			}
			c.value, c.phrase = strings.TrimSpace(string(r[i+1:end])), true
			i = end + 1
			if c.value == "" {
				if c.field != "" {
					return nil, queryError(fmt.Sprintf("Feltet %q mangler en værdi mellem citationstegnene, fx %s.", c.alias+":", example(c.field)),
						fmt.Errorf("field %q with empty phrase", c.alias))
				}
				continue // "" alone searches for nothing: ignore it
			}
		} else {
			end := i
			for end < len(r) && !unicode.IsSpace(r[end]) && r[end] != '"' {
				end++
			}
			c.value = string(r[i:end])
			i = end
		}
		out = append(out, c)
	}
}

func example(field string) string {
	switch field {
	case "law":
		return "lov:aktivloven"
	case "outcome":
		return "udfald:hjemvist"
	case "errors":
		return "fejl:partshøring"
	case "paragraphs":
		return "§:47"
	case "year":
		return "år:2024"
	case "number":
		return "nr:17-25"
	case "status":
		return "status:gældende"
	case "keyword":
		return "emne:fleksjob"
	case "title":
		return "titel:kontanthjælp"
	case "cites":
		return "citerer:43-19"
	}
	return field + ":…"
}

// fold lowercases and spells æ, ø, å as in the slugs, so "Ændret", "aendret" and "ændret" compare
// equal, and turns spaces and hyphens into "_" ("konkret vurdering" → "konkret_vurdering").
func fold(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", " ", "_", "-", "_").Replace(s)
}

// outcomeValues resolves an outcome slug or Danish name; "omgjort" means every reversed outcome.
func outcomeValues(v string) ([]string, bool) {
	f := fold(v)
	if f == "omgjort" || f == "omgjorte" {
		var out []string
		for _, o := range omgjort.Outcomes {
			if o.Reversed() {
				out = append(out, string(o))
			}
		}
		return out, true
	}
	for _, o := range omgjort.Outcomes {
		if f == string(o) || f == fold(o.Label()) {
			return []string{string(o)}, true
		}
	}
	return nil, false
}

// errorValue resolves an error-type slug or Danish name.
func errorValue(v string) (string, bool) {
	f := fold(v)
	for _, e := range omgjort.ErrorTypes {
		if f == string(e) || f == fold(e.Label()) {
			return string(e), true
		}
	}
	return "", false
}

// statusValue resolves a status slug or Danish name.
func statusValue(v string) (string, bool) {
	f := fold(v)
	for _, s := range []omgjort.Status{omgjort.StatusGaeldende, omgjort.StatusHistorisk} {
		if f == string(s) || f == fold(s.Label()) {
			return string(s), true
		}
	}
	return "", false
}

// parseYears reads "2024", "2020..2024", "2020..", "..2024", ">=2020", ">2020", "<=2024",
// "<2024" into an inclusive range; nil bounds are open.
func parseYears(v string) (lo, hi *int, ok bool) {
	atoi := func(s string) (*int, bool) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 9999 {
			return nil, false
		}
		return &n, true
	}
	plus := func(p *int, d int) *int { n := *p + d; return &n }
	switch {
	case strings.Contains(v, ".."):
		a, b, _ := strings.Cut(v, "..")
		if a == "" && b == "" {
			return nil, nil, false
		}
		if a != "" {
			if lo, ok = atoi(a); !ok {
				return nil, nil, false
			}
		}
		if b != "" {
			if hi, ok = atoi(b); !ok {
				return nil, nil, false
			}
		}
		if lo != nil && hi != nil && *lo > *hi {
			return nil, nil, false
		}
		return lo, hi, true
	case strings.HasPrefix(v, ">="):
		lo, ok = atoi(v[2:])
		return lo, nil, ok
	case strings.HasPrefix(v, "<="):
		hi, ok = atoi(v[2:])
		return nil, hi, ok
	case strings.HasPrefix(v, ">"):
		if lo, ok = atoi(v[1:]); ok {
			lo = plus(lo, 1)
		}
		return lo, nil, ok
	case strings.HasPrefix(v, "<"):
		if hi, ok = atoi(v[1:]); ok {
			hi = plus(hi, -1)
		}
		return nil, hi, ok
	}
	lo, ok = atoi(v)
	return lo, lo, ok
}

// yearTerms matches the years from lo to hi (either may be open) among the years present in
// the index: a disjunction of year terms, so that the fast path (fastscore.go) can take it as a
// set. Without any year in the range it matches nothing.
func yearTerms(lo, hi *int, present []int) query.Query {
	var qs []query.Query
	for _, y := range present {
		if (lo == nil || y >= *lo) && (hi == nil || y <= *hi) {
			qs = append(qs, term(fYearKey, strconv.Itoa(y)))
		}
	}
	if len(qs) == 0 {
		return query.NewMatchNoneQuery()
	}
	return query.NewDisjunctionQuery(qs)
}

func term(field, value string) query.Query {
	q := query.NewTermQuery(value)
	q.SetField(field)
	return q
}

func anyTerm(field string, values []string) query.Query {
	if len(values) == 1 {
		return term(field, values[0])
	}
	qs := make([]query.Query, 0, len(values))
	for _, v := range values {
		qs = append(qs, term(field, v))
	}
	return query.NewDisjunctionQuery(qs)
}

// builder turns clauses into Bleve queries. It analyses words itself, because a Bleve match query
// whose words are all stop words becomes MatchNone, which a boolean query then silently drops
// (turning "-og" into "everything").
type builder struct {
	da    analysis.Analyzer
	plain analysis.Analyzer
	// years are the years present in the index (for år:).
	years []int
}

// textFields are the fields a free-text word is matched in, with their boosts and word-pair
// fields: the short meta field (title, laws, keywords) and the text (which holds the holding).
// Two fields rather than five keep the word disjunction cheap at 100,000 decisions.
var textFields = []struct {
	name, pairs string
	boost       float64
}{{fMeta, fMetaPairs, 2}, {fText, fTextPairs, 1}}

// pairTerms returns the distinct word pairs of an analysed phrase, as pairAnalyzer indexes them:
// a stop word inside the phrase is a pairFill in a pair, one before or after it is ignored (as
// Bleve's phrase query ignores it).
func pairTerms(toks analysis.TokenStream) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range newPairFilter().Filter(toks) {
		if s := string(t.Term); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// matchPairs is match for a free-text field: a value of two words or more (a phrase, or a token
// that splits, "17-25") must have all its word pairs in pairField, term lookups instead of the
// positions of every document holding the words. Pairs are adjacent words, so two words match
// as a phrase does (a stop word between them must be a stop word, where the phrase query lets
// any word stand in its place); for three or more, the pairs could in principle occur apart in
// one document ("a b … b c" for "a b c"), which the phrase query would not match.
func matchPairs(an analysis.Analyzer, field, pairField, value string, phrase bool, boost float64) query.Query {
	toks := an.Analyze([]byte(value))
	if len(toks) < 2 {
		// One word, quoted or not: the word (the text fields keep no positions).
		return match(an, field, value, false, boost)
	}
	pairs := pairTerms(toks)
	qs := make([]query.Query, 0, len(pairs))
	for _, p := range pairs {
		qs = append(qs, term(pairField, p))
	}
	q := query.NewConjunctionQuery(qs)
	q.SetBoost(boost)
	return q
}

// match is a query for value in one analysed field: every word must occur, and in order when the
// value is a phrase or a single token that splits into several words ("17-25", "e-mail"). It
// returns nil when the value has no searchable words.
func match(an analysis.Analyzer, field, value string, phrase bool, boost float64) query.Query {
	toks := an.Analyze([]byte(value))
	if len(toks) == 0 {
		return nil
	}
	if phrase || len(toks) > 1 {
		q := query.NewMatchPhraseQuery(value)
		q.SetField(field)
		q.SetBoost(boost)
		return q
	}
	q := query.NewMatchQuery(value)
	q.SetField(field)
	q.SetOperator(query.MatchQueryOperatorAnd)
	q.SetBoost(boost)
	return q
}

// clauseQuery returns the query of one clause; nil means the clause has nothing to search for
// (stop words only) and is dropped.
func (b builder) clauseQuery(c clause) (query.Query, error) {
	switch c.field {
	case "":
		var qs []query.Query
		for _, f := range textFields {
			if q := matchPairs(b.da, f.name, f.pairs, c.value, c.phrase, f.boost); q != nil {
				qs = append(qs, q)
			}
		}
		if n := omgjort.NormalizeNumber(c.value); strings.ContainsAny(n, "0123456789") {
			q := query.NewTermQuery(n)
			q.SetField(fNumbers)
			q.SetBoost(10)
			qs = append(qs, q)
		}
		if len(qs) == 0 {
			return nil, nil
		}
		return query.NewDisjunctionQuery(qs), nil
	case "law", "keyword", "title", "paragraphs":
		field, an := map[string]string{"law": fLawText, "keyword": fKeywordText, "title": fTitle, "paragraphs": fParagraphs}[c.field], b.da
		if c.field == "paragraphs" {
			an = b.plain
		}
		q := match(an, field, c.value, c.phrase, 1)
		if q == nil {
			return nil, queryError(fmt.Sprintf("%q indeholder ingen ord, der kan søges på. Skriv fx %s.", c.alias+":"+c.value, example(c.field)),
				fmt.Errorf("field %q: no searchable words in %q", c.alias, c.value))
		}
		return q, nil
	case "outcome":
		vs, ok := outcomeValues(c.value)
		if !ok {
			return nil, queryError(fmt.Sprintf("Udfaldet %q findes ikke. Brug stadfæstet, ændret, ophævet, hjemvist, afvist, ukendt eller omgjort, fx udfald:hjemvist.", c.value),
				fmt.Errorf("unknown outcome %q", c.value))
		}
		return anyTerm(fOutcome, vs), nil
	case "errors":
		v, ok := errorValue(c.value)
		if !ok {
			slugs := make([]string, 0, len(omgjort.ErrorTypes))
			for _, e := range omgjort.ErrorTypes {
				slugs = append(slugs, string(e))
			}
			return nil, queryError(fmt.Sprintf("Fejltypen %q findes ikke. Brug en af: %s (fx fejl:partshøring).", c.value, strings.Join(slugs, ", ")),
				fmt.Errorf("unknown error type %q", c.value))
		}
		return term(fErrors, v), nil
	case "status":
		v, ok := statusValue(c.value)
		if !ok {
			return nil, queryError(fmt.Sprintf("Status %q findes ikke. Brug status:gældende eller status:historisk.", c.value),
				fmt.Errorf("unknown status %q", c.value))
		}
		return term(fStatus, v), nil
	case "year":
		lo, hi, ok := parseYears(c.value)
		if !ok {
			return nil, queryError(fmt.Sprintf("%q er ikke et gyldigt år. Skriv fx år:2024, år:2020..2024 eller år:>=2020.", c.alias+":"+c.value),
				fmt.Errorf("invalid year %q", c.value))
		}
		return yearTerms(lo, hi, b.years), nil
	case "number":
		n := omgjort.NormalizeNumber(c.value)
		if n == "" {
			return nil, queryError(fmt.Sprintf("%q er ikke et gyldigt nummer. Skriv fx nr:17-25.", c.alias+":"+c.value),
				fmt.Errorf("invalid number %q", c.value))
		}
		return term(fNumbers, n), nil
	case "cites":
		n := omgjort.NormalizeNumber(c.value)
		if n == "" {
			return nil, queryError(fmt.Sprintf("%q er ikke et gyldigt nummer. Skriv fx citerer:43-19.", c.alias+":"+c.value),
				fmt.Errorf("invalid cited number %q", c.value))
		}
		return term(fCites, n), nil
	}
	return nil, fmt.Errorf("index: clause with unhandled field %q", c.field)
}

// filterKeys maps SearchRequest.Filters keys to the keyword fields they test.
var filterKeys = map[string]string{
	"law": fLaw, "outcome": fOutcome, "errors": fErrors, "year": fYearKey, "status": fStatus, "authority": fAuthority,
	"source": fOwn,
}

// filterQuery is the exact-match query of one facet filter value.
func filterQuery(key, value string) (query.Query, error) {
	field, ok := filterKeys[key]
	if !ok {
		return nil, queryError(fmt.Sprintf("Filteret %q findes ikke. Brug law, outcome, errors, year, status, authority eller source.", key),
			fmt.Errorf("unknown filter %q", key))
	}
	switch key {
	case "year":
		if n, err := strconv.Atoi(value); err != nil || n < 1 {
			return nil, queryError(fmt.Sprintf("Årstallet %q i filteret er ugyldigt. Brug et årstal som 2024.", value),
				fmt.Errorf("invalid year filter %q", value))
		}
	case "outcome":
		// Accept the Danish name and "omgjort" too, as in the query box.
		if vs, ok := outcomeValues(value); ok {
			return anyTerm(field, vs), nil
		}
	case "errors":
		if v, ok := errorValue(value); ok {
			value = v
		}
	case "status":
		if v, ok := statusValue(value); ok {
			value = v
		}
	case "source":
		switch strings.ToLower(value) {
		case SourceOwnValue:
			return term(field, "1"), nil
		case SourcePublishedValue:
			return query.NewBooleanQuery([]query.Query{query.NewMatchAllQuery()}, nil, []query.Query{term(field, "1")}), nil
		}
		return nil, queryError(fmt.Sprintf("Kilden %q findes ikke. Brug egne eller offentliggjorte.", value), fmt.Errorf("unknown source %q", value))
	}
	return term(field, value), nil
}
