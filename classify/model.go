package classify

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"omgjort"
)

// The sentence model: a small logistic model per error type, learned from the labelled letters
// (TrainModel, `omgjort eval --train-model`), that reads the sentences of Ankestyrelsen's own
// assessment as bags of word stems, word pairs and negated stems. The rules recognise the
// formulas they name; the model recognises the same criticism in words the rules never listed
// ("samme lægeerklæringer … tillægger vi mere vægt" for bevisvurdering). It only adds an error
// type the rules did not set, from a sentence the rules may read (the same sections, the same
// sentence vetoes: claims, hypotheticals, quoted rules), and that sentence is the evidence.

// modelFile holds the learned weights; see the comment at its top.
//
//go:embed model.txt
var modelFile string

// sentenceModel is the parsed model file: per feature a weight for each error type.
type sentenceModel struct {
	types     []omgjort.ErrorType
	bias      []float64
	threshold []float64
	weights   map[string][]float64
	// byHash finds a feature's weights by the FNV-1a hash of its text (featureHashes), so a
	// sentence is scored without building its features' strings.
	byHash map[uint64][]float64
}

// parseModel reads model.txt: comment lines (#), then "types T1 T2 …", "bias b1 b2 …",
// "threshold t1 t2 …", then one line per feature: the feature (spaces as "_"), a tab and its
// weights in the order of types. An empty file is a model that never fires.
func parseModel(src string) (*sentenceModel, error) {
	m := &sentenceModel{weights: map[string][]float64{}}
	err := readWeights(src, "model.txt", "types", func(names []string) {
		for _, f := range names {
			m.types = append(m.types, omgjort.ErrorType(f))
		}
	}, func(_ int, name string, vals []float64) error {
		switch name {
		case "bias":
			m.bias = vals
		case "threshold":
			m.threshold = vals
		default:
			m.weights[strings.ReplaceAll(name, "_", " ")] = vals
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(m.types) > 0 && (len(m.bias) != len(m.types) || len(m.threshold) != len(m.types)) {
		return nil, fmt.Errorf("classify: model.txt: bias or threshold line missing")
	}
	if err := m.index(); err != nil {
		return nil, err
	}
	return m, nil
}

// readWeights reads a file of learned weights (model.txt, letter-model.txt): blank and comment
// (#) lines are skipped; every other line is a name, a tab and its fields. The line named head
// lists the classes (given to classes); every other line holds one number per class, given to
// row with its line number.
func readWeights(src, file, head string, classes func([]string), row func(n int, name string, vals []float64) error) error {
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n, width := 0, -1
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("classify: %s line %d: no tab", file, n)
		}
		fields := strings.Fields(rest)
		if name == head {
			classes(fields)
			width = len(fields)
			continue
		}
		if width < 0 {
			return fmt.Errorf("classify: %s line %d: weights before the %s line", file, n, head)
		}
		if len(fields) != width {
			return fmt.Errorf("classify: %s line %d: %d values for %d %s", file, n, len(fields), width, head)
		}
		vals := make([]float64, len(fields))
		for i, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return fmt.Errorf("classify: %s line %d: %w", file, n, err)
			}
			vals[i] = v
		}
		if err := row(n, name, vals); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("classify: %s: %w", file, err)
	}
	return nil
}

// index builds byHash from weights.
func (m *sentenceModel) index() error {
	m.byHash = make(map[uint64][]float64, len(m.weights))
	for f, w := range m.weights {
		h := fnvAdd(fnvOffset, f)
		if _, dup := m.byHash[h]; dup {
			return fmt.Errorf("classify: model.txt: two features with the same hash (%q)", f)
		}
		m.byHash[h] = w
	}
	return nil
}

// scores returns, for one sentence's feature hashes, the probability of each of m.types.
func (m *sentenceModel) scores(feats []uint64, out []float64) []float64 {
	out = out[:0]
	out = append(out, m.bias...)
	for _, f := range feats {
		if w, ok := m.byHash[f]; ok {
			for i, v := range w {
				out[i] += v
			}
		}
	}
	for i, z := range out {
		out[i] = 1 / (1 + math.Exp(-z))
	}
	return out
}

// negators open a negation scope: the next negScope words are also features with "!" before
// their stem, so "ikke partshørt" and "partshørt" weigh differently.
var negators = map[string]bool{"ikke": true, "ingen": true, "intet": true, "uden": true, "hverken": true, "aldrig": true, "ej": true, "manglende": true, "mangler": true, "manglede": true, "undlod": true, "undladt": true, "undlade": true}

const negScope = 4

// sentenceFeatures turns a lower-cased sentence into the model's features: the stem of every
// word, "!stem" for the words in a negation's scope, and every pair of neighbouring stems.
// Numbers are "#" except right after "§" ("§19": the provision says much).
func sentenceFeatures(lower string, out []string) []string {
	out = out[:0]
	prev := ""
	neg := 0
	eachWord(lower, func(w string, negator bool) {
		out = append(out, w)
		if neg > 0 {
			out = append(out, "!"+w)
			neg--
		}
		if negator {
			neg = negScope
		}
		if prev != "" {
			out = append(out, prev+" "+w)
		}
		prev = w
	})
	return out
}

// featureHashes returns the FNV-1a hashes of sentenceFeatures(lower) without building them.
func featureHashes(lower string, out []uint64) []uint64 {
	out = out[:0]
	prev := ""
	var prevHash uint64
	neg := 0
	eachWord(lower, func(w string, negator bool) {
		h := fnvAdd(fnvOffset, w)
		out = append(out, h)
		if neg > 0 {
			out = append(out, fnvAdd(fnvAdd(fnvOffset, "!"), w))
			neg--
		}
		if negator {
			neg = negScope
		}
		if prev != "" {
			out = append(out, fnvAdd(fnvAdd(prevHash, " "), w))
		}
		prev, prevHash = w, h
	})
	return out
}

// FNV-1a, 64 bits: a feature's hash can be continued with the text after it.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvAdd continues hash h with the bytes of s.
func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// eachWord calls f with every word of the lower-cased sentence as a feature (its stem; "#" for
// a number, "§N" for a number after "§") and whether the word opens a negation scope.
func eachWord(lower string, f func(w string, negator bool)) {
	prevPara := false
	var buf [24]byte
	for i := 0; i < len(lower); {
		r, size := utf8.DecodeRuneInString(lower[i:])
		if r == '§' {
			prevPara = true
			i += size
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		j := i
		for j < len(lower) {
			r2, s2 := utf8.DecodeRuneInString(lower[j:])
			if !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
				break
			}
			j += s2
		}
		raw := lower[i:j]
		i = j
		w := raw
		if unicode.IsDigit(r) {
			if prevPara && len(raw) <= len(buf)-len("§") {
				n := copy(buf[:], "§")
				n += copy(buf[n:], raw)
				w = string(buf[:n])
			} else {
				w = "#"
			}
		} else {
			w = stem(raw)
		}
		prevPara = false
		f(w, negators[raw])
	}
}

// suffixes are the Danish inflection endings stem strips, longest first.
var suffixes = []string{"hedernes", "hederne", "heden", "heder", "elser", "elsen", "ernes", "erens", "endes", "ende", "erne", "eren", "erer", "ener", "else", "erede", "eret", "ede", "ene", "ens", "ers", "ets", "hed", "er", "en", "et", "es", "e", "s"}

// stem strips one inflection ending from a lower-cased word so that its forms share a feature
// ("partshøring", "partshøringen"; "vurdere", "vurderede", "vurderet"). It is deliberately
// light: a feature is only a clue, weighed by the model.
func stem(w string) string {
	n := utf8.RuneCountInString(w)
	if n <= 3 {
		return w
	}
	// Every ending ends in one of these letters; the endings are ASCII, so bytes are runes.
	switch w[len(w)-1] {
	case 's', 'e', 'n', 'r', 't', 'd':
	default:
		return w
	}
	for _, suf := range suffixes {
		if n-len(suf) >= 3 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// errorReadable reports whether the error rules may read sentence i: it stands in a section
// an error rule names (as read, see readUnheaded), and no sentence-wide veto on errors (the
// citizen's claims, hypotheticals, quoted rules) is found in it.
func (c *Classifier) errorReadable(text string, sents []sentence, i int) bool {
	s := sents[i]
	if !c.errorSection(s) {
		return false
	}
	st := text[s.start:s.end]
	mt := c.rs().matchText(st, s.ruleText(text))
	defer mt.release(c.rs())
	for _, v := range c.rs().vetoes {
		if !v.targets[kindError] {
			continue
		}
		for vi, re := range v.res {
			if !mt.passes(v.gateIdx[vi]) {
				continue
			}
			vre, vtext := mt.pick(re, v.lowRes[vi])
			m := vre.FindStringIndex(vtext)
			if m == nil || concession(st[:m[0]]) {
				continue
			}
			// A veto of the sentence, or one of a span (a claim "Du har skrevet, at …" to the
			// sentence's end) that covers most of it: the model reads the whole sentence.
			if !v.match || 2*(m[1]-m[0]) >= len(vtext) {
				return false
			}
		}
	}
	return true
}

// errorSection reports whether s stands (as read, see readUnheaded) in a section an error rule
// names.
func (c *Classifier) errorSection(s sentence) bool {
	name := s.section
	if s.readAs != "" {
		name = s.readAs
	}
	id, ok := c.rs().secIndex[name]
	return ok && c.rs().errorMask&(1<<id) != 0
}

// suggestAt is the sentence model's probability from which a type it finds below its
// threshold is offered to a jurist as a suggestion (Case.Suggestions): the signals disagree —
// the model leans towards the type, the rules do not set it.
const suggestAt = 0.5

// modelLabels adds the error types the rules did not set but the sentence model finds, each
// with the readable sentences at or above its threshold as evidence (the probability as the
// evidence's score), in the order of omgjort.ErrorTypes. It also returns what the model thinks
// of the rest: on each rule label, the model's highest probability for its type
// (ErrorLabel.ModelScore); and as suggestions (not labels) the rule labels it rejects firmly
// (below c.veto()) and the types it scores from suggestAt up to its threshold on a readable
// sentence, with that sentence as evidence.
func (c *Classifier) modelLabels(fc *featureCache, labels []omgjort.ErrorLabel) ([]omgjort.ErrorLabel, []omgjort.ErrorLabel) {
	text, sents := fc.text, fc.sents
	m := c.mdl()
	if m == nil || len(m.types) == 0 {
		return labels, nil
	}
	have := map[omgjort.ErrorType]bool{}
	for _, l := range labels {
		have[l.Type] = true
	}
	found := map[omgjort.ErrorType][]omgjort.Evidence{}
	leaning := map[omgjort.ErrorType]omgjort.Evidence{}
	highest := make([]float64, len(m.types))
	var probs []float64
	for i := range sents {
		if !c.errorSection(sents[i]) {
			continue
		}
		s := sents[i]
		probs = m.scores(fc.of(i), probs)
		// The vetoes are the costly part: only for a sentence that would set or suggest a type.
		checked, readable := false, false
		for ti, p := range probs {
			t := m.types[ti]
			highest[ti] = math.Max(highest[ti], p)
			if have[t] || p < suggestAt {
				continue
			}
			if !checked {
				checked, readable = true, c.errorReadable(text, sents, i)
			}
			if !readable {
				break
			}
			start, end := omgjort.CharRange(text, s.start, s.end)
			ev := omgjort.Evidence{Text: text[s.start:s.end], Section: s.section, Start: start, End: end, Score: round3(p)}
			// The rules file's threshold holds for the model's labels too.
			if p < m.threshold[ti] || p < c.rs().threshold {
				if p > leaning[t].Score {
					leaning[t] = ev
				}
				continue
			}
			found[t] = append(found[t], ev)
		}
	}
	var suggestions []omgjort.ErrorLabel
	kept := labels[:0]
	for _, l := range labels {
		for ti, t := range m.types {
			if t == l.Type {
				p := round3(highest[ti])
				l.ModelScore = &p
			}
		}
		// The signals disagree firmly: the rules' label is offered, not set.
		if l.ModelScore != nil && *l.ModelScore < c.veto() {
			suggestions = append(suggestions, l)
			continue
		}
		kept = append(kept, l)
	}
	labels = kept
	for t, ev := range found {
		best := 0.0
		for _, e := range ev {
			best = math.Max(best, e.Score)
		}
		labels = append(labels, omgjort.ErrorLabel{Type: t, Score: best, Evidence: ev, Model: true, Confidence: confidence(c.cal().errors, best)})
	}
	for t, ev := range leaning {
		if len(found[t]) == 0 {
			suggestions = append(suggestions, omgjort.ErrorLabel{Type: t, Score: ev.Score, Evidence: []omgjort.Evidence{ev}, Model: true, Confidence: confidence(c.cal().errors, ev.Score)})
		}
	}
	sortErrorLabels(labels)
	sortErrorLabels(suggestions)
	return labels, suggestions
}

// sortErrorLabels puts labels in the order of omgjort.ErrorTypes.
func sortErrorLabels(labels []omgjort.ErrorLabel) {
	order := map[omgjort.ErrorType]int{}
	for i, t := range omgjort.ErrorTypes {
		order[t] = i
	}
	sort.SliceStable(labels, func(i, j int) bool { return order[labels[i].Type] < order[labels[j].Type] })
}
