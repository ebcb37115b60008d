package classify

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"omgjort"
)

// realLabels is the labels file for the concrete decisions of the real ast.dk corpus
// (../shared/corpus/astdk-real), read and labelled by hand; the texts stay outside the repo.
//
//go:embed real-labels.txt
var realLabels string

// GoldCase is one case letter with the labels a legal reader gives it: the yardstick the
// classifier is measured against.
type GoldCase struct {
	// Name identifies the case in reports: a file name, or "number/case" for real decisions.
	Name    string
	Text    string
	Outcome omgjort.Outcome
	Errors  []omgjort.ErrorType
	Kritik  bool
	Ugyldig bool
	// Traps names what in the letter could mislead a classifier (claims, negations …).
	Traps []string
}

// FirstScoreFile is the record, beside a held-out set's letters, of the score the set got the
// one time it was measured before anything was changed because of it; LoadGold skips it.
const FirstScoreFile = "FIRST-SCORE.txt"

// LoadGold reads every *.txt file in dir (but FirstScoreFile) as one labelled letter. A file starts with header
// lines "key: value" (outcome, errors, kritik, ugyldig, traps; "ja"/"nej" for the flags,
// comma-separated slugs for errors and traps), then a blank line, then the letter.
func LoadGold(dir string) ([]GoldCase, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("classify: gold set: %w", err)
	}
	var files []string
	for _, f := range all {
		// A held-out set keeps the record of its first score beside its letters.
		if filepath.Base(f) != FirstScoreFile {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("classify: gold set: no *.txt letters in %s", dir)
	}
	sort.Strings(files)
	out := make([]GoldCase, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("classify: gold set: %w", err)
		}
		g, err := parseGold(filepath.Base(f), string(raw))
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// parseGold reads one gold letter file.
func parseGold(name, src string) (GoldCase, error) {
	g := GoldCase{Name: name, Errors: []omgjort.ErrorType{}}
	src = strings.ReplaceAll(src, "\r\n", "\n")
	head, body, ok := strings.Cut(src, "\n\n")
	if !ok {
		return g, fmt.Errorf("classify: gold %s: no blank line between header and letter", name)
	}
	g.Text = strings.TrimSpace(body)
	seen := map[string]bool{}
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return g, fmt.Errorf("classify: gold %s: header line %q is not \"key: value\"", name, line)
		}
		k, v = strings.TrimSpace(strings.ToLower(k)), strings.TrimSpace(v)
		seen[k] = true
		var err error
		switch k {
		case "outcome":
			g.Outcome = omgjort.Outcome(v)
			if !g.Outcome.Valid() {
				err = fmt.Errorf("unknown outcome %q", v)
			}
		case "errors":
			for _, e := range splitList(v) {
				t := omgjort.ErrorType(e)
				if !t.Valid() {
					err = fmt.Errorf("unknown error type %q", e)
				}
				g.Errors = append(g.Errors, t)
			}
		case "kritik":
			g.Kritik, err = yesNo(v)
		case "ugyldig":
			g.Ugyldig, err = yesNo(v)
		case "traps":
			g.Traps = splitList(v)
		default:
			err = fmt.Errorf("unknown header %q", k)
		}
		if err != nil {
			return g, fmt.Errorf("classify: gold %s: %w", name, err)
		}
	}
	for _, k := range []string{"outcome", "errors", "kritik", "ugyldig"} {
		if !seen[k] {
			return g, fmt.Errorf("classify: gold %s: header %q missing", name, k)
		}
	}
	if g.Text == "" {
		return g, fmt.Errorf("classify: gold %s: empty letter", name)
	}
	return g, nil
}

// splitList splits "a, b,c" into its non-empty items; "-" or "" is the empty list.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" && s != "-" {
			out = append(out, s)
		}
	}
	return out
}

// yesNo reads a Danish (or English) yes/no.
func yesNo(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "ja", "yes", "true":
		return true, nil
	case "nej", "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("want ja or nej, got %q", v)
}

// IsCorpusDir reports whether dir holds crawled corpus records (*.json) rather than gold
// letters, so `omgjort eval DIR` can tell the two apart.
func IsCorpusDir(dir string) bool {
	js, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	txt, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	return len(js) > 0 && len(txt) == 0
}

// LoadReal reads the corpus records in dir (JSON with decision_number and text), cuts each into
// its cases, and pairs them with the hand-made labels of real-labels.txt. A case without a
// label, or a label without a case, is an error: the labels must describe the corpus exactly.
func LoadReal(dir string) ([]GoldCase, error) {
	labels, err := parseRealLabels(realLabels)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("classify: real corpus: no *.json records in %s", dir)
	}
	sort.Strings(files)
	var out []GoldCase
	used := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("classify: real corpus: %w", err)
		}
		var rec struct {
			Number string `json:"decision_number"`
			Text   string `json:"text"`
		}
		if err := json.Unmarshal(raw, &rec); err != nil {
			return nil, fmt.Errorf("classify: real corpus %s: %w", f, err)
		}
		for _, cs := range SplitCases(rec.Text) {
			key := rec.Number + "/" + cs.ID
			g, ok := labels[key]
			if !ok {
				return nil, fmt.Errorf("classify: real corpus: case %s (%s) has no label in real-labels.txt", key, filepath.Base(f))
			}
			used[key] = true
			g.Text = cs.Text
			out = append(out, g)
		}
	}
	for k := range labels {
		if !used[k] {
			return nil, fmt.Errorf("classify: real corpus: label %s matches no case in %s", k, dir)
		}
	}
	return out, nil
}

// parseRealLabels reads real-labels.txt: per line "NUMBER CASE OUTCOME KRITIK UGYLDIG ERRORS".
func parseRealLabels(src string) (map[string]GoldCase, error) {
	out := map[string]GoldCase{}
	sc := bufio.NewScanner(strings.NewReader(src))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 6 {
			return nil, fmt.Errorf("classify: real-labels.txt line %d: want 6 columns, got %d", n, len(f))
		}
		g := GoldCase{Name: f[0] + "/" + f[1], Outcome: omgjort.Outcome(f[2]), Errors: []omgjort.ErrorType{}}
		if !g.Outcome.Valid() {
			return nil, fmt.Errorf("classify: real-labels.txt line %d: unknown outcome %q", n, f[2])
		}
		var err error
		if g.Kritik, err = yesNo(f[3]); err != nil {
			return nil, fmt.Errorf("classify: real-labels.txt line %d: kritik: %w", n, err)
		}
		if g.Ugyldig, err = yesNo(f[4]); err != nil {
			return nil, fmt.Errorf("classify: real-labels.txt line %d: ugyldig: %w", n, err)
		}
		for _, e := range splitList(f[5]) {
			t := omgjort.ErrorType(e)
			if !t.Valid() {
				return nil, fmt.Errorf("classify: real-labels.txt line %d: unknown error type %q", n, e)
			}
			g.Errors = append(g.Errors, t)
		}
		if _, dup := out[g.Name]; dup {
			return nil, fmt.Errorf("classify: real-labels.txt line %d: %s labelled twice", n, g.Name)
		}
		out[g.Name] = g
	}
	return out, sc.Err()
}

// Counts are the confusion counts of one binary label.
type Counts struct {
	TP, FP, FN int
}

// Precision is TP/(TP+FP); 1 when nothing was predicted (no false alarms).
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN); 1 when there was nothing to find.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	if c.TP == 0 {
		if c.FP == 0 && c.FN == 0 {
			return 1
		}
		return 0
	}
	p, r := c.Precision(), c.Recall()
	return 2 * p * r / (p + r)
}

// Support is the number of cases that truly have the label.
func (c Counts) Support() int { return c.TP + c.FN }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Miss is one disagreement between the classifier and the gold labels, with the evidence the
// classifier had (none for a label it missed).
type Miss struct {
	Case string
	// What is "udfald", "kritik", "ugyldig" or an error-type slug.
	What string
	Want string
	Got  string
	// Evidence is what the classifier based its (wrong) label on.
	Evidence []omgjort.Evidence
}

// Report is the result of an evaluation.
type Report struct {
	Cases            int
	OutcomeCorrect   int
	OutcomeMajority  omgjort.Outcome
	MajorityCorrect  int
	Errors           map[omgjort.ErrorType]Counts
	Kritik, Ugyldig  Counts
	Misses           []Miss
	Micro            Counts
	RulesVersion     string
	ErrorCasesWithin int // cases whose error set is exactly right
	// Signals tell how right the labels were by the signals behind them, so the queue's
	// reasons can be judged on labelled letters: rule labels the model agrees with, rule labels
	// it disagrees with (ModelScore below omgjort.ModelDisagreesBelow), labels only the model
	// found, and the model's suggestions below its threshold.
	Agreed, Disagreed, ModelOnly, Suggested Signal
	// Vetoed counts the rule labels the model rejected firmly (DefaultModelVeto): offered as
	// suggestions, not set.
	Vetoed Signal
}

// Signal counts labels of one kind and how many of them the gold labels hold.
type Signal struct{ Labels, Right int }

// count adds one label of the kind.
func (s *Signal) count(right bool) {
	s.Labels++
	if right {
		s.Right++
	}
}

// OutcomeAccuracy is the share of cases with the right outcome.
func (r *Report) OutcomeAccuracy() float64 { return ratio(r.OutcomeCorrect, r.Cases) }

// BaselineAccuracy is the outcome accuracy of always answering the most common outcome.
func (r *Report) BaselineAccuracy() float64 { return ratio(r.MajorityCorrect, r.Cases) }

// MicroF1 is F1 over all error-type decisions pooled.
func (r *Report) MicroF1() float64 { return r.Micro.F1() }

// MacroF1 is the mean F1 over the error types that occur in the gold labels or the
// predictions; a type absent from both says nothing and is left out.
func (r *Report) MacroF1() float64 {
	sum, n := 0.0, 0
	for _, t := range omgjort.ErrorTypes {
		c := r.Errors[t]
		if c.TP+c.FP+c.FN == 0 {
			continue
		}
		sum += c.F1()
		n++
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}

// Targets are the quality bars of the issue: outcome accuracy, micro and macro F1 over error
// types, and precision on every error type with enough support.
type Targets struct {
	OutcomeAccuracy float64
	MicroF1         float64
	MacroF1         float64
	Precision       float64
	// MinSupport is the support from which a label's precision is held to Precision.
	MinSupport int
}

// GoldTargets are the targets the gold set must meet (`omgjort eval --check`, .ci/run).
var GoldTargets = Targets{OutcomeAccuracy: 0.98, MicroF1: 0.90, MacroF1: 0.80, Precision: 0.90, MinSupport: 4}

// Check returns one Danish sentence per target the report misses; none means all are met.
func (r *Report) Check(t Targets) []string {
	var out []string
	if a := r.OutcomeAccuracy(); a < t.OutcomeAccuracy {
		out = append(out, fmt.Sprintf("udfaldets træfsikkerhed %.3f er under målet %.2f", a, t.OutcomeAccuracy))
	}
	if f := r.MicroF1(); f < t.MicroF1 {
		out = append(out, fmt.Sprintf("fejltyper micro-F1 %.3f er under målet %.2f", f, t.MicroF1))
	}
	if f := r.MacroF1(); f < t.MacroF1 {
		out = append(out, fmt.Sprintf("fejltyper macro-F1 %.3f er under målet %.2f", f, t.MacroF1))
	}
	for _, et := range omgjort.ErrorTypes {
		c := r.Errors[et]
		if c.Support() >= t.MinSupport && c.Precision() < t.Precision {
			out = append(out, fmt.Sprintf("præcision for %s %.3f er under målet %.2f", et, c.Precision(), t.Precision))
		}
	}
	return out
}

// Evaluate classifies every gold case and compares the result with its labels.
func (c *Classifier) Evaluate(gold []GoldCase) *Report {
	r := &Report{Cases: len(gold), Errors: map[omgjort.ErrorType]Counts{}, RulesVersion: c.version}
	freq := map[omgjort.Outcome]int{}
	for _, g := range gold {
		freq[g.Outcome]++
	}
	for _, o := range omgjort.Outcomes {
		if freq[o] > r.MajorityCorrect {
			r.OutcomeMajority, r.MajorityCorrect = o, freq[o]
		}
	}
	for _, g := range gold {
		got := c.ClassifyCase(g.Text)
		if got.Outcome == g.Outcome {
			r.OutcomeCorrect++
		} else {
			r.Misses = append(r.Misses, Miss{Case: g.Name, What: "udfald", Want: string(g.Outcome), Got: string(got.Outcome), Evidence: got.OutcomeEvidence})
		}
		r.Kritik = flagCount(r, g.Name, "kritik", r.Kritik, g.Kritik, got.Kritik, got.KritikEvidence)
		r.Ugyldig = flagCount(r, g.Name, "ugyldig", r.Ugyldig, g.Ugyldig, got.Ugyldig, got.UgyldigEvidence)
		want := map[omgjort.ErrorType]bool{}
		for _, e := range g.Errors {
			want[e] = true
		}
		have := map[omgjort.ErrorType]omgjort.ErrorLabel{}
		for _, l := range got.Errors {
			have[l.Type] = l
		}
		for _, l := range got.Errors {
			switch {
			case l.Model:
				r.ModelOnly.count(want[l.Type])
			case l.ModelScore != nil && *l.ModelScore < omgjort.ModelDisagreesBelow:
				r.Disagreed.count(want[l.Type])
			default:
				r.Agreed.count(want[l.Type])
			}
		}
		for _, l := range got.Suggestions {
			if l.Model {
				r.Suggested.count(want[l.Type])
			} else {
				r.Vetoed.count(want[l.Type])
			}
		}
		exact := true
		for _, t := range omgjort.ErrorTypes {
			cnt := r.Errors[t]
			l, h := have[t]
			switch {
			case want[t] && h:
				cnt.TP++
				r.Micro.TP++
			case want[t]:
				cnt.FN++
				r.Micro.FN++
				exact = false
				r.Misses = append(r.Misses, Miss{Case: g.Name, What: string(t), Want: "ja", Got: "nej"})
			case h:
				cnt.FP++
				r.Micro.FP++
				exact = false
				r.Misses = append(r.Misses, Miss{Case: g.Name, What: string(t), Want: "nej", Got: "ja", Evidence: l.Evidence})
			}
			r.Errors[t] = cnt
		}
		if exact {
			r.ErrorCasesWithin++
		}
	}
	return r
}

// flagCount updates the counts of a flag and records a miss.
func flagCount(r *Report, name, what string, c Counts, want, got bool, ev []omgjort.Evidence) Counts {
	switch {
	case want && got:
		c.TP++
	case want:
		c.FN++
		r.Misses = append(r.Misses, Miss{Case: name, What: what, Want: "ja", Got: "nej"})
	case got:
		c.FP++
		r.Misses = append(r.Misses, Miss{Case: name, What: what, Want: "nej", Got: "ja", Evidence: ev})
	}
	return c
}

// SignalsLine says in one Danish line how right the labels were by the signals behind them.
func (r *Report) SignalsLine() string {
	sig := func(name string, s Signal) string {
		return fmt.Sprintf("%s %d (%d rigtige, %.2f)", name, s.Labels, s.Right, ratio(s.Right, s.Labels))
	}
	return fmt.Sprintf("Signaler: %s; %s; %s; forslag (ikke sat): %s, %s", sig("regler og model enige", r.Agreed), sig("modellen uenig", r.Disagreed),
		sig("kun modellen", r.ModelOnly), sig("reglernes, modellen afviser", r.Vetoed), sig("modellens under tærsklen", r.Suggested))
}

// Print writes the report as a readable Danish table, then every miss with its evidence.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "Regelversion %s, %d sager\n\n", r.RulesVersion, r.Cases)
	fmt.Fprintf(w, "Udfald: træfsikkerhed %.3f (%d/%d); flertalsklassen %q alene giver %.3f\n\n",
		r.OutcomeAccuracy(), r.OutcomeCorrect, r.Cases, r.OutcomeMajority, r.BaselineAccuracy())
	fmt.Fprintf(w, "%-18s %9s %9s %9s %8s\n", "Label", "præcision", "genkald", "F1", "støtte")
	row := func(name string, c Counts) {
		fmt.Fprintf(w, "%-18s %9.3f %9.3f %9.3f %8d", name, c.Precision(), c.Recall(), c.F1(), c.Support())
		if c.FP > 0 || c.FN > 0 {
			fmt.Fprintf(w, "   (%d falske fund, %d oversete)", c.FP, c.FN)
		}
		fmt.Fprintln(w)
	}
	for _, t := range omgjort.ErrorTypes {
		row(string(t), r.Errors[t])
	}
	fmt.Fprintln(w)
	row("kritik", r.Kritik)
	row("ugyldig", r.Ugyldig)
	fmt.Fprintf(w, "\nFejltyper: micro-F1 %.3f (præcision %.3f, genkald %.3f), macro-F1 %.3f\n",
		r.MicroF1(), r.Micro.Precision(), r.Micro.Recall(), r.MacroF1())
	fmt.Fprintf(w, "Sager med præcis de rigtige fejltyper: %d/%d; flertalsgrundlinjen (ingen fejltyper) giver micro-F1 0\n", r.ErrorCasesWithin, r.Cases)
	fmt.Fprintln(w, r.SignalsLine())
	if len(r.Misses) == 0 {
		fmt.Fprintln(w, "\nIngen fejl.")
		return
	}
	fmt.Fprintf(w, "\nAfvigelser (%d):\n", len(r.Misses))
	for _, m := range r.Misses {
		fmt.Fprintf(w, "- %s: %s forventet %s, fik %s\n", m.Case, m.What, m.Want, m.Got)
		if len(m.Evidence) == 0 && m.Got != "nej" {
			fmt.Fprintln(w, "    (intet belæg)")
		}
		for _, e := range m.Evidence {
			fmt.Fprintf(w, "    [%s %d:%d, %.2f] »%s«\n", e.Section, e.Start, e.End, e.Score, shorten(e.Text, 240))
		}
	}
}

// shorten cuts s to about n bytes at a rune boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + " …"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
