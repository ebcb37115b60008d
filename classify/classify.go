// Package classify labels Ankestyrelsen's concrete decision letters: the outcome of each case
// (stadfaestet, aendret, ophaevet, hjemvist, afvist or ukendt) and the flags kritik and
// ugyldig, each with the sentence that justifies it, so a legal professional can check every
// label against the letter in seconds.
//
// The classifier reads the letter's own formula ("Det betyder, at vi stadfæster …"), never the
// citizen's claims, the quoted rules or the summaries of other cases. Its patterns live in the
// embedded, human-readable file rules.txt (documented at its top), so a jurist can read and
// review them; a short hash of that file is the rules version stored with every decision.
//
// Error types (labels.md) come from the same file: each has its signal patterns, its negations
// ("unless"), the sections it may be read from and a weight. Only Ankestyrelsen's own
// assessment, criticism and instructions are read for them; the citizen's claims, the quoted
// rules and the appeal guidance never set one.
package classify

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"omgjort"
)

// rulesFile is the embedded rules file; see the comment at its top for the format.
//
//go:embed rules.txt
var rulesFile string

// resultlessFactor scales the score of outcome evidence found outside a result block: the
// formula is still Ankestyrelsen's, but not where the letter states its result.
const resultlessFactor = 0.85

// Classifier assigns outcomes and flags to case letters. It is immutable after New and safe
// for concurrent use, so one instance serves the crawler, the CLI and reclassification jobs.
//
// The embedded rules are compiled on first use, not by New: a server that finds nothing to
// relabel and imports nothing never holds the compiled rules (some 40 MB of regular
// expressions) — memory its searches have better use for.
type Classifier struct {
	parts   *compiled
	version string
	// model, when modelSet, replaces the embedded sentence model (cross-validation).
	model    *sentenceModel
	modelSet bool
	// modelOnly drops the error rules' labels, so cross-validation can measure the sentence
	// model by itself.
	modelOnly bool
	// modelVeto, when set, replaces DefaultModelVeto (eval --model-veto).
	modelVeto    float64
	modelVetoSet bool
	// letterMdl, when letterSet, replaces the embedded letter model (cross-validation).
	letterMdl *letterModel
	letterSet bool
}

// DefaultModelVeto is the sentence model's highest probability for a rule label's type below
// which the label is not set but offered as a suggestion: in cross-validation over 35 folders
// (1,039 letters, each folder's model trained on the others) the rule labels the model rejects
// this firmly were right 17 times in 47, those it agrees with 1,098 in 1,124 — a disagreement
// for a jurist, not a label. Error-type micro-F1 0.897 → 0.900, precision 0.921 → 0.941
// (`omgjort eval --cv --model-veto V …` for V in 0, 0.05, 0.1, 0.2).
const DefaultModelVeto = 0.05

// WithModelVeto returns a copy of c that demotes rule labels below the model probability v
// (0 keeps every rule label), for measuring the choice of DefaultModelVeto.
func (c *Classifier) WithModelVeto(v float64) *Classifier {
	cp := *c
	cp.modelVeto, cp.modelVetoSet = v, true
	return &cp
}

// veto is the model probability below which a rule label is demoted to a suggestion.
func (c *Classifier) veto() float64 {
	if c.modelVetoSet {
		return c.modelVeto
	}
	return DefaultModelVeto
}

// compiled is what a classifier works with, built once from the rules source.
type compiled struct {
	once  sync.Once
	src   string
	rules *ruleSet
	calib calibration
	model *sentenceModel
	// letter is the letter model (lettermodel.go).
	letter *letterModel
	err    error
}

// load compiles the rules, the calibration and the sentence model once.
func (p *compiled) load() error {
	p.once.Do(func() {
		p.rules, p.err = parseRules(p.src)
		if p.err != nil {
			return
		}
		if p.calib, p.err = parseCalibration(calibrationFile); p.err != nil {
			return
		}
		if p.model, p.err = parseModel(modelFile); p.err != nil {
			return
		}
		p.letter, p.err = parseLetterModel(letterModelFile)
	})
	return p.err
}

// get returns the compiled parts. The embedded files are checked by the tests before a
// release (TestEmbeddedRulesParse and the model and calibration tests), and a file given to
// Load is compiled there, so a failure here is a broken build.
func (c *Classifier) get() *compiled {
	if err := c.parts.load(); err != nil {
		panic(fmt.Sprintf("classify: embedded rules, model or calibration do not compile: %v", err))
	}
	return c.parts
}

// rs, cal, letter and mdl are the compiled rules, calibration, letter model and sentence model.
func (c *Classifier) rs() *ruleSet     { return c.get().rules }
func (c *Classifier) cal() calibration { return c.get().calib }
func (c *Classifier) letter() *letterModel {
	if c.letterSet {
		return c.letterMdl
	}
	return c.get().letter
}
func (c *Classifier) mdl() *sentenceModel {
	if c.modelSet {
		return c.model
	}
	return c.get().model
}

// New returns a classifier with the embedded rules, compiled on first use. The error is
// always nil; it stays for the callers that build a classifier from a file (Load).
func New() (*Classifier, error) {
	return newFromRules(rulesFile), nil
}

// newFromRules builds a classifier from rules text in the rules.txt format, to be compiled
// on first use.
func newFromRules(src string) *Classifier {
	sum := sha256.Sum256([]byte(labelFormat + "\x00" + src + "\x00" + calibrationFile + "\x00" + modelFile + "\x00" + letterModelFile))
	return &Classifier{parts: &compiled{src: src}, version: hex.EncodeToString(sum[:])[:12]}
}

// labelFormat names the form of the labels the classifier writes. It is part of Version, so
// that decisions labelled in an older form are labelled again (reclassify, and serve and crawl
// on start): evidence offsets were bytes before they were characters.
//
// Bump it whenever the code (not rules.txt) changes what labels come out: the structural
// outcome reading, the input checks, confidences and reasons came with "structure 1"; the
// Model mark of the sentence model's labels with "model flag".
const labelFormat = "evidence offsets in characters; structure 1; model flag; model scores and suggestions; model veto; letter model; letter lean"

// Version is a short hash of the rules file, the calibration, the sentence model and
// labelFormat. It is stored as Decision.RulesVersion, so the decisions labelled by an older
// classifier can be found and reclassified.
func (c *Classifier) Version() string { return c.version }

// hit is one rule firing in one sentence.
type hit struct {
	rule *rule
	sent int // index into the sentences
}

// ClassifyCase labels one case letter: Outcome with OutcomeEvidence, Kritik with
// KritikEvidence and Ugyldig with UgyldigEvidence. Evidence offsets count characters of text
// (see omgjort.Evidence).
// The returned case has Text set to text, Errors empty, and no ID or heading.
func (c *Classifier) ClassifyCase(text string) omgjort.Case {
	out := omgjort.Case{Text: text, Outcome: omgjort.OutcomeUkendt, Errors: []omgjort.ErrorLabel{}}
	if reason := inputProblem(text); reason != "" {
		out.OutcomeReason = reason
		return out
	}
	sents := c.rs().segment(text)
	court := courtJudgment(text, sents)
	if !court {
		readUnheaded(sents)
		readGuidanceTopic(text, sents)
	}
	var outcomes, kritik, ugyldig, errs []hit
	var duties []hit
	for i := range sents {
		for _, h := range c.sentenceHits(text, sents, i) {
			switch h.rule.kind {
			case kindDuty:
				duties = append(duties, h)
			case kindUnmet:
				// The duty stated in the sentence before, under the same heading, was not met:
				// both sentences are the evidence.
				for _, d := range duties {
					if d.sent == i-1 && sents[d.sent].block == sents[i].block {
						errs = append(errs, d, hit{rule: d.rule, sent: i})
					}
				}
			case kindOutcome:
				outcomes = append(outcomes, h)
			case kindKritik:
				kritik = append(kritik, h)
			case kindUgyldig:
				ugyldig = append(ugyldig, h)
			case kindError:
				errs = append(errs, h)
			}
		}
	}
	out.Outcome, out.OutcomeEvidence, out.OutcomeReason = c.rs().decideOutcome(text, sents, outcomes, court)
	fc := newFeatureCache(text, sents)
	if !court {
		// The letter model's second reading: where the rules found no outcome, or where it is
		// all but certain of another one (lettermodel.go).
		readings := func(o omgjort.Outcome) []omgjort.Evidence { return c.rs().readingsOf(text, sents, outcomes, o) }
		switch lr := c.letter().secondReading(fc, out.Outcome, readings); {
		case lr.decided:
			out.OutcomeRulesReading = out.Outcome
			out.Outcome, out.OutcomeEvidence, out.OutcomeReason, out.OutcomeModel = lr.outcome, lr.evidence, "", true
		case lr.lean != "":
			out.OutcomeModelLean, out.OutcomeModelLeanScore = lr.lean, lr.leanScore
		}
	}
	switch {
	case out.OutcomeModel && c.cal().letter > 0:
		out.OutcomeConfidence = c.cal().letter
	case out.Outcome != omgjort.OutcomeUkendt:
		out.OutcomeConfidence = confidence(c.cal().outcome, outcomeRaw(out.Outcome, out.OutcomeEvidence))
	}
	if len(kritik) > 0 {
		out.Kritik, out.KritikEvidence = true, evidence(text, sents, kritik, 1)
	}
	if len(ugyldig) > 0 {
		out.Ugyldig, out.UgyldigEvidence = true, evidence(text, sents, ugyldig, 1)
	}
	ruleLabels := c.errorLabels(text, sents, errs)
	if c.modelOnly {
		ruleLabels = nil
	}
	out.Errors, out.Suggestions = c.modelLabels(fc, ruleLabels)
	if out.OutcomeReason == ReasonCourt {
		// A retold judgment: the errors it names are the court's findings, not Ankestyrelsen's
		// (labels.md), and Ankestyrelsen states no outcome of its own.
		out.Errors, out.Suggestions = []omgjort.ErrorLabel{}, nil
		out.Kritik, out.KritikEvidence, out.Ugyldig, out.UgyldigEvidence = false, nil, false, nil
	}
	return out
}

// errorLabels combines the error-type hits of a case: per type, the best rule score of each
// sentence, combined over sentences as independent signals (1 − ∏(1 − s)). A type is set when
// the combined score reaches the rules file's threshold; its evidence is every sentence that
// signalled it, in text order.
func (c *Classifier) errorLabels(text string, sents []sentence, hits []hit) []omgjort.ErrorLabel {
	out := []omgjort.ErrorLabel{}
	if len(hits) == 0 {
		return out
	}
	byType := map[omgjort.ErrorType][]hit{}
	for _, h := range hits {
		byType[h.rule.errType] = append(byType[h.rule.errType], h)
	}
	for _, t := range omgjort.ErrorTypes {
		hs := byType[t]
		if len(hs) == 0 {
			continue
		}
		sort.SliceStable(hs, func(i, j int) bool { return hs[i].sent < hs[j].sent })
		ev := evidence(text, sents, hs, 1)
		miss := 1.0
		for _, e := range ev {
			miss *= 1 - e.Score
		}
		score := 1 - miss
		if score+1e-9 < c.rs().threshold {
			continue
		}
		out = append(out, omgjort.ErrorLabel{Type: t, Score: round3(score), Evidence: ev, Confidence: confidence(c.cal().errors, round3(score))})
	}
	return out
}

// round3 rounds a score to three decimals, so JSON output stays readable and stable.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Classify labels every case of d in place (keeping each case's ID, heading and journal,
// replacing its labels), then rolls the labels up to the decision and records the rules version.
func (c *Classifier) Classify(d *omgjort.Decision) {
	for i := range d.Cases {
		cs := &d.Cases[i]
		r := c.ClassifyCase(cs.Text)
		cs.Outcome, cs.OutcomeEvidence = r.Outcome, r.OutcomeEvidence
		cs.OutcomeConfidence, cs.OutcomeReason = r.OutcomeConfidence, r.OutcomeReason
		cs.OutcomeModel, cs.OutcomeRulesReading = r.OutcomeModel, r.OutcomeRulesReading
		cs.OutcomeModelLean, cs.OutcomeModelLeanScore = r.OutcomeModelLean, r.OutcomeModelLeanScore
		cs.Kritik, cs.KritikEvidence = r.Kritik, r.KritikEvidence
		cs.Ugyldig, cs.UgyldigEvidence = r.Ugyldig, r.UgyldigEvidence
		cs.Errors = r.Errors
	}
	d.RollUpCases()
	d.RulesVersion = c.version
}

// matchText is a sentence as the rules match it: as written, lower-cased, and the gate
// literals found in it.
type matchText struct {
	st, lower string
	// sameLen: the lower-cased sentence keeps the byte offsets of st, as Danish text does;
	// where it does not (a rune whose lower case is longer), every pattern runs on st.
	sameLen bool
	// sat[g] has the bits of gate g's literal sets the sentence satisfies (ruleSet.gateFull).
	sat     []uint8
	full    []uint8
	scratch *gateScratch
}

// gateScratch is the memory matchText marks literals and gate sets in, reused across sentences
// (release clears what was set).
type gateScratch struct {
	present []bool
	sat     []uint8
	found   []int32
}

// matchText takes a sentence and its lower-cased, transliterated form (sentence.ruleText; made
// from st when low is empty), finds every gate literal in it in one pass and marks the gate sets
// those literals satisfy. Call release when done with it.
func (rs *ruleSet) matchText(st, low string) matchText {
	lower := low
	if lower == "" {
		lower = translit(strings.ToLower(st))
	}
	sc, _ := rs.scratch.Get().(*gateScratch)
	if sc == nil || len(sc.present) != len(rs.lits) || len(sc.sat) != len(rs.gateFull) {
		sc = &gateScratch{present: make([]bool, len(rs.lits)), sat: make([]uint8, len(rs.gateFull))}
	}
	// The rules' patterns and gate literals are transliterated (translit.go); low comes so.
	st = translit(st)
	sc.found = rs.litMatch.mark(lower, sc.present, sc.found[:0])
	for _, id := range sc.found {
		for _, u := range rs.litUses[id] {
			sc.sat[u.gate] |= 1 << u.set
		}
	}
	return matchText{st: st, lower: lower, sameLen: len(lower) == len(st), sat: sc.sat, full: rs.gateFull, scratch: sc}
}

// release clears the marks and returns the memory for the next sentence.
func (m matchText) release(rs *ruleSet) {
	sc := m.scratch
	for _, id := range sc.found {
		sc.present[id] = false
	}
	clear(sc.sat)
	rs.scratch.Put(sc)
}

// pick returns the pattern and text to match: the case-sensitive variant on the lower-cased
// sentence where there is one, else the pattern as written on the sentence as written.
func (m matchText) pick(re, low *regexp.Regexp) (*regexp.Regexp, string) {
	if low != nil && m.sameLen {
		return low, m.lower
	}
	return re, m.st
}

// passes reports whether every literal set of gate g (ruleSet.gateFull) has a literal present
// in the sentence.
func (m matchText) passes(g int32) bool { return m.sat[g] == m.full[g] }

// sentenceHits runs the rules that apply to sentence i and drops what the vetoes cancel.
func (c *Classifier) sentenceHits(text string, sents []sentence, i int) []hit {
	s := sents[i]
	st := text[s.start:s.end]
	type cand struct {
		r          *rule
		start, end int
	}
	var cands []cand
	mt := c.rs().matchText(st, s.ruleText(text))
	defer mt.release(c.rs())
	pick, passes := mt.pick, mt.passes
	// The sentence's section as a bit of rule.secMask: as written (outcome rules) and as read
	// (the others; see readUnheaded). A section no rule names has no bit.
	bitOf := func(name string) uint64 {
		if id, ok := c.rs().secIndex[name]; ok {
			return 1 << id
		}
		return 0
	}
	secBit := bitOf(s.section)
	readBit := secBit
	if s.readAs != "" {
		readBit = bitOf(s.readAs)
	}
	for ri := range c.rs().rules {
		r := &c.rs().rules[ri]
		bit := readBit
		if r.kind == kindOutcome {
			bit = secBit
		}
		if r.secMask&bit == 0 {
			continue
		}
		negated := false
		for pi, re := range r.res {
			if !passes(r.gateIdx[pi]) {
				continue
			}
			mre, mtext := pick(re, r.lowRes[pi])
			ms := mre.FindAllStringIndex(mtext, -1)
			if len(ms) == 0 {
				continue
			}
			if !negated {
				for ni, n := range r.negs {
					if !passes(r.negGateIdx[ni]) {
						continue
					}
					if nre, ntext := pick(n, r.lowNegs[ni]); nre.MatchString(ntext) {
						negated = true
						break
					}
				}
			}
			if negated {
				break
			}
			for _, m := range ms {
				cands = append(cands, cand{r, m[0], m[1]})
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	// Vetoes are only worth running on the few sentences that hold a formula.
	vetoed := map[kind]bool{}
	spans := map[kind][][]int{}
	for _, v := range c.rs().vetoes {
		for vi, re := range v.res {
			if !passes(v.gateIdx[vi]) {
				continue
			}
			vre, vtext := pick(re, v.lowRes[vi])
			if v.match {
				ms := vre.FindAllStringIndex(vtext, -1)
				for k := range v.targets {
					spans[k] = append(spans[k], ms...)
				}
				continue
			}
			if m := vre.FindStringIndex(vtext); m != nil && !concession(st[:m[0]]) {
				for k := range v.targets {
					vetoed[k] = true
				}
			}
		}
	}
	var out []hit
	fired := map[*rule]bool{}
	for _, cd := range cands {
		if vetoed[cd.r.kind] || fired[cd.r] {
			continue
		}
		overlap := false
		for _, sp := range spans[cd.r.kind] {
			if sp[0] < cd.end && cd.start < sp[1] {
				overlap = true
				break
			}
		}
		if overlap {
			continue
		}
		fired[cd.r] = true
		out = append(out, hit{rule: cd.r, sent: i})
	}
	return out
}

// holdsGate reports whether every literal set of a numbered gate has a literal marked present.
func holdsGate(gate [][]int, present []bool) bool {
	for _, set := range gate {
		ok := false
		for _, id := range set {
			if present[id] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// passes reports whether the lower-cased sentence holds a literal of every set of the gate.
func passes(lower string, gate [][]string) bool {
	for _, set := range gate {
		ok := false
		for _, l := range set {
			if strings.Contains(lower, l) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// chooseOutcome applies the outcome policy of rules.txt: formulas in result blocks win;
// otherwise the first formula and the others in its section count; the most far-reaching
// outcome among those counted is the case's outcome.
func chooseOutcome(text string, sents []sentence, hits []hit) (omgjort.Outcome, []omgjort.Evidence) {
	if len(hits) == 0 {
		return omgjort.OutcomeUkendt, nil
	}
	// Consequence formulas count only when no other formula states the outcome.
	var formulas []hit
	for _, h := range hits {
		if !h.rule.fallback {
			formulas = append(formulas, h)
		}
	}
	if len(formulas) > 0 {
		hits = formulas
	}
	var counted []hit
	for _, h := range hits {
		if sents[h.sent].result || h.rule.result {
			counted = append(counted, h)
		}
	}
	factor := 1.0
	if len(counted) == 0 {
		// The first formula's block, and when that block is a numbered sub-decision ("1. Tabt
		// arbejdsfortjeneste"), the other numbered sub-decisions too: the letter's result is
		// the most far-reaching of them.
		first := sents[hits[0].sent]
		for _, h := range hits {
			if s := sents[h.sent]; s.block == first.block || (first.numbered && s.numbered) {
				counted = append(counted, h)
			}
		}
		factor = resultlessFactor
	}
	best := omgjort.OutcomeUkendt
	for _, h := range counted {
		if rank(h.rule.outcome) > rank(best) {
			best = h.rule.outcome
		}
	}
	// The sentences for the winning outcome come first, then the rest of a partial result.
	sort.SliceStable(counted, func(i, j int) bool {
		wi, wj := counted[i].rule.outcome == best, counted[j].rule.outcome == best
		if wi != wj {
			return wi
		}
		return counted[i].sent < counted[j].sent
	})
	return best, evidence(text, sents, counted, factor)
}

// evidence turns hits into one Evidence per sentence, in the order of hits, with the best
// rule score of the sentence times factor.
func evidence(text string, sents []sentence, hits []hit, factor float64) []omgjort.Evidence {
	var out []omgjort.Evidence
	index := map[int]int{}
	for _, h := range hits {
		score := h.rule.score * factor
		if j, ok := index[h.sent]; ok {
			if score > out[j].Score {
				out[j].Score = score
			}
			continue
		}
		s := sents[h.sent]
		index[h.sent] = len(out)
		start, end := omgjort.CharRange(text, s.start, s.end)
		out = append(out, omgjort.Evidence{
			Text:    text[s.start:s.end],
			Section: s.section,
			Start:   start,
			End:     end,
			Score:   score,
		})
	}
	return out
}

// rank orders outcomes by how far-reaching they are for the first instance (labels.md):
// hjemvist > ophaevet > aendret > stadfaestet > afvist > ukendt.
func rank(o omgjort.Outcome) int {
	switch o {
	case omgjort.OutcomeHjemvist:
		return 5
	case omgjort.OutcomeOphaevet:
		return 4
	case omgjort.OutcomeAendret:
		return 3
	case omgjort.OutcomeStadfaestet:
		return 2
	case omgjort.OutcomeAfvist:
		return 1
	}
	return 0
}

// Load builds a classifier from a rules file in the rules.txt format (`--rules FILE`), so a
// legal professional can try edited rules without a new build. Its Version is the file's hash.
func Load(path string) (*Classifier, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("classify: read rules: %w", err)
	}
	c := newFromRules(string(src))
	if err := c.parts.load(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// EmbeddedRules returns the text of the built-in rules file, the starting point for an edited
// copy.
func EmbeddedRules() string { return rulesFile }

// judgedSections are the sections that hold Ankestyrelsen's own assessment (rules.txt's group
// "judged").
var judgedSections = map[string]bool{"resultat": true, "afgoerelse": true, "begrundelse": true, "vurdering": true, "afgoerende": true, "bemaerkninger": true}

// readUnheaded lets the error and flag rules read a text that has no assessment section at all
// — a third-person principle text or an older format told in one run ("Resumé", "Den konkrete
// sag", no headings) — where Ankestyrelsen's assessment stands in the opening or the summary:
// those sentences are read as an assessment. The vetoes (claims, hypotheticals, denials) still
// apply sentence by sentence.
func readUnheaded(sents []sentence) {
	for i := range sents {
		// A summary ("Resumé", "Den konkrete sag") is Ankestyrelsen's own account of its
		// result and reasons.
		if sents[i].section == "resume" {
			sents[i].readAs = "vurdering"
		}
	}
	own := 0
	for _, s := range sents {
		if judgedSections[s.section] && !s.unnamed {
			return
		}
		if s.section == startSection || s.section == "resume" {
			own++
		}
	}
	for i := range sents {
		// A text that is nothing but its principle ("Principmeddelelsen fastslår, at … I
		// sagen havde kommunen …") tells the case there too.
		if sents[i].section == startSection || (own == 0 && sents[i].section == "princip") {
			sents[i].readAs = "vurdering"
		}
	}
}

// readGuidanceTopic reads a "Klagevejledning" section that is about the first instance's appeal
// guidance ("Klagevejledning\n\nAfgørelsen af 21. april indeholdt ingen oplysning om, at du kunne
// klage … Det er en mangel.") as an assessment: its sentences name the first instance and none of
// the courts, deadlines of months or the ombudsman of the letter's own closing guidance.
func readGuidanceTopic(text string, sents []sentence) {
	for i := range sents {
		if sents[i].section != "klagevejl" || sents[i].readAs != "" {
			continue
		}
		lower := sents[i].lower(text)
		first := strings.Contains(lower, "kommune") || strings.Contains(lower, "udbetaling danmark") || strings.Contains(lower, "jobcent") ||
			strings.Contains(lower, "afgørelsen af") || strings.Contains(lower, "manglen") || strings.Contains(lower, "mangel")
		own := strings.Contains(lower, "byret") || strings.Contains(lower, "domstol") || strings.Contains(lower, "retten") ||
			strings.Contains(lower, "ombudsmand") || strings.Contains(lower, "måneder") || strings.Contains(lower, "vores afgørelse") ||
			strings.Contains(lower, "denne afgørelse") || strings.Contains(lower, "ankestyrelsens afgørelse")
		if first && !own {
			sents[i].readAs = "vurdering"
		}
	}
}

// concession reports whether text ends with a concessive conjunction ("selv om", "skønt"): a
// claim retold in a concession ("…, selv om du har oplyst, at din søn er flyttet") is part of
// Ankestyrelsen's own criticism, not the citizen's argument, so it vetoes nothing.
func concession(before string) bool {
	b := strings.ToLower(strings.TrimRight(before, " \t\u00a0"))
	for _, c := range []string{"selv om", "selvom", "skønt", "uanset at", "til trods for at", "på trods af at"} {
		if strings.HasSuffix(b, c) {
			return true
		}
	}
	return false
}

// inResult reports whether a formula (not a consequence) of hits stands in a result block.
func inResult(sents []sentence, hits []hit) bool {
	for _, h := range hits {
		if sents[h.sent].result && !h.rule.fallback {
			return true
		}
	}
	return false
}
