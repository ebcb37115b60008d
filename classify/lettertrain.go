package classify

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"omgjort"
)

// LetterModelOptions are the settings of TrainLetterModel; DefaultLetterModelOptions are the
// ones letter-model.txt was trained with.
type LetterModelOptions struct {
	// Epochs of stochastic gradient descent.
	Epochs int
	// L2 is the weight decay per update.
	L2 float64
	// MinLetters drops features found in fewer letters.
	MinLetters int
	// MinWeight drops features whose weights are all smaller: a smaller model is looked up
	// faster.
	MinWeight float64
}

// DefaultLetterModelOptions are the settings of the embedded letter model (see the thresholds
// in lettermodel.go for how they were measured). Dropping the features whose weights all stay
// below 0.1 keeps 7,837 of 36,685 (the model of the replay with K = 127) and the replayed
// outcomes alike (1,208 of 1,222 right either way; with K = 100 1,884 against 1,885), and
// makes the model's look-ups cheaper.
var DefaultLetterModelOptions = LetterModelOptions{Epochs: 15, L2: 1e-4, MinLetters: 3, MinWeight: 0.1}

// letterModelOutcomes are the classes of the letter model, in the order of its weights.
var letterModelOutcomes = []omgjort.Outcome{omgjort.OutcomeStadfaestet, omgjort.OutcomeAendret, omgjort.OutcomeOphaevet, omgjort.OutcomeHjemvist, omgjort.OutcomeAfvist, omgjort.OutcomeUkendt}

// letterFeatureNames returns the distinct features of a letter as the letter model reads it,
// by name ("R:" before a result-block feature), in order of first occurrence.
func (c *Classifier) letterFeatureNames(text string) []string {
	if inputProblem(text) != "" {
		return nil
	}
	sents := c.rs().segment(text)
	seen := map[string]bool{}
	var out, buf []string
	for _, s := range sents {
		if !letterRead(s) {
			continue
		}
		buf = sentenceFeatures(s.lower(text), buf)
		for _, f := range buf {
			if s.result {
				f = "R:" + f
			}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// TrainLetterModel learns the letter model from labelled letters (multinomial logistic
// regression by stochastic gradient descent, a fixed seed: the same letters give the same
// file) and returns it in the letter-model.txt format. sources name the letters' folders for the file's header.
func (c *Classifier) TrainLetterModel(gold []GoldCase, opt LetterModelOptions, sources []string) string {
	m, vocab := c.trainLetter(gold, opt)
	var b strings.Builder
	b.WriteString(letterModelHeader)
	fmt.Fprintf(&b, "# Written by `omgjort eval --train-letter-model classify/letter-model.txt %s`; do not edit by hand.\n", strings.Join(sources, " "))
	fmt.Fprintf(&b, "# %d letters; options: epochs %d, L2 %g, features in ≥ %d letters, with a weight of at least %g.\n", len(gold), opt.Epochs, opt.L2, opt.MinLetters, opt.MinWeight)
	row := func(name string, vals []float64) { writeWeightRow(&b, name, vals, 3) }
	b.WriteString("outcomes\t")
	for i, o := range letterModelOutcomes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(o))
	}
	b.WriteByte('\n')
	row("bias", m.bias)
	for j, f := range vocab {
		if m.weights[j] != nil {
			row(strings.ReplaceAll(f, " ", "_"), m.weights[j])
		}
	}
	return b.String()
}

// letterModelHeader opens letter-model.txt.
const letterModelHeader = `# Omgjort letter model: a multinomial logistic model of a letter's outcome (labels.md) over the
# words of its decision part (every sentence outside the quoted rules, the facts and the appeal
# guidance). Each line below "bias" is a feature — a word stem, "!stem" (within four words
# after "ikke", "ingen", "uden" …) or a pair of neighbouring stems ("_" between them), with "R:"
# before it when the sentence stands in the result block — with its weight for each outcome in
# the order of the "outcomes" line; a feature counts once per letter. Learned from the
# labelled letters by TrainLetterModel; see classify/lettermodel.go for when it decides.
`

// trainedLetterModel is the letter model as weight rows by feature id.
type trainedLetterModel struct {
	bias    []float64
	weights [][]float64
}

// trainLetter builds the letter model and its sorted feature list.
func (c *Classifier) trainLetter(gold []GoldCase, opt LetterModelOptions) (*trainedLetterModel, []string) {
	class := map[omgjort.Outcome]int{}
	for k, o := range letterModelOutcomes {
		class[o] = k
	}
	names := make([][]string, len(gold))
	count := map[string]int{}
	for i, g := range gold {
		names[i] = c.letterFeatureNames(g.Text)
		for _, f := range names[i] {
			count[f]++
		}
	}
	vocab, id := vocabulary(count, opt.MinLetters)
	type example struct {
		feats []int32
		y     int
	}
	var ex []example
	for i, g := range gold {
		y, ok := class[g.Outcome]
		if !ok {
			continue
		}
		var fs []int32
		for _, f := range names[i] {
			if j, ok := id[f]; ok {
				fs = append(fs, j)
			}
		}
		ex = append(ex, example{fs, y})
	}
	K := len(letterModelOutcomes)
	m := &trainedLetterModel{bias: make([]float64, K), weights: make([][]float64, len(vocab))}
	for j := range m.weights {
		m.weights[j] = make([]float64, K)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	// Plain stochastic gradient descent with a step that shrinks by a fifth each epoch.
	rate := 0.05
	z := make([]float64, K)
	for ep := 0; ep < opt.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, oi := range order {
			e := ex[oi]
			copy(z, m.bias)
			for _, j := range e.feats {
				for k, v := range m.weights[j] {
					z[k] += v
				}
			}
			p := softmax(z)
			for k := 0; k < K; k++ {
				g := p[k]
				if k == e.y {
					g--
				}
				m.bias[k] -= rate * g
				for _, j := range e.feats {
					m.weights[j][k] -= rate * (g + opt.L2*m.weights[j][k])
				}
			}
		}
		rate *= 0.8
	}
	// Drop the features that weigh little (nil rows).
	for j, w := range m.weights {
		keep := false
		for _, v := range w {
			keep = keep || math.Abs(v) >= opt.MinWeight
		}
		if !keep {
			m.weights[j] = nil
		}
	}
	return m, vocab
}

// LetterReplay is what ReplayLetterModel measured over held-out letters.
type LetterReplay struct {
	// Letters counts the held-out letters.
	Letters int
	// FirstRight counts the letters whose first score got the outcome right.
	FirstRight int
	// Fallbacks and Overrides count where the model named the outcome: the first score read
	// none, or the model disagreed from letterOverrideAt on; FallbacksRight and
	// OverridesRight how often it was right there.
	Fallbacks, FallbacksRight int
	Overrides, OverridesRight int
	// Broken counts the letters the first score got right and the model changed.
	Broken int
	// Leans counts the letters where the model leaned to another outcome without deciding
	// (letterReading.lean), LeansRulesWrong those of them the first score got wrong.
	Leans, LeansRulesWrong int
	// Right counts the letters the first score and the letter model get right together.
	Right int
	// Trained counts the letters the model was learned from; Sets the groups replayed;
	// SetsSkipped the later groups left out, without a first score or with one made by a
	// letter model already (FirstScore.WithLetterModel).
	Trained, Sets, SetsSkipped int
}

// ReplayLetterModel measures the letter model as the classifier uses it on letters never
// tuned on: a model learned from the first k groups (only) is applied, with the classifier's
// thresholds, to the outcome each letter of a later group got the one time it was scored
// before anything was changed because of it (first[i], nil for a group without a first score).
// So the rules are measured as they were on fresh text, and the model on letters it never saw.
// Later groups without a first score of the rules alone are left out (SetsSkipped).
func (c *Classifier) ReplayLetterModel(groups [][]GoldCase, first []*FirstScore, k int, opt LetterModelOptions) LetterReplay {
	var train []GoldCase
	for _, g := range groups[:k] {
		train = append(train, g...)
	}
	tm, vocab := c.trainLetter(train, opt)
	m := &letterModel{outcomes: letterModelOutcomes, bias: tm.bias, byHash: map[uint64][]float64{}}
	for j, f := range vocab {
		if tm.weights[j] != nil {
			m.byHash[letterNameHash(f)] = tm.weights[j]
		}
	}
	r := LetterReplay{Trained: len(train)}
	for si := k; si < len(groups); si++ {
		set, fs := groups[si], first[si]
		if fs == nil || fs.WithLetterModel {
			// No first score, or one made with a letter model already: not the rules' alone.
			r.SetsSkipped++
			continue
		}
		r.Sets++
		for _, g := range set {
			r.Letters++
			fo, missed := fs.Outcomes[g.Name]
			if !missed {
				fo = g.Outcome
				r.FirstRight++
			}
			// Right as the first score was unless the model changes it (below).
			if fo == g.Outcome {
				r.Right++
			}
			if inputProblem(g.Text) != "" {
				continue
			}
			sents := c.rs().segment(g.Text)
			if courtJudgment(g.Text, sents) {
				continue
			}
			readUnheaded(sents)
			readGuidanceTopic(g.Text, sents)
			outcomes := c.outcomeHits(g.Text, sents)
			readings := func(o omgjort.Outcome) []omgjort.Evidence { return c.rs().readingsOf(g.Text, sents, outcomes, o) }
			lr := m.secondReading(newFeatureCache(g.Text, sents), fo, readings)
			if lr.lean != "" {
				r.Leans++
				if fo != g.Outcome {
					r.LeansRulesWrong++
				}
			}
			if !lr.decided {
				continue
			}
			mo := lr.outcome
			if fo == omgjort.OutcomeUkendt {
				r.Fallbacks++
				if mo == g.Outcome {
					r.FallbacksRight++
				}
			} else {
				r.Overrides++
				if mo == g.Outcome {
					r.OverridesRight++
				}
			}
			if fo == g.Outcome {
				r.Broken++
				r.Right--
			}
			if mo == g.Outcome {
				r.Right++
			}
		}
	}
	return r
}

// LetterConfidence measures the letter model for the calibration: learned from the folders
// before the last quarter of those with a first score of the rules alone (first[i] is nil for
// a folder without one; a first score made with a letter model does not count), replayed on
// that quarter (ReplayLetterModel). ok is false when no folder has a first
// score.
func (c *Classifier) LetterConfidence(groups [][]GoldCase, first []*FirstScore) (r LetterReplay, ok bool) {
	var scored []int
	for i, f := range first {
		if f != nil && !f.WithLetterModel {
			scored = append(scored, i)
		}
	}
	// (The groups before the last quarter are trained on, those with a first score made with a
	// letter model included; ReplayLetterModel leaves such ones out of the quarter.)
	if len(scored) == 0 {
		return r, false
	}
	k := scored[len(scored)-max(1, len(scored)/4)]
	return c.ReplayLetterModel(groups, first, k, DefaultLetterModelOptions), true
}

// outcomeHits returns the outcome formulas of rules.txt found in the sentences of text, as
// ClassifyCase finds them.
func (c *Classifier) outcomeHits(text string, sents []sentence) []hit {
	var out []hit
	for i := range sents {
		for _, h := range c.sentenceHits(text, sents, i) {
			if h.rule.kind == kindOutcome {
				out = append(out, h)
			}
		}
	}
	return out
}
