package index

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
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
	// synonyms are the members of the thesaurus group the value belongs to (thesaurus.go):
	// the clause matches any of them.
	synonyms []string
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
	"kritik":  "kritik", "ugyldig": "ugyldig",
	"dato": "date", "date": "date", "offentliggjort": "date",
	"afgørelsesdato": "signed", "afgjort": "signed",
}

const aliasHelp = "lov:, udfald:, fejl:, §:, år:, dato:, afgørelsesdato:, kritik:, ugyldig:, nr:, status:, emne:, titel: eller citerer:"

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
	case "kritik":
		return "kritik:ja"
	case "ugyldig":
		return "ugyldig:ja"
	case "date":
		return "dato:2024-01-01..2024-06-30"
	case "signed":
		return "afgørelsesdato:2024-01-01..2024-06-30"
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

// freeText is the query of free-text words or a phrase: in the text fields (their word pairs for
// several words) and, for a value that looks like a number, the decision numbers.
func (b builder) freeText(value string, phrase bool) query.Query {
	var qs []query.Query
	for _, f := range textFields {
		if q := matchPairs(b.da, f.name, f.pairs, value, phrase, f.boost); q != nil {
			qs = append(qs, q)
		}
	}
	if n := omgjort.NormalizeNumber(value); strings.ContainsAny(n, "0123456789") {
		q := query.NewTermQuery(n)
		q.SetField(fNumbers)
		q.SetBoost(10)
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(qs)
}

// yesNo reads ja/nej (also yes/no, true/false) as the "ja"/"nej" terms of fKritik and fUgyldig.
func yesNo(v string) (string, bool) {
	switch fold(v) {
	case "ja", "yes", "true", "1":
		return "ja", true
	case "nej", "no", "false", "0":
		return "nej", true
	}
	return "", false
}

// parseDates reads "2024-01-01..2024-06-30", "2024-01-01..", "..2024-06-30", a day
// "2024-03-15", a month "2024-03" or a year "2024" into an inclusive range of days
// ("YYYY-MM-DD", compared as strings); an open end is "".
func parseDates(v string) (lo, hi string, ok bool) {
	v = strings.TrimSpace(v)
	bound := func(s string, upper bool) (string, bool) {
		s = strings.TrimSpace(s)
		if s == "" {
			return "", true
		}
		for _, layout := range []struct {
			layout string
			end    func(time.Time) time.Time
		}{
			{time.DateOnly, func(t time.Time) time.Time { return t }},
			{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, -1) }},
			{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, -1) }},
		} {
			if t, err := time.Parse(layout.layout, s); err == nil && len(s) == len(layout.layout) {
				if upper {
					t = layout.end(t)
				}
				return t.Format(time.DateOnly), true
			}
		}
		return "", false
	}
	if a, b, found := strings.Cut(v, ".."); found {
		if a == "" && b == "" {
			return "", "", false
		}
		var okA, okB bool
		lo, okA = bound(a, false)
		hi, okB = bound(b, true)
		if !okA || !okB || (lo != "" && hi != "" && lo > hi) {
			return "", "", false
		}
		return lo, hi, true
	}
	if v == "" {
		return "", "", false
	}
	var okA, okB bool
	lo, okA = bound(v, false)
	hi, okB = bound(v, true)
	return lo, hi, okA && okB
}

// termsInRange matches the days from lo to hi ("" is open) among the days present in the
// field: a disjunction of day terms, so the fast path (fastscore.go) takes it as a set.
func termsInRange(field, lo, hi string, present []string) query.Query {
	var qs []query.Query
	for _, d := range present {
		if (lo == "" || d >= lo) && (hi == "" || d <= hi) {
			qs = append(qs, term(field, d))
		}
	}
	if len(qs) == 0 {
		return query.NewMatchNoneQuery()
	}
	return query.NewDisjunctionQuery(qs)
}

// provisionQuery is §: with an act ("sygedagpengeloven 54", "sdpl § 54", "§ 14, stk. 2 i
// aktivloven"): the decisions citing that provision of that act, in their text or their
// Paragraf list (fProvisions). ok is false when the value names no act (a bare "§:47" searches
// the paragraphs as written); an act without a paragraph number, or words that are no act,
// are errors.
func provisionQuery(c clause, cited func(act string) bool) (query.Query, bool, error) {
	actByName := func(name string) (omgjort.Act, bool) {
		if a, ok := omgjort.ActByName(name); ok {
			return a, true
		}
		// An act outside omgjort.Acts that decisions cite ("arbejdsmiljølovens § 5").
		if key := omgjort.NormalizeAct(name); cited != nil && strings.Contains(key, "lov") && cited(key) {
			return omgjort.Act{Key: key}, true
		}
		return omgjort.Act{}, false
	}
	v := strings.TrimSpace(strings.ReplaceAll(c.value, "§", " § "))
	words := strings.Fields(v)
	firstDigit := -1
	for i, w := range words {
		if w[0] >= '0' && w[0] <= '9' {
			firstDigit = i
			break
		}
	}
	if firstDigit < 0 {
		// An act alone: every decision citing any of its provisions.
		if a, ok := actByName(strings.TrimSpace(strings.ReplaceAll(v, "§", ""))); ok {
			return term(fProvisions, a.Key+"|"), true, nil
		}
		return nil, false, nil
	}
	var act omgjort.Act
	var rest string
	found := false
	// The act before the number ("sdpl § 54") …
	if pre := strings.TrimSpace(strings.TrimSuffix(strings.Join(words[:firstDigit], " "), "§")); pre != "" {
		a, ok := actByName(strings.TrimSpace(strings.TrimSuffix(pre, "§")))
		if !ok {
			return nil, false, unknownAct(c, pre)
		}
		act, found, rest = a, true, strings.Join(words[firstDigit:], " ")
	}
	// … or after it ("§ 54 i sygedagpengeloven", "54 sdpl").
	if !found {
		para := words[firstDigit:]
		for i := len(para) - 1; i > 0; i-- {
			tail := strings.Join(para[i:], " ")
			if strings.HasPrefix(tail, "i ") {
				tail = strings.TrimPrefix(tail, "i ")
			}
			if a, ok := actByName(tail); ok {
				act, found = a, true
				rest = strings.TrimSuffix(strings.Join(para[:i], " "), " i")
				break
			}
		}
		if !found {
			// Letters after the paragraph that are no qualifier and no act.
			if tail := trailingWords(para); tail != "" {
				return nil, false, unknownAct(c, tail)
			}
			return nil, false, nil
		}
	}
	p, ok := omgjort.ParseParagraph(rest)
	if !ok {
		return nil, false, queryError(fmt.Sprintf("Paragraffen i %q kan ikke læses. Skriv fx §:\"%s 14\" eller §:\"%s § 14, stk. 2\".", c.alias+":"+c.value, act.Key, act.Key),
			fmt.Errorf("unreadable provision %q", rest))
	}
	p.Act = act.Key
	keys := p.Keys()
	// The most specific key of each paragraph: "act|14|stk. 2" when stk. is given.
	var want []string
	for _, k := range keys {
		if p.Stk == "" || strings.Count(k, "|") == 2 {
			want = append(want, k)
		}
	}
	return anyTerm(fProvisions, want), true, nil
}

// trailingWords returns the words after a paragraph that are neither numbers, paragraph letters
// nor qualifiers ("stk.", "nr.", "pkt.", "og").
func trailingWords(words []string) string {
	var out []string
	for _, w := range words {
		lw := strings.Trim(strings.ToLower(w), ",.")
		switch {
		case lw == "" || lw == "§" || lw == "stk" || lw == "nr" || lw == "pkt" || lw == "og" || lw == "litra":
		case lw[0] >= '0' && lw[0] <= '9':
		case len([]rune(lw)) == 1:
		default:
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func unknownAct(c clause, name string) error {
	var names []string
	for _, a := range omgjort.Acts[:6] {
		n := a.Key
		if len(a.Abbrevs) > 0 {
			n += " (" + strings.ToUpper(a.Abbrevs[0]) + ")"
		}
		names = append(names, n)
	}
	return queryError(fmt.Sprintf("Loven %q i %q kender vi ikke. Skriv lovens navn eller forkortelse, fx %s.", name, c.alias+":"+c.value, strings.Join(names, ", ")),
		fmt.Errorf("unknown act %q", name))
}

// builder turns clauses into Bleve queries. It analyses words itself, because a Bleve match query
// whose words are all stop words becomes MatchNone, which a boolean query then silently drops
// (turning "-og" into "everything").
type builder struct {
	da    analysis.Analyzer
	plain analysis.Analyzer
	// years are the years present in the index (for år:); days the days of fDay and
	// fSignedDay (for dato: and afgørelsesdato:).
	years []int
	days  map[string][]string
	// actCited reports whether any decision cites a provision of the act (its "act|" term).
	actCited func(act string) bool
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
// that splits, "17-25") is matched on pairField, whose terms are the adjacent word pairs, term
// lookups instead of the positions of every document holding the words. Two words are one pair,
// exact by construction (a stop word between them must be a stop word, where Bleve's phrase
// query lets any word stand in its place). Three or more words are several pairs, which must
// stand at the phrase's relative positions: a PhraseQuery on the pair field, whose positions
// are indexed (phrase.go), so "a b … b c" does not match "a b c".
func matchPairs(an analysis.Analyzer, field, pairField, value string, phrase bool, boost float64) query.Query {
	toks := an.Analyze([]byte(value))
	if len(toks) < 2 {
		// One word, quoted or not: the word (the text fields keep no positions).
		return match(an, field, value, false, boost)
	}
	pairs := newPairFilter().Filter(toks)
	if len(pairs) == 1 {
		q := query.NewConjunctionQuery([]query.Query{term(pairField, string(pairs[0].Term))})
		q.SetBoost(boost)
		return q
	}
	// The pairs at their positions relative to the first; "" where a position has no pair.
	first := pairs[0].Position
	terms := make([]string, pairs[len(pairs)-1].Position-first+1)
	for _, p := range pairs {
		terms[p.Position-first] = string(p.Term)
	}
	q := query.NewPhraseQuery(terms, pairField)
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
		if len(c.synonyms) == 0 {
			return b.freeText(c.value, c.phrase), nil
		}
		var qs []query.Query
		for _, s := range c.synonyms {
			if q := b.freeText(s, strings.Contains(strings.TrimSpace(s), " ")); q != nil {
				qs = append(qs, q)
			}
		}
		if len(qs) == 0 {
			return nil, nil
		}
		return query.NewDisjunctionQuery(qs), nil
	case "paragraphs":
		if q, ok, err := provisionQuery(c, b.actCited); ok || err != nil {
			return q, err
		}
		q := match(b.plain, fParagraphs, c.value, c.phrase, 1)
		if q == nil {
			return nil, queryError(fmt.Sprintf("%q indeholder ingen paragraf, der kan søges på. Skriv fx %s eller §:\"aktivloven 14\".", c.alias+":"+c.value, example(c.field)),
				fmt.Errorf("field %q: no searchable words in %q", c.alias, c.value))
		}
		return q, nil
	case "kritik", "ugyldig":
		v, ok := yesNo(c.value)
		if !ok {
			return nil, queryError(fmt.Sprintf("%q forstås ikke. Skriv %s:ja eller %s:nej.", c.alias+":"+c.value, c.alias, c.alias),
				fmt.Errorf("field %q: not yes/no: %q", c.alias, c.value))
		}
		return term(map[string]string{"kritik": fKritik, "ugyldig": fUgyldig}[c.field], v), nil
	case "date", "signed":
		lo, hi, ok := parseDates(c.value)
		if !ok {
			return nil, queryError(fmt.Sprintf("%q er ikke en gyldig dato eller periode. Skriv fx %s:2024-01-01..2024-06-30, %s:2024-03 eller %s:2024-01-01.. (datoer som ÅÅÅÅ-MM-DD).", c.alias+":"+c.value, c.alias, c.alias, c.alias),
				fmt.Errorf("invalid date range %q", c.value))
		}
		field := fDay
		if c.field == "signed" {
			field = fSignedDay
		}
		return termsInRange(field, lo, hi, b.days[field]), nil
	case "law", "keyword", "title":
		field, an := map[string]string{"law": fLawText, "keyword": fKeywordText, "title": fTitle}[c.field], b.da
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
	"kritik": fKritik, "ugyldig": fUgyldig,
	"source": fOwn,
}

// filterQuery is the exact-match query of one facet filter value.
func filterQuery(key, value string) (query.Query, error) {
	field, ok := filterKeys[key]
	if !ok {
		return nil, queryError(fmt.Sprintf("Filteret %q findes ikke. Brug law, outcome, errors, year, status, authority, kritik, ugyldig eller source.", key),
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
	case "kritik", "ugyldig":
		v, ok := yesNo(value)
		if !ok {
			return nil, queryError(fmt.Sprintf("Filteret %s=%q forstås ikke. Brug ja eller nej.", key, value), fmt.Errorf("invalid %s filter %q", key, value))
		}
		value = v
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
