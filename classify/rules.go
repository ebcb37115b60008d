package classify

import (
	"bufio"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"omgjort"
)

// kind is what a rule sets when it fires.
type kind int

const (
	kindOutcome kind = iota
	kindKritik
	kindUgyldig
	kindError
	// kindDuty states what the first instance had to do ("Kommunen skal genvurdere afgørelsen
	// inden 4 uger"); it signals its error type only when the next sentence says the duty was
	// not met (kindUnmet).
	kindDuty
	// kindUnmet says, without naming it, that the duty just stated was not met ("Det har
	// kommunen ikke gjort.", "Det skete ikke.").
	kindUnmet
)

// String names the kind as the rules file does.
func (k kind) String() string {
	switch k {
	case kindOutcome:
		return "outcome"
	case kindKritik:
		return "kritik"
	case kindUgyldig:
		return "ugyldig"
	case kindError:
		return "error"
	case kindDuty:
		return "duty"
	case kindUnmet:
		return "unmet"
	}
	return "?"
}

// startSection is the section of the text before the first heading.
const startSection = "indledning"

// headingRule recognises one sub-heading and names the section it starts.
type headingRule struct {
	section string
	// inline headings are also found inside running text (flattened letters); the others
	// only when they are a paragraph of their own.
	inline bool
	// result marks a result block, whose formulas win over formulas elsewhere.
	result bool
	// re matches the heading; for inline rules group 1 is the heading itself and the rest of
	// the match is what must follow it (a line break, the end, or a capitalised word).
	re *regexp.Regexp
	// gate lists literal sets the heading needs (see gate); paragraphs without them are
	// not searched. gateIDs number its literals in ruleSet.headLits.
	gate    [][]string
	gateIDs [][]int
}

// rule is one outcome formula, flag statement or error-type signal.
type rule struct {
	kind    kind
	outcome omgjort.Outcome
	// errType is the error type a kindError rule signals.
	errType omgjort.ErrorType
	// score is the rule's weight: how sure one matching sentence makes the label.
	score    float64
	sections map[string]bool
	// secMask has bit ruleSet.secIndex[name] set for each section in sections: a cheaper test
	// per sentence than the map.
	secMask uint64
	res     []*regexp.Regexp
	// lowRes[i] is res[i] without "(?i)", for the lower-cased sentence (nil when res[i] cannot
	// be matched that way); matching case-sensitively is much cheaper in Go's regexp.
	lowRes []*regexp.Regexp
	// gates[i] lists literal sets (lower case): res[i] can only match a sentence that holds
	// at least one literal of every set, so other sentences are skipped without running the
	// regexp. Nil: no gate.
	gates [][][]string
	// gateIDs are gates with each literal replaced by its index in ruleSet.lits; gateIdx are
	// the same gates as indices into ruleSet.gateFull (one per pattern).
	gateIDs [][][]int
	gateIdx []int32
	// negs are the rule's "unless" patterns: a sentence where one of them is found gives the
	// rule nothing (e.g. "sagen er tilstrækkeligt oplyst").
	negs []*regexp.Regexp
	// lowNegs are negs for the lower-cased sentence, as lowRes are res.
	lowNegs []*regexp.Regexp
	// negGates and negGateIDs gate the negations as gates and gateIDs gate res.
	negGates   [][][]string
	negGateIDs [][][]int
	negGateIdx []int32
	// fallback marks an outcome formula that only counts when the text has no other outcome
	// formula (a consequence such as "Kommunens krav bortfalder", which stands beside the
	// formula in most letters and would otherwise outrank it).
	fallback bool
	// result marks an outcome formula that is a result line by itself ("Udfald: Ophævelse."),
	// counted as if it stood in a result block: a text with several sub-decisions has one
	// such line each, and the most far-reaching is the text's outcome.
	result bool
	line   int
}

// litTable numbers distinct gate literals in the order they are first seen.
type litTable struct {
	ids  map[string]int
	lits []string
}

// number returns gate g with each literal replaced by its number, numbering new literals.
func (t *litTable) number(g [][]string) [][]int {
	var gi [][]int
	for _, set := range g {
		var si []int
		for _, l := range set {
			id, ok := t.ids[l]
			if !ok {
				id = len(t.lits)
				t.ids[l] = id
				t.lits = append(t.lits, l)
			}
			si = append(si, id)
		}
		gi = append(gi, si)
	}
	return gi
}

// gateUse is one literal set of one gate (ruleSet.litUses).
type gateUse struct {
	gate int32
	set  uint8
}

// veto cancels rules of some kinds in a sentence (scope sentence) or where it overlaps a
// formula (scope match).
type veto struct {
	targets map[kind]bool
	match   bool // scope=match; otherwise scope=sentence
	res     []*regexp.Regexp
	lowRes  []*regexp.Regexp // as rule.lowRes
	// gates and gateIDs let a sentence skip a pattern it cannot match (see rule.gates).
	gates   [][][]string
	gateIDs [][][]int
	gateIdx []int32
	line    int
}

// defaultThreshold is the score an error type needs when the rules file sets no threshold.
const defaultThreshold = 0.5

// ruleSet is the parsed rules file.
type ruleSet struct {
	headings  []headingRule
	resultSec map[string]bool
	rules     []rule
	vetoes    []veto
	// threshold is the combined score an error type needs to be set.
	threshold float64
	// lits are the distinct gate literals of all rules; a sentence checks each at most once.
	lits []string
	// gateFull[g] has a bit for each literal set of gate g; litUses[id] lists the gate sets the
	// literal lits[id] satisfies. A sentence ORs the bits of the literals it holds and passes a
	// gate whose bits are all set: the work is in the few literals a sentence holds, not in the
	// hundreds of gates.
	gateFull []uint8
	litUses  [][]gateUse
	// scratch pools the gateScratch of matchText.
	scratch sync.Pool
	// headLits are the gate literals of the inline headings, found in a paragraph in one pass
	// by headMatch.
	headLits  []string
	headMatch *litMatcher
	// secIndex numbers the sections for rule.secMask.
	secIndex map[string]int
	// litMatch finds all of lits in a sentence at once.
	litMatch *litMatcher
	// errorMask has the bits of every section an error rule reads (see secIndex).
	errorMask uint64
}

// headingFollow is what must come right after an inline heading: the end of the paragraph, a
// line break, or the start of the next sentence (a capital letter, a digit, a bullet, a quote).
const headingFollow = `(?:[ \t\x{a0}]*(?:\n|$)|[ \t\x{a0}]+[\p{Lu}\d•"“„\[])`

// parseRules reads the rules file format documented at the top of rules.txt.
func parseRules(src string) (*ruleSet, error) {
	rs := &ruleSet{resultSec: map[string]bool{}, threshold: defaultThreshold}
	groups := map[string][]string{}
	known := map[string]bool{startSection: true}

	type pending struct {
		line int
		head []string
		pats []string
	}
	var blocks []pending
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			if len(blocks) == 0 {
				return nil, fmt.Errorf("classify: rules line %d: pattern outside a rule", n)
			}
			blocks[len(blocks)-1].pats = append(blocks[len(blocks)-1].pats, trimmed)
			continue
		}
		blocks = append(blocks, pending{line: n, head: strings.Fields(trimmed)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("classify: read rules: %w", err)
	}

	// Sections and groups first, so rules may name them in any order.
	for _, b := range blocks {
		switch b.head[0] {
		case "section":
			if len(b.head) < 3 || (b.head[2] != "inline" && b.head[2] != "paragraph") {
				return nil, fmt.Errorf("classify: rules line %d: want \"section NAME inline|paragraph [result]\"", b.line)
			}
			if len(b.pats) == 0 {
				return nil, fmt.Errorf("classify: rules line %d: section %s has no patterns", b.line, b.head[1])
			}
			name, inline := b.head[1], b.head[2] == "inline"
			result := false
			for _, f := range b.head[3:] {
				if f != "result" {
					return nil, fmt.Errorf("classify: rules line %d: unknown section flag %q", b.line, f)
				}
				result = true
			}
			known[name] = true
			if result {
				rs.resultSec[name] = true
			}
			for _, p := range b.pats {
				var expr string
				if inline {
					expr = "(" + p + ")" + headingFollow
				} else {
					expr = `^(?:` + p + `)[ \t]*:?$`
				}
				re, err := regexp.Compile(expr)
				if err != nil {
					return nil, fmt.Errorf("classify: rules line %d: heading pattern %q: %w", b.line, p, err)
				}
				rs.headings = append(rs.headings, headingRule{section: name, inline: inline, result: result, re: re, gate: gate(p)})
			}
		case "group":
			// group NAME = A,B,C
			if len(b.head) != 4 || b.head[2] != "=" {
				return nil, fmt.Errorf("classify: rules line %d: want \"group NAME = A,B,...\"", b.line)
			}
			groups[b.head[1]] = strings.Split(b.head[3], ",")
		}
	}
	for g, members := range groups {
		for _, m := range members {
			if !known[m] {
				return nil, fmt.Errorf("classify: rules: group %s names unknown section %q", g, m)
			}
		}
	}

	for _, b := range blocks {
		switch b.head[0] {
		case "section", "group":
			continue
		case "threshold":
			if len(b.head) != 2 || len(b.pats) > 0 {
				return nil, fmt.Errorf("classify: rules line %d: want \"threshold S\"", b.line)
			}
			t, err := strconv.ParseFloat(b.head[1], 64)
			if err != nil || t <= 0 || t > 1 {
				return nil, fmt.Errorf("classify: rules line %d: threshold must be in (0,1], got %q", b.line, b.head[1])
			}
			rs.threshold = t
		case "outcome", "kritik", "ugyldig", "error", "duty", "unmet":
			r := rule{line: b.line, sections: map[string]bool{}}
			args := b.head[1:]
			switch b.head[0] {
			case "error", "duty":
				if len(args) == 0 {
					return nil, fmt.Errorf("classify: rules line %d: %s without type", b.line, b.head[0])
				}
				r.kind, r.errType = kindError, omgjort.ErrorType(args[0])
				if b.head[0] == "duty" {
					r.kind = kindDuty
				}
				if !r.errType.Valid() {
					return nil, fmt.Errorf("classify: rules line %d: unknown error type %q", b.line, args[0])
				}
				args = args[1:]
			case "outcome":
				if len(args) == 0 {
					return nil, fmt.Errorf("classify: rules line %d: outcome without slug", b.line)
				}
				r.kind, r.outcome = kindOutcome, omgjort.Outcome(args[0])
				if !r.outcome.Valid() || r.outcome == omgjort.OutcomeUkendt {
					return nil, fmt.Errorf("classify: rules line %d: unknown outcome %q", b.line, args[0])
				}
				args = args[1:]
			case "kritik":
				r.kind = kindKritik
			case "unmet":
				r.kind = kindUnmet
			case "ugyldig":
				r.kind = kindUgyldig
			}
			opts, err := options(args, b.line)
			if err != nil {
				return nil, err
			}
			r.score, err = strconv.ParseFloat(opts["score"], 64)
			if err != nil || r.score <= 0 || r.score > 1 {
				return nil, fmt.Errorf("classify: rules line %d: score must be in (0,1], got %q", b.line, opts["score"])
			}
			for _, f := range []struct {
				name string
				to   *bool
			}{{"fallback", &r.fallback}, {"result", &r.result}} {
				switch opts[f.name] {
				case "", "no":
				case "yes":
					if r.kind != kindOutcome {
						return nil, fmt.Errorf("classify: rules line %d: %s=yes is for outcome rules", b.line, f.name)
					}
					*f.to = true
				default:
					return nil, fmt.Errorf("classify: rules line %d: %s must be yes or no, got %q", b.line, f.name, opts[f.name])
				}
			}
			if opts["sections"] == "" {
				return nil, fmt.Errorf("classify: rules line %d: sections= is required", b.line)
			}
			for _, s := range strings.Split(opts["sections"], ",") {
				if members, ok := groups[s]; ok {
					for _, m := range members {
						r.sections[m] = true
					}
					continue
				}
				if !known[s] {
					return nil, fmt.Errorf("classify: rules line %d: unknown section %q", b.line, s)
				}
				r.sections[s] = true
			}
			pats, negs := splitUnless(translitPatterns(b.pats))
			if r.res, err = compileAll(pats, b.line); err != nil {
				return nil, err
			}
			r.lowRes = lowerVariants(pats)
			if len(negs) > 0 {
				if r.negs, err = compileAll(negs, b.line); err != nil {
					return nil, err
				}
				r.lowNegs = lowerVariants(negs)
			}
			for _, p := range negs {
				r.negGates = append(r.negGates, gate(p))
			}
			for _, p := range pats {
				r.gates = append(r.gates, gate(p))
			}
			rs.rules = append(rs.rules, r)
		case "veto":
			if len(b.head) < 2 {
				return nil, fmt.Errorf("classify: rules line %d: veto without targets", b.line)
			}
			v := veto{line: b.line, targets: map[kind]bool{}}
			for _, t := range strings.Split(b.head[1], ",") {
				switch t {
				case "outcome":
					v.targets[kindOutcome] = true
				case "kritik":
					v.targets[kindKritik] = true
				case "ugyldig":
					v.targets[kindUgyldig] = true
				case "errors":
					// Not kindDuty: a duty retold from the first instance's letter ("I kommunens
					// afgørelse står der, at du skal klage inden 6 uger") is what the unmet
					// statement after it judges.
					v.targets[kindError] = true
					v.targets[kindUnmet] = true
				default:
					return nil, fmt.Errorf("classify: rules line %d: unknown veto target %q", b.line, t)
				}
			}
			opts, err := options(b.head[2:], b.line)
			if err != nil {
				return nil, err
			}
			switch opts["scope"] {
			case "sentence":
			case "match":
				v.match = true
			default:
				return nil, fmt.Errorf("classify: rules line %d: scope must be sentence or match", b.line)
			}
			vpats := translitPatterns(b.pats)
			if v.res, err = compileAll(vpats, b.line); err != nil {
				return nil, err
			}
			v.lowRes = lowerVariants(vpats)
			for _, p := range vpats {
				v.gates = append(v.gates, gate(p))
			}
			rs.vetoes = append(rs.vetoes, v)
		default:
			return nil, fmt.Errorf("classify: rules line %d: unknown rule kind %q", b.line, b.head[0])
		}
	}
	if len(rs.rules) == 0 {
		return nil, fmt.Errorf("classify: rules: no outcome or flag rules")
	}
	ruleLits := litTable{ids: map[string]int{}}
	numbered := ruleLits.number
	var gates [][][]int
	index := func(g [][]int) int32 {
		gates = append(gates, g)
		return int32(len(gates) - 1)
	}
	for ri := range rs.rules {
		r := &rs.rules[ri]
		for _, g := range r.gates {
			r.gateIDs = append(r.gateIDs, numbered(g))
			r.gateIdx = append(r.gateIdx, index(r.gateIDs[len(r.gateIDs)-1]))
		}
		for _, g := range r.negGates {
			r.negGateIDs = append(r.negGateIDs, numbered(g))
			r.negGateIdx = append(r.negGateIdx, index(r.negGateIDs[len(r.negGateIDs)-1]))
		}
	}
	for vi := range rs.vetoes {
		v := &rs.vetoes[vi]
		for _, g := range v.gates {
			v.gateIDs = append(v.gateIDs, numbered(g))
			v.gateIdx = append(v.gateIdx, index(v.gateIDs[len(v.gateIDs)-1]))
		}
	}
	rs.lits = ruleLits.lits
	rs.litUses = make([][]gateUse, len(rs.lits))
	for gi, g := range gates {
		if len(g) > 8 {
			return nil, fmt.Errorf("classify: rules: a pattern needs %d literal sets; at most 8 are supported", len(g))
		}
		rs.gateFull = append(rs.gateFull, uint8(1<<len(g)-1))
		for si, set := range g {
			for _, id := range set {
				rs.litUses[id] = append(rs.litUses[id], gateUse{gate: int32(gi), set: uint8(si)})
			}
		}
	}
	rs.litMatch = newLitMatcher(rs.lits)
	headLits := litTable{ids: map[string]int{}}
	for hi := range rs.headings {
		rs.headings[hi].gateIDs = headLits.number(rs.headings[hi].gate)
	}
	rs.headLits = headLits.lits
	rs.headMatch = newLitMatcher(rs.headLits)
	rs.secIndex = map[string]int{}
	for ri := range rs.rules {
		r := &rs.rules[ri]
		for name := range r.sections {
			id, ok := rs.secIndex[name]
			if !ok {
				id = len(rs.secIndex)
				if id >= 64 {
					return nil, fmt.Errorf("classify: rules: more than 64 sections")
				}
				rs.secIndex[name] = id
			}
			r.secMask |= 1 << id
		}
		if r.kind == kindError {
			rs.errorMask |= r.secMask
		}
	}
	return rs, nil
}

// unlessPrefix starts a negation line inside a rule.
const unlessPrefix = "unless "

// splitUnless separates a rule's patterns from its "unless" (negation) patterns.
func splitUnless(lines []string) (pats, negs []string) {
	for _, l := range lines {
		if n, ok := strings.CutPrefix(l, unlessPrefix); ok {
			negs = append(negs, strings.TrimSpace(n))
			continue
		}
		pats = append(pats, l)
	}
	return pats, negs
}

// options parses key=value words.
func options(args []string, line int) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("classify: rules line %d: want key=value, got %q", line, a)
		}
		out[k] = v
	}
	return out, nil
}

// lowerVariants compiles, for each case-insensitive pattern ("(?i)…") that names no upper-case
// letter and no case class, the same pattern case-sensitively, to be run on the lower-cased
// sentence; other entries are nil. Go's regexp folds case rune by rune, which costs more than
// the whole match.
func lowerVariants(pats []string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(pats))
	for i, p := range pats {
		body, ok := strings.CutPrefix(p, "(?i)")
		if !ok || !lowerOnly(body) {
			continue
		}
		if re, err := regexp.Compile(body); err == nil {
			out[i] = re
		}
	}
	return out
}

// lowerOnly reports whether a pattern body matches the same on lower-cased text without (?i):
// no upper-case letter outside escapes, no case flag, no case class (\p{Lu}).
func lowerOnly(p string) bool {
	if strings.Contains(p, "(?-i") || strings.Contains(p, "(?i") || strings.Contains(p, "Lu}") || strings.Contains(p, "Lt}") || strings.Contains(p, "Ll}") {
		return false
	}
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' {
			i++
			if i < len(rs) && (rs[i] == 'p' || rs[i] == 'P') && i+1 < len(rs) && rs[i+1] == '{' {
				for i < len(rs) && rs[i] != '}' {
					i++
				}
			}
			continue
		}
		if unicode.IsUpper(rs[i]) {
			return false
		}
	}
	return true
}

// compileAll compiles each pattern on its own, so a flag such as (?i) stays in its line.
func compileAll(pats []string, line int) ([]*regexp.Regexp, error) {
	if len(pats) == 0 {
		return nil, fmt.Errorf("classify: rules line %d: rule has no patterns", line)
	}
	out := make([]*regexp.Regexp, 0, len(pats))
	for _, p := range pats {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("classify: rules line %d: pattern %q: %w", line, p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// gate returns literal sets of which any match of pattern p contains at least one literal of
// every set (compared in lower case), or nil when none is found. It only speeds up matching:
// a sentence that misses a set cannot match.
func gate(p string) [][]string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil
	}
	return requiredAll(re.Simplify())
}

// requiredAll computes gate over the syntax tree: every part of a concatenation contributes
// its own set.
func requiredAll(r *syntax.Regexp) [][]string {
	switch r.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return requiredAll(r.Sub[0])
	case syntax.OpRepeat:
		if r.Min >= 1 {
			return requiredAll(r.Sub[0])
		}
	case syntax.OpConcat:
		// Runs of finite parts ("ikke", ",?", " ", "hv", "(?:ilke|orfor|…)") are expanded
		// together into whole strings when few; other parts contribute their own sets.
		var out [][]string
		subs := r.Sub
		for i := 0; i < len(subs); {
			j := i
			for j < len(subs) && finite(subs[j]) != nil {
				j++
			}
			if j > i+1 {
				if f := finite(&syntax.Regexp{Op: syntax.OpConcat, Sub: subs[i:j]}); f != nil && shortest(f) >= minGateLiteral {
					out = append(out, f)
					i = j
					continue
				}
			}
			if j == i {
				j = i + 1
			}
			for _, s := range subs[i:j] {
				out = append(out, requiredAll(s)...)
			}
			i = j
		}
		return out
	}
	// Sets with very short literals (" ", "v") pass almost every sentence: not worth a scan.
	if l := required(r); l != nil && shortest(l) >= minGateLiteral {
		return [][]string{l}
	}
	return nil
}

// minGateLiteral is the shortest literal worth checking before running a pattern.
const minGateLiteral = 3

// maxExpand bounds the number of strings finite expands a sub-expression into.
const maxExpand = 24

// finite returns every string (lower case) that r can match when r is a small finite
// language (literals, alternations, concatenations, small character classes), or nil. The
// parser factors common prefixes out of alternations ("hvorfor|hvilke" becomes
// "hv(?:orfor|ilke)"); expanding them again gives gates with whole words instead of a short
// prefix that almost every sentence holds.
func finite(r *syntax.Regexp) []string {
	switch r.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(r.Rune))}
	case syntax.OpEmptyMatch:
		return []string{""}
	case syntax.OpCapture:
		return finite(r.Sub[0])
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(r.Rune); i += 2 {
			for c := r.Rune[i]; c <= r.Rune[i+1]; c++ {
				if len(out) >= 4 {
					return nil
				}
				out = append(out, strings.ToLower(string(c)))
			}
		}
		return dedupe(out)
	case syntax.OpQuest:
		sub := finite(r.Sub[0])
		if sub == nil {
			return nil
		}
		return dedupe(append([]string{""}, sub...))
	case syntax.OpAlternate:
		var out []string
		for _, s := range r.Sub {
			l := finite(s)
			if l == nil || len(out)+len(l) > maxExpand {
				return nil
			}
			out = append(out, l...)
		}
		return dedupe(out)
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range r.Sub {
			l := finite(s)
			if l == nil || len(out)*len(l) > maxExpand {
				return nil
			}
			var next []string
			for _, a := range out {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return dedupe(out)
	}
	return nil
}

// dedupe drops repeated strings, keeping the order.
func dedupe(l []string) []string {
	seen := map[string]bool{}
	out := l[:0:0]
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// required computes gate over the syntax tree. When the plain computation only finds short
// literals (a prefix the parser factored out), the whole words are used instead, if few.
func required(r *syntax.Regexp) []string {
	l := required1(r)
	if (l == nil || shortest(l) < minGateLiteral) && (r.Op == syntax.OpAlternate || r.Op == syntax.OpConcat) {
		if f := finite(r); f != nil && shortest(f) >= minGateLiteral {
			return f
		}
	}
	return l
}

// required1 is required without the expansion of factored prefixes.
func required1(r *syntax.Regexp) []string {
	switch r.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(r.Rune))}
	case syntax.OpCapture, syntax.OpPlus:
		return required(r.Sub[0])
	case syntax.OpRepeat:
		if r.Min >= 1 {
			return required(r.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, s := range r.Sub {
			if l := required(s); l != nil && (best == nil || shortest(l) > shortest(best)) {
				best = l
			}
		}
		return best
	case syntax.OpAlternate:
		var out []string
		for _, s := range r.Sub {
			l := required(s)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	}
	return nil
}

// shortest is the length of the shortest string in l.
func shortest(l []string) int {
	n := -1
	for _, s := range l {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}
