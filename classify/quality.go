package classify

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"omgjort"
)

// MaxCaseBytes is the longest case text the classifier reads. Real letters are a few
// thousand words (≈ 5–60 kB); a longer "case" is a whole corpus pasted in, a scan gone wrong or
// an attack, and is labelled ukendt with the reason rather than read.
const MaxCaseBytes = 400_000

// Reasons for an unknown outcome (Case.OutcomeReason), in Danish as they are shown.
const (
	ReasonEmpty     = "tom tekst: der er intet at læse"
	ReasonTooLong   = "teksten er for lang til at være et enkelt afgørelsesbrev"
	ReasonForeign   = "teksten ser ikke ud til at være skrevet på dansk"
	ReasonGarbled   = "teksten ligner OCR-støj eller ulæselige tegn"
	ReasonCourt     = "teksten gengiver en doms resultat, ikke Ankestyrelsens egen afgørelse"
	ReasonNoOutcome = "teksten siger ikke, hvad Ankestyrelsen har besluttet"
)

// danishWords are common Danish function words and the words of every decision letter; a
// Danish text of some length always holds a good share of them.
var danishWords = map[string]bool{
	"og": true, "at": true, "i": true, "det": true, "er": true, "en": true, "et": true, "til": true,
	"på": true, "af": true, "for": true, "den": true, "med": true, "har": true, "ikke": true,
	"du": true, "vi": true, "som": true, "dig": true, "jeg": true, "om": true, "var": true,
	"kan": true, "skal": true, "fra": true, "din": true, "dit": true, "dine": true, "sin": true,
	"kommunen": true, "afgørelse": true, "afgørelsen": true, "sagen": true, "ankestyrelsen": true,
	"havde": true, "ved": true, "efter": true, "men": true, "eller": true, "også": true, "hun": true,
	"han": true, "fordi": true, "derfor": true, "blev": true, "bliver": true, "klage": true,
}

// inputProblem returns the reason a text cannot be labelled at all, or "" when it can be read:
// empty, too long, not Danish, or garbled (OCR noise). The tests are cheap and linear.
func inputProblem(text string) string {
	if strings.TrimSpace(text) == "" {
		return ReasonEmpty
	}
	if len(text) > MaxCaseBytes {
		return ReasonTooLong
	}
	if !utf8.ValidString(text) {
		return ReasonGarbled
	}
	var letters, visible, words, danish, short int
	inWord, wordStart := false, 0
	flush := func(end int) {
		if !inWord {
			return
		}
		inWord = false
		w := text[wordStart:end]
		// Most words are lower case already: lower-case (and allocate) only the others.
		for _, r := range w {
			if unicode.IsUpper(r) {
				w = strings.ToLower(w)
				break
			}
		}
		words++
		if utf8.RuneCountInString(w) == 1 && w != "i" {
			short++
		}
		if danishWords[w] {
			danish++
		}
	}
	for i, r := range text {
		if !unicode.IsSpace(r) {
			visible++
		}
		if unicode.IsLetter(r) {
			letters++
			if !inWord {
				inWord, wordStart = true, i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	if visible >= 20 && float64(letters) < 0.6*float64(visible) {
		return ReasonGarbled
	}
	if words >= 8 && float64(short) > 0.3*float64(words) {
		return ReasonGarbled
	}
	if words >= 8 && float64(danish) < 0.15*float64(words) {
		return ReasonForeign
	}
	return ""
}

// calibrationFile holds the calibration bins written by `omgjort calibrate` (see its top).
//
//go:embed calibration.txt
var calibrationFile string

// bin maps raw scores in [lo, hi) to a calibrated confidence.
type bin struct {
	lo, hi, conf float64
}

// calibration maps raw label scores to calibrated confidences, one table for outcomes and one
// for error types.
type calibration struct {
	outcome, errors []bin
	// letter is the confidence of an outcome the letter model named (Case.OutcomeModel): how
	// often its decisions were right on first-scored letters it never saw (0: none measured;
	// the outcome bins apply).
	letter float64
}

// parseCalibration reads the calibration file: lines "outcome|error LO HI CONFIDENCE".
func parseCalibration(src string) (calibration, error) {
	var c calibration
	sc := bufio.NewScanner(strings.NewReader(src))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return c, fmt.Errorf("classify: calibration line %d: want \"outcome|error LO HI CONFIDENCE\"", n)
		}
		var v [3]float64
		for k := range v {
			x, err := strconv.ParseFloat(f[k+1], 64)
			if err != nil || x < 0 || x > 1.0001 {
				return c, fmt.Errorf("classify: calibration line %d: %q is not in [0,1]", n, f[k+1])
			}
			v[k] = x
		}
		b := bin{lo: v[0], hi: v[1], conf: v[2]}
		switch f[0] {
		case "outcome":
			c.outcome = append(c.outcome, b)
		case "error":
			c.errors = append(c.errors, b)
		case "letter":
			c.letter = b.conf
		default:
			return c, fmt.Errorf("classify: calibration line %d: unknown kind %q", n, f[0])
		}
	}
	return c, sc.Err()
}

// confidence maps a raw score through bins; without bins (or outside them) the raw score is its
// own estimate.
func confidence(bins []bin, raw float64) float64 {
	for _, b := range bins {
		if raw >= b.lo && raw < b.hi {
			return b.conf
		}
	}
	if n := len(bins); n > 0 && raw >= bins[n-1].hi {
		return bins[n-1].conf
	}
	return round3(min(max(raw, 0), 1))
}

// outcomeRaw is the raw score of a case's outcome: the score of its best evidence, lowered when
// the counted evidence also states other outcomes (a partial result or a conflict).
func outcomeRaw(o omgjort.Outcome, ev []omgjort.Evidence) float64 {
	if o == omgjort.OutcomeUkendt || len(ev) == 0 {
		return 0
	}
	best := 0.0
	for _, e := range ev {
		best = max(best, e.Score)
	}
	return best
}

// Observation is one label the classifier gave, with its raw score and whether the labelled
// letter agrees: the input of calibration and of the reliability table.
type Observation struct {
	Raw     float64
	Correct bool
}

// Observations classifies the labelled cases and returns the outcome and error-type
// observations (every predicted error label; an ukendt outcome is not a prediction).
func (c *Classifier) Observations(gold []GoldCase) (outcomes, errs []Observation) {
	for _, g := range gold {
		got := c.ClassifyCase(g.Text)
		// The letter model's outcomes have a confidence of their own (LetterConfidence).
		if got.Outcome != omgjort.OutcomeUkendt && !got.OutcomeModel {
			outcomes = append(outcomes, Observation{Raw: outcomeRaw(got.Outcome, got.OutcomeEvidence), Correct: got.Outcome == g.Outcome})
		}
		want := map[omgjort.ErrorType]bool{}
		for _, e := range g.Errors {
			want[e] = true
		}
		for _, l := range got.Errors {
			errs = append(errs, Observation{Raw: l.Score, Correct: want[l.Type]})
		}
	}
	return outcomes, errs
}

// calibrate fits isotonic (pool-adjacent-violators) bins to observations: raw scores sorted,
// adjacent groups merged until the observed share of correct labels rises with the raw score
// and every bin holds at least minBin labels. Each bin's confidence is its share shrunk towards
// its mean raw score (priorWeight pseudo-labels), so a small or all-correct bin never claims
// certainty; confidences never fall as the raw score rises.
func calibrate(obs []Observation) []bin {
	if len(obs) == 0 {
		return nil
	}
	sorted := append([]Observation(nil), obs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Raw < sorted[j].Raw })
	type block struct {
		ok, n    int
		sumRaw   float64
		rawLast  float64
		rawFirst float64
	}
	var bs []block
	for i := 0; i < len(sorted); {
		j := i
		ok := 0
		for j < len(sorted) && sorted[j].Raw == sorted[i].Raw {
			if sorted[j].Correct {
				ok++
			}
			j++
		}
		bs = append(bs, block{rawFirst: sorted[i].Raw, rawLast: sorted[i].Raw, ok: ok, n: j - i, sumRaw: sorted[i].Raw * float64(j-i)})
		for len(bs) > 1 {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			// Merge while the share does not rise, and while the earlier block is too small
			// to say anything on its own.
			if float64(a.ok)*float64(b.n) <= float64(b.ok)*float64(a.n) && a.n >= minBin {
				break
			}
			bs = bs[:len(bs)-2]
			bs = append(bs, block{rawFirst: a.rawFirst, rawLast: b.rawLast, ok: a.ok + b.ok, n: a.n + b.n, sumRaw: a.sumRaw + b.sumRaw})
		}
		i = j
	}
	// A last block too small to stand alone joins the one before it.
	for len(bs) > 1 && bs[len(bs)-1].n < minBin {
		a, b := bs[len(bs)-2], bs[len(bs)-1]
		bs = append(bs[:len(bs)-2], block{rawFirst: a.rawFirst, rawLast: b.rawLast, ok: a.ok + b.ok, n: a.n + b.n, sumRaw: a.sumRaw + b.sumRaw})
	}
	out := make([]bin, 0, len(bs))
	prev := 0.0
	for k, b := range bs {
		lo := 0.0
		if k > 0 {
			lo = (bs[k-1].rawLast + b.rawFirst) / 2
		}
		hi := 1.0001
		if k+1 < len(bs) {
			hi = (b.rawLast + bs[k+1].rawFirst) / 2
		}
		// The bin's share, shrunk towards its mean raw score by priorWeight pseudo-labels:
		// the letters it was fitted on were mostly tuned on, so the raw score keeps a say.
		conf := max(prev, min(maxConfidence, round3((float64(b.ok)+priorWeight*b.sumRaw/float64(b.n))/(float64(b.n)+priorWeight))))
		prev = conf
		out = append(out, bin{lo: round3(lo), hi: round3(hi), conf: conf})
	}
	return out
}

// minBin is the fewest observations a calibration bin may hold.
const minBin = 10

// maxConfidence caps a confidence: no label read from text is certain.
const maxConfidence = 0.99

// priorWeight is how many pseudo-observations at the bin's mean raw score each bin starts with.
const priorWeight = 30.0

// writeCalibration renders fitted bins in the calibration.txt format.
func writeCalibration(outcome, errs []bin, sources []string) string {
	var b strings.Builder
	b.WriteString("# Calibration of the classifier's confidences: raw score → probability that the label is\n")
	b.WriteString("# right, fitted by isotonic regression on labelled letters (bins of at least 10 labels, each\n")
	b.WriteString("# shrunk towards its mean raw score by 30 pseudo-labels).\n")
	b.WriteString("# Written by `omgjort eval --calibrate classify/calibration.txt " + strings.Join(sources, " ") + "`; do not edit by hand.\n")
	b.WriteString("# kind    lo      hi      confidence\n")
	for _, x := range outcome {
		fmt.Fprintf(&b, "outcome %.3f %.3f %.3f\n", x.lo, x.hi, x.conf)
	}
	for _, x := range errs {
		fmt.Fprintf(&b, "error   %.3f %.3f %.3f\n", x.lo, x.hi, x.conf)
	}
	return b.String()
}

// Reliability is one row of a reliability diagram: the labels whose confidence fell in
// [Lo, Hi), their mean confidence and the share that were right.
type Reliability struct {
	Lo, Hi         float64
	N              int
	MeanConfidence float64
	Observed       float64
}

// ReliabilityTable bins labels by their calibrated confidence (bins of width 0.1) and compares
// the mean confidence with the share that were right.
func (c *Classifier) ReliabilityTable(gold []GoldCase) (outcome, errs []Reliability) {
	table := func(conf []float64, ok []bool) []Reliability {
		rows := make([]Reliability, 10)
		for k := range rows {
			rows[k].Lo, rows[k].Hi = float64(k)/10, float64(k+1)/10
		}
		for i, x := range conf {
			k := min(int(x*10), 9)
			rows[k].N++
			rows[k].MeanConfidence += x
			if ok[i] {
				rows[k].Observed++
			}
		}
		var out []Reliability
		for _, r := range rows {
			if r.N == 0 {
				continue
			}
			r.MeanConfidence /= float64(r.N)
			r.Observed /= float64(r.N)
			out = append(out, r)
		}
		return out
	}
	var oc, ec []float64
	var ook, eok []bool
	for _, g := range gold {
		got := c.ClassifyCase(g.Text)
		if got.Outcome != omgjort.OutcomeUkendt {
			oc = append(oc, got.OutcomeConfidence)
			ook = append(ook, got.Outcome == g.Outcome)
		}
		want := map[omgjort.ErrorType]bool{}
		for _, e := range g.Errors {
			want[e] = true
		}
		for _, l := range got.Errors {
			ec = append(ec, l.Confidence)
			eok = append(eok, want[l.Type])
		}
	}
	return table(oc, ook), table(ec, eok)
}

// FirstScore is what a held-out set's FIRST-SCORE.txt records: how the classifier did on the
// set when it had never been tuned on it. Pooled over sets, it says how far confidences fitted
// on tuned letters overstate how often a label is right on new text.
type FirstScore struct {
	Letters         int
	OutcomeAccuracy float64
	ErrorPrecision  float64
	// Outcomes is the outcome the first score gave each letter it got wrong, by file name
	// (every other letter got its labelled outcome): what ReplayLetterModel starts from.
	Outcomes map[string]omgjort.Outcome
	// WithLetterModel: the first score was made by a classifier that had the letter model
	// already (its first line says so), so it cannot measure the letter model.
	WithLetterModel bool
}

var (
	firstOutcome = regexp.MustCompile(`(?m)^Udfald: træfsikkerhed ([0-9.]+) \((\d+)/(\d+)\)`)
	firstErrors  = regexp.MustCompile(`(?m)^Fejltyper: micro-F1 [0-9.]+ \(præcision ([0-9.]+),`)
	firstMiss    = regexp.MustCompile(`(?m)^- (\S+): udfald forventet \w+, fik (\w+)$`)
)

// LoadFirstScore reads dir/FIRST-SCORE.txt; ok is false when the set has none (a set that was
// never scored before tuning). The first "Udfald" and "Fejltyper" lines are the first score;
// lines after them compare other classifiers.
func LoadFirstScore(dir string) (fs FirstScore, ok bool, err error) {
	raw, err := os.ReadFile(filepath.Join(dir, "FIRST-SCORE.txt"))
	if errors.Is(err, os.ErrNotExist) {
		return FirstScore{}, false, nil
	}
	if err != nil {
		return FirstScore{}, false, fmt.Errorf("classify: first score: %w", err)
	}
	o := firstOutcome.FindSubmatch(raw)
	e := firstErrors.FindSubmatch(raw)
	if o == nil || e == nil {
		return FirstScore{}, false, fmt.Errorf("classify: %s/FIRST-SCORE.txt has no Udfald or Fejltyper line", dir)
	}
	fs.OutcomeAccuracy, _ = strconv.ParseFloat(string(o[1]), 64)
	fs.Letters, _ = strconv.Atoi(string(o[3]))
	fs.ErrorPrecision, _ = strconv.ParseFloat(string(e[1]), 64)
	// The misses of the first score end where a later classifier's report starts.
	first := raw
	if i := firstOutcome.FindIndex(raw); i != nil {
		if j := firstOutcome.FindIndex(raw[i[1]:]); j != nil {
			first = raw[:i[1]+j[0]]
		}
	}
	head, _, _ := strings.Cut(string(raw), "\n")
	fs.WithLetterModel = strings.Contains(head, "letter model")
	fs.Outcomes = map[string]omgjort.Outcome{}
	for _, m := range firstMiss.FindAllSubmatch(first, -1) {
		fs.Outcomes[string(m[1])] = omgjort.Outcome(m[2])
	}
	return fs, true, nil
}

// newTextFactor is how much to scale the confidences fitted on tuned letters: the pooled first
// score (letters-weighted) over the share right on the tuned letters, at most 1.
func newTextFactor(first []FirstScore, pick func(FirstScore) float64, obs []Observation) (factor, fresh, tuned float64) {
	n := 0
	for _, f := range first {
		fresh += pick(f) * float64(f.Letters)
		n += f.Letters
	}
	if n == 0 || len(obs) == 0 {
		return 1, 0, 0
	}
	fresh /= float64(n)
	right := 0
	for _, o := range obs {
		if o.Correct {
			right++
		}
	}
	tuned = float64(right) / float64(len(obs))
	return min(1, fresh/tuned), fresh, tuned
}

// CalibrationForDirs loads the labelled letters of dirs (each under base; the file's header
// names them as given), their first scores and the letter model's measure (LetterConfidence),
// and returns CalibrationFor over them, with the number of letters.
func (c *Classifier) CalibrationForDirs(base string, dirs []string) (string, int, error) {
	var all []GoldCase
	var groups [][]GoldCase
	var first []FirstScore
	firstByDir := make([]*FirstScore, len(dirs))
	for i, dir := range dirs {
		cases, err := LoadGold(filepath.Join(base, dir))
		if err != nil {
			return "", 0, err
		}
		all, groups = append(all, cases...), append(groups, cases)
		f, ok, err := LoadFirstScore(filepath.Join(base, dir))
		if err != nil {
			return "", 0, err
		}
		if ok {
			first = append(first, f)
			firstByDir[i] = &f
		}
	}
	var letter *LetterReplay
	if r, ok := c.LetterConfidence(groups, firstByDir); ok {
		letter = &r
	}
	return c.CalibrationFor(all, dirs, first, letter), len(all), nil
}

// CalibrationFor fits outcome and error-type calibrations on labelled letters and renders them
// in the calibration.txt format (sources names the directories, for the file's header). The
// fit uses the raw scores, so it does not depend on the calibration in force.
//
// The letters it is fitted on have been tuned on, so nearly every label on them is right. When
// first scores of never-tuned sets are given, each confidence is scaled by the pooled first
// score over the share right on the tuned letters (outcome accuracy for outcomes, precision for
// error types), so a confidence says how often such a label is right on new text.
//
// letter, when given, is the letter model measured on first scores (LetterConfidence): the
// confidence of the outcomes it names.
func (c *Classifier) CalibrationFor(gold []GoldCase, sources []string, first []FirstScore, letter *LetterReplay) string {
	oc, ec := c.Observations(gold)
	ob, eb := calibrate(oc), calibrate(ec)
	of, ofresh, otuned := newTextFactor(first, func(f FirstScore) float64 { return f.OutcomeAccuracy }, oc)
	ef, efresh, etuned := newTextFactor(first, func(f FirstScore) float64 { return f.ErrorPrecision }, ec)
	for i := range ob {
		ob[i].conf = round3(ob[i].conf * of)
	}
	for i := range eb {
		eb[i].conf = round3(eb[i].conf * ef)
	}
	text := writeCalibration(ob, eb, sources)
	if len(first) > 0 {
		letters := 0
		for _, f := range first {
			letters += f.Letters
		}
		note := fmt.Sprintf("# New text: first scores of %d never-tuned sets (%d letters): outcome accuracy %.3f, error-type precision %.3f;\n# on the letters above %.3f and %.3f; confidences scaled by %.3f (outcome) and %.3f (error types).\n",
			len(first), letters, ofresh, efresh, otuned, etuned, of, ef)
		text = strings.Replace(text, "# kind ", note+"# kind ", 1)
	}
	if letter != nil {
		n, right := letter.Fallbacks+letter.Overrides, letter.FallbacksRight+letter.OverridesRight
		text = strings.Replace(text, "# kind ", fmt.Sprintf("# Letter model: learned from the folders before the last quarter of the sets first scored by the rules alone,\n# it named %d outcomes in their %d letters' first scores, %d of them right; (right + 1) / (named + 2) is its confidence.\n# kind ", n, letter.Letters, right), 1)
		text += fmt.Sprintf("letter  0.000 1.000 %.3f\n", float64(right+1)/float64(n+2))
	}
	return text
}
