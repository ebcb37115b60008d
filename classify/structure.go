package classify

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"omgjort"
)

// This file reads the outcome from the structure of a sentence rather than from stock phrases:
// an outcome verb of any tense or voice (stadfæster, stadfæstede, stadfæstes, er stadfæstet …),
// its actor (Ankestyrelsen or "vi", the passive of a result, or another instance, a court, the
// citizen), negation and modality (hypotheticals, wishes, counterfactuals), and the consequences
// a result is sometimes told through ("Kommunen må ikke foretage fradraget", "Du har ret til
// …"). It is used when the formulas of rules.txt find nothing, which is what older formats,
// third-person principle texts and free wording give.

// word is one token of a lower-cased sentence: a run of letters and digits (hyphens inside a
// word are kept) or a single punctuation mark, with its byte offsets in the sentence.
type word struct {
	w          string
	start, end int
	punct      bool
}

// words tokenizes a lower-cased sentence.
func words(s string) []word {
	var out []word
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += w2
					continue
				}
				if r2 == '-' && j+1 < len(s) {
					r3, _ := utf8.DecodeRuneInString(s[j+1:])
					if unicode.IsLetter(r3) {
						j += w2
						continue
					}
				}
				break
			}
			out = append(out, word{w: s[i:j], start: i, end: j})
			i = j
		case r == ',' || r == ';' || r == ':' || r == '(' || r == ')' || r == '"' || r == '–' || r == '?' || r == '!':
			out = append(out, word{w: s[i : i+w], start: i, end: i + w, punct: true})
			i += w
		default:
			i += w
		}
	}
	return out
}

// actorKind is who does what a verb says.
type actorKind int

const (
	actorNone  actorKind = iota
	actorAnke            // Ankestyrelsen ("vi", "Ankestyrelsen", "styrelsen")
	actorOther           // another instance, a court, the first instance, the citizen
)

// actorOf classifies a word as an actor. Possessives ("nævnets", "kommunens") are not actors:
// they stand in an object or a subject noun phrase ("kommunens afgørelse stadfæstes").
func actorOf(w string) actorKind {
	switch w {
	case "vi", "ankestyrelsen", "styrelsen", "ankestyrelsen's", "ankestyrelse":
		// "Den Sociale Ankestyrelse ophævede …" (before 2001).
		return actorAnke
	case "du", "jeg", "han", "hun", "de", "borgeren", "klageren", "klagerne", "sikrede", "ansøgeren",
		"forældrene", "moren", "faren", "mor", "far", "manden", "kvinden", "advokaten", "kommunen",
		"kommune", "jobcentret", "jobcenteret", "forvaltningen", "regionen", "tilsynet", "retten",
		"domstolene", "danmark", "familieretshuset", "statsforvaltningen", "direktoratet", "sønnen",
		"datteren", "arbejdsgiveren", "lægen", "kommunalbestyrelsen", "byrådet":
		return actorOther
	}
	for _, p := range []string{"nævn", "ankenævn", "udvalg", "byret", "landsret", "højesteret",
		"domstol", "socialnævn", "sikringsstyrelsen", "arbejdsskadestyrelsen", "ombudsmand"} {
		if strings.HasPrefix(w, p) && !strings.HasSuffix(w, "s") {
			return actorOther
		}
	}
	for _, p := range []string{"nævnet", "udvalget", "retten", "ankenævnet"} {
		if strings.HasSuffix(w, p) {
			return actorOther
		}
	}
	return actorNone
}

// verbForm is the grammatical form of an outcome verb.
type verbForm int

const (
	formActive verbForm = iota
	formPassive
	formParticiple // "stadfæstet": passive after bliver/blev/er/var, active after har/havde
)

// outcomeVerb returns the outcome a word's verb family states and its form, or "" when the
// word is not an outcome verb (nouns such as "stadfæstelse" or "ændring" are not).
func outcomeVerb(w string) (omgjort.Outcome, verbForm) {
	for _, f := range verbFamilies {
		rest, ok := strings.CutPrefix(w, f.stem)
		if !ok {
			continue
		}
		if f.stem == "tilsidesat" && rest == "" {
			return f.o, formParticiple
		}
		if f.stem == "fasthold" && (rest == "t" || rest == "") {
			if rest == "" {
				return "", 0
			}
			return f.o, formParticiple
		}
		if f.stem == "omgjort" && rest == "" {
			return f.o, formParticiple
		}
		if f.stem == "omgjor" && rest == "de" {
			return f.o, formActive
		}
		if f.stem == "omgør" && rest == "" {
			return f.o, formActive
		}
		switch rest {
		case "er", "e", "ede", "te":
			return f.o, formActive
		case "es":
			return f.o, formPassive
		case "et", "t":
			return f.o, formParticiple
		}
	}
	return "", 0
}

// verbFamilies are the stems of the outcome verbs.
var verbFamilies = []struct {
	stem string
	o    omgjort.Outcome
}{
	{"stadfæst", omgjort.OutcomeStadfaestet},
	{"tiltræd", omgjort.OutcomeStadfaestet},
	{"tiltråd", omgjort.OutcomeStadfaestet},
	{"ophæv", omgjort.OutcomeOphaevet},
	{"annuller", omgjort.OutcomeOphaevet},
	{"hjemvis", omgjort.OutcomeHjemvist},
	{"afvis", omgjort.OutcomeAfvist},
	{"ændr", omgjort.OutcomeAendret},
	{"tilsidesætt", omgjort.OutcomeOphaevet},
	{"tilsidesat", omgjort.OutcomeOphaevet},
	{"fasthold", omgjort.OutcomeStadfaestet},
	{"omgør", omgjort.OutcomeAendret},
	{"omgjor", omgjort.OutcomeAendret},
	{"omgjort", omgjort.OutcomeAendret},
}

// structHit is an outcome read from the structure of one sentence.
type structHit struct {
	outcome omgjort.Outcome
	// strength orders the kinds of evidence: an explicit Ankestyrelsen actor (3), a passive
	// result or an instruction to decide again (2), a consequence (1).
	strength int
	sent     int
	// invalid: read from "Afgørelsen er ugyldig", which sets the decision aside at least but
	// does not say whether the case goes back.
	invalid bool
}

// modal words that make a verb a hypothetical, a wish or a counterfactual.
var hypothetical = map[string]bool{
	"hvis": true, "såfremt": true, "kunne": true, "ville": true, "burde": true, "bør": true,
	"kan": true, "vil": true, "måtte": true, "hvorvidt": true, "om": true, "når": true,
	"medmindre": true, "eventuelt": true, "evt": true,
}

// negation words.
var negation = map[string]bool{"ikke": true, "aldrig": true, "hverken": true, "ingen": true, "intet": true}

// clauseBreak reports whether a token starts a new clause.
func clauseBreak(t word) bool {
	if t.punct {
		return t.w == "," || t.w == ";" || t.w == ":" || t.w == "(" || t.w == ")" || t.w == "–"
	}
	switch t.w {
	case "og", "men", "samt", "at", "fordi", "da", "idet", "så", "mens", "selvom", "som", "der", "hvor", "hvis", "når":
		return true
	}
	return false
}

// structOutcomes reads the outcome statements of one sentence.
func structOutcomes(lower string, sent int, resultBlock bool) []structHit {
	return structOutcomesIn(lower, sent, resultBlock, false)
}

// structOutcomesIn is structOutcomes for a text in which "udvalget" may be Ankestyrelsen's own
// committee (the text names "Ankestyrelsens …udvalg").
func structOutcomesIn(lower string, sent int, resultBlock, ownCommittee bool) []structHit {
	ws := words(lower)
	if len(ws) == 0 {
		return nil
	}
	for k := range ws {
		// "Ankestyrelsens Beskæftigelsesudvalg", and "Udvalget" in a text that names it, is
		// Ankestyrelsen.
		if strings.HasSuffix(ws[k].w, "udvalg") || strings.HasSuffix(ws[k].w, "udvalget") {
			if (k > 0 && ws[k-1].w == "ankestyrelsens") || (ownCommittee && ws[k].w == "udvalget") {
				ws[k].w = "ankestyrelsen"
			}
		}
	}
	// "når" after its subject is the verb "reach" ("vi når samme resultat"), not "when".
	for k := 1; k < len(ws); k++ {
		if ws[k].w == "når" && actorOf(ws[k-1].w) != actorNone {
			ws[k].w = "når·"
		}
	}
	var out []structHit
	// The sentence's main subject: its first actor.
	main := actorNone
	for _, t := range ws {
		if a := actorOf(t.w); a != actorNone {
			main = a
			break
		}
	}
	// Clauses.
	var clauses [][2]int
	cs := 0
	for i, t := range ws {
		if i > cs && clauseBreak(t) {
			clauses = append(clauses, [2]int{cs, i})
			cs = i
		}
	}
	clauses = append(clauses, [2]int{cs, len(ws)})
	prevActor := actorNone
	sentenceHypo := false
	for _, t := range ws[:min(len(ws), 3)] {
		if t.w == "hvis" || t.w == "såfremt" || t.w == "havde" || t.w == "var" || t.w == "når" {
			sentenceHypo = t.w == "hvis" || t.w == "såfremt" || t.w == "når" || sentenceHypo
		}
	}
	// "tidligere" anywhere in the sentence makes a past-tense outcome an earlier round.
	earlier := slices.ContainsFunc(ws, func(t word) bool { return t.w == "tidligere" })
	prevNeg, curPerfect := false, false
	for _, cl := range clauses {
		c := ws[cl[0]:cl[1]]
		// A clause governed by a negated one: "fandt ikke grundlag for at ændre afgørelsen".
		governedNeg := prevNeg && len(c) > 0 && c[0].w == "at"
		prevNeg = false
		for _, t := range c {
			if negation[t.w] {
				prevNeg = true
			}
		}
		prevPerfect := curPerfect
		curPerfect = false
		for _, t := range c {
			if t.w == "har" || t.w == "havde" {
				curPerfect = true
			}
		}
		first := ""
		if len(c) > 0 && !c[0].punct {
			first = c[0].w
		}
		hypo := first == "hvis" || first == "såfremt" || first == "når" || first == "om"
		actor := actorNone
		for i, t := range c {
			if a := actorOf(t.w); a != actorNone {
				actor = a
			}
			o, form := outcomeVerb(t.w)
			if o == "" {
				continue
			}
			if i > 0 && determiner[c[i-1].w] && form != formPassive && i+1 < len(c) && !c[i+1].punct && actorOf(c[i+1].w) == actorNone {
				continue // "med den ændrede begrundelse": an adjective, not a verb ("den ophæves")
			}
			// Auxiliaries before the verb decide participle voice and carry modality.
			passive := form == formPassive
			modal, neg, perfect, pluperfect := false, false, false, false
			for j := i - 1; j >= 0 && j >= i-4; j-- {
				pw := c[j].w
				switch {
				case pw == "bliver" || pw == "blev" || pw == "blive" || pw == "er" || pw == "var" || pw == "være" || pw == "været" || pw == "blevet":
					if form == formParticiple {
						passive = true
					}
					if pw == "blevet" && j > 0 && c[j-1].w == "var" {
						// "Lægens udtalelse var blevet tilsidesat": the pluperfect passive tells
						// what had happened before, as "havde" does.
						pluperfect = true
					}
				case pw == "har" || pw == "havde" || pw == "have":
					if pw == "have" {
						modal = true // "skulle have ophævet": a counterfactual
					}
					if pw == "havde" {
						// "Ankestyrelsen havde i 2015 hjemvist sagen", "Sagen havde været
						// hjemvist": the pluperfect tells an earlier round.
						pluperfect = true
					}
					perfect = true
				case pw == "om":
					// "om" is "whether" only before a subject ("om du har ret"), not in
					// "afgørelsen om hjælp".
					if j+1 < len(c) && (actorOf(c[j+1].w) != actorNone || c[j+1].w == "der" || c[j+1].w == "det" || c[j+1].w == "man") {
						modal = true
					}
				case hypothetical[pw]:
					modal = true
				case pw == "at" && notChosen(ws, cl[0]+j):
					// "ophævede afgørelsen frem for at hjemvise den", "uden at hjemvise":
					// the outcome not chosen.
					modal = true
				case negation[pw]:
					neg = true
				case pw == "skal" || pw == "skulle":
					// "afgørelsen skal ophæves" is Ankestyrelsen's ruling in older texts;
					// "kommunen skal ændre" is an instruction, not a result.
					if !passive {
						modal = true
					}
				}
			}
			// "Vi har overvejet, om dine oplysninger ændrer resultatet": the verb stands in a
			// whether-clause opened earlier in the clause.
			for j := i - 1; j > 0; j-- {
				if c[j].w == "om" && ((c[j-1].punct && c[j-1].w == ",") || deliberation[c[j-1].w]) {
					modal = true
					break
				}
			}
			if form == formParticiple && !passive && !perfect && prevPerfect && (first == "og" || first == "men" || first == "samt") {
				// "Nævnet havde ophævet afgørelsen og hjemvist sagen": the auxiliary of the
				// clause before carries over.
				perfect = true
			}
			if form == formParticiple && !passive && !perfect {
				// "afgørelsen stadfæstet" without an auxiliary: a heading or a note. Before a
				// noun it is an adjective ("Kontanthjælp – gifte – ophævet samliv"): no outcome.
				if i+1 < len(c) && !c[i+1].punct && !participleFollower[c[i+1].w] {
					continue
				}
				passive = true
			}
			for j := i + 1; j < len(c) && j <= i+2; j++ {
				if negation[c[j].w] {
					neg = true
				}
			}
			neg = neg || governedNeg
			if modal || hypo || sentenceHypo || pluperfect {
				continue
			}
			who := actor
			if passive {
				who = actorAnke
				// The agent of a passive: "af nævnet", "af Ankestyrelsen".
				for j := i + 1; j < len(c)-1; j++ {
					if c[j].w == "af" {
						if a := actorOf(c[j+1].w); a != actorNone {
							who = a
						} else if j+2 < len(c) {
							if a := actorOf(c[j+2].w); a != actorNone {
								who = a
							}
						}
						break
					}
				}
			} else if a := invertedSubject(c, i); a != actorNone {
				// "og det resultat ændrer vi", "Derfor afviste nævnet klagen": the subject
				// right after a finite verb.
				who = a
			} else if who == actorNone {
				who = prevActor
				if who == actorNone || first == "og" || first == "men" || first == "samt" {
					who = main
				}
				if who == actorNone && resultBlock {
					who = actorAnke
				}
			}
			if who != actorAnke {
				continue
			}
			if o == omgjort.OutcomeStadfaestet && strings.HasPrefix(t.w, "fasthold") && passive &&
				strings.Contains(lower, "genvurder") {
				continue // "Ved genvurderingen blev afgørelsen fastholdt": the first instance's
			}
			if !objectFits(o, ws[cl[0]+i+1:], passive, ws[:cl[0]+i]) && !(o == omgjort.OutcomeAfvist && appealPronoun(ws, cl[0]+i)) {
				continue
			}
			if earlierRound(c, i, earlier) {
				continue
			}
			strength := 3
			if passive {
				strength = 2
			}
			if neg {
				// Not changing or setting aside the decision leaves it standing.
				if o != omgjort.OutcomeAendret && o != omgjort.OutcomeOphaevet {
					continue
				}
				o, strength = omgjort.OutcomeStadfaestet, 2
			}
			out = append(out, structHit{outcome: o, strength: strength, sent: sent})
		}
		if actor != actorNone {
			prevActor = actor
		}
	}
	if sentenceHypo {
		return out
	}
	// A sentence about a court's judgment states no consequence of Ankestyrelsen's decision.
	for _, t := range ws {
		if strings.HasPrefix(t.w, "højesteret") || strings.HasPrefix(t.w, "landsret") || strings.HasPrefix(t.w, "byret") || t.w == "retten" || t.w == "dommen" {
			return out
		}
	}
	out = append(out, phraseOutcomes(ws, main, sent, resultBlock)...)
	// Consequences are never read from a question or a condition ("hvorvidt hun havde ret til").
	for k, t := range ws {
		whether := t.w == "om" && k+1 < len(ws) && (actorOf(ws[k+1].w) != actorNone || ws[k+1].w == "der" || ws[k+1].w == "det" || ws[k+1].w == "man")
		if t.w == "hvorvidt" || whether || t.w == "hvis" || t.w == "såfremt" {
			kept := out[:0]
			for _, h := range out {
				if h.strength > 1 {
					kept = append(kept, h)
				}
			}
			out = kept
			break
		}
	}
	return out
}

// invertedSubject returns the actor that stands right after the finite outcome verb c[i] in
// inverted word order ("Det resultat ændrer vi", "Derfor afviste Ankestyrelsen klagen"), or
// actorNone. An infinitive ("at ændre") has no subject after it.
func invertedSubject(c []word, i int) actorKind {
	w := c[i].w
	if i+1 >= len(c) || !(strings.HasSuffix(w, "er") || strings.HasSuffix(w, "ede") || strings.HasSuffix(w, "te") || w == "omgør" || w == "omgjorde") {
		return actorNone
	}
	return actorOf(c[i+1].w)
}

// appealPronoun reports whether "afvise" at ws[k] acts on a pronoun for the appeal named
// earlier in the sentence: "Da du har trukket klagen tilbage, afviser vi den."
func appealPronoun(ws []word, k int) bool {
	j := k + 1
	if j < len(ws) && actorOf(ws[j].w) == actorAnke {
		j++
	}
	if j >= len(ws) || (ws[j].w != "den" && ws[j].w != "dem") || (j+1 < len(ws) && !ws[j+1].punct && !sentenceAdverbs[ws[j+1].w]) {
		return false
	}
	for _, t := range ws[:k] {
		if strings.HasPrefix(t.w, "klage") || strings.HasPrefix(t.w, "anke") {
			return true
		}
	}
	return false
}

// participleFollower are the words a bare participle of a note may be followed by ("Afgørelsen
// ophævet og sagen hjemvist", "stadfæstet af nævnet", "ændret fra 1. maj"); any other word
// makes it an adjective before a noun.
var participleFollower = map[string]bool{"og": true, "af": true, "samt": true, "i": true, "ved": true, "med": true,
	"fra": true, "pr": true, "den": true, "til": true, "for": true, "på": true, "således": true, "så": true, "hvad": true, "som": true}

// authorityHadRight returns the index of the first instance that "har"/"havde" (… "haft") the
// right named at ws[i] ("Kommunen har derfor haft ret til …"), or -1.
func authorityHadRight(ws []word, i int) int {
	j := i - 1
	for j >= 0 && j >= i-4 && (ws[j].w == "haft" || ws[j].w == "ikke" || (sentenceAdverbs[ws[j].w] && ws[j].w != "i")) {
		j--
	}
	if j < 1 || (ws[j].w != "har" && ws[j].w != "havde") {
		return -1
	}
	subj := ws[j-1].w
	if subj == "kommunen" || strings.HasPrefix(subj, "jobcent") || strings.HasSuffix(subj, "nævnet") || (firstInstanceWord(subj) && !strings.HasPrefix(subj, "afgørelse") && !strings.HasSuffix(subj, "s")) {
		return j - 1
	}
	return -1
}

// skipAdverbs returns the index after at most n sentence adverbs from ws[j] on ("står derfor
// ved magt", "ret til fortsat at få"); "i" counts only in copulaBefore's "i øvrigt".
func skipAdverbs(ws []word, j, n int) int {
	k := j
	for k < len(ws) && k < j+n && sentenceAdverbs[ws[k].w] && ws[k].w != "i" {
		k++
	}
	return k
}

// standsAfter reports whether ws[i] starts "bliver stående" or "står ved magt", with sentence
// adverbs allowed after the verb ("Kommunens afgørelse står derfor ved magt").
func standsAfter(ws []word, i int) bool {
	w := ws[i].w
	if w != "bliver" && w != "blive" && w != "står" {
		return false
	}
	j := skipAdverbs(ws, i+1, 2)
	if w == "står" {
		return j+1 < len(ws) && ws[j].w == "ved" && ws[j+1].w == "magt"
	}
	return j < len(ws) && ws[j].w == "stående"
}

// sanctionNoun reports whether w names a decision that can be unlawful as a whole: a sanction, a
// stop, a repayment claim or the decision itself.
func sanctionNoun(w string) bool {
	for _, p := range []string{"nedsættelse", "sanktion", "fradrag", "afgørelse", "standsning", "stop", "tilbagebetalingskrav", "kravet", "trækket", "beslutning"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// firstInstanceWord reports whether w names the decision appealed or the authority that made it
// ("kommunens", "Seniorpensionsenheden", "Udbetaling Danmark", "nævnet"): what Ankestyrelsen
// agrees with.
func firstInstanceWord(w string) bool {
	for _, p := range []string{"afgørelse", "kommune", "jobcent", "udbetaling", "ydelsescent", "familieretshus", "forvaltning", "myndighed", "seniorpension", "erhvervssikring"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	for _, suf := range []string{"nævnet", "nævnets", "udvalget", "udvalgets", "enheden", "enhedens"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// pastInstruction reports whether "skulle" stands within n words before ws[i] as the past of an
// instruction told in the third person ("Sagen blev sendt til Næstved Kommune, som skulle
// behandle spørgsmålet på ny"), not a counterfactual ("skulle have truffet en ny afgørelse") or
// a condition.
func pastInstruction(ws []word, i, n int) bool {
	for j := i - 1; j >= 0 && j >= i-n; j-- {
		if ws[j].punct && ws[j].w != "," {
			return false
		}
		if ws[j].w == "skulle" {
			if j+1 < len(ws) && ws[j+1].w == "have" {
				return false
			}
			for _, t := range ws[:j] {
				if t.w == "hvis" || t.w == "om" || t.w == "hvorvidt" || t.w == "såfremt" || negation[t.w] {
					return false
				}
			}
			return true
		}
	}
	return false
}

// sentenceAdverbs are the adverbs that stand between a copula and its complement ("er altså
// rigtig", "var derfor korrekt").
var sentenceAdverbs = map[string]bool{"derfor": true, "således": true, "altså": true, "dermed": true, "også": true,
	"fortsat": true, "hermed": true, "helt": true, "stadig": true, "i": true, "øvrigt": true}

// copulaBefore reports whether ws[i] is the complement of "er"/"var", with at most two adverbs
// between them: "Kommunens afgørelse er altså rigtig".
func copulaBefore(ws []word, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if ws[j].w == "er" || ws[j].w == "var" {
			return true
		}
		if !sentenceAdverbs[ws[j].w] {
			return false
		}
	}
	return false
}

// objectFits checks what the verb acts on, where the family needs it: "ændre" and "afvise"
// have other meanings ("ændrede praksis", "afviste argumentet").
func objectFits(o omgjort.Outcome, after []word, passive bool, before []word) bool {
	switch o {
	case omgjort.OutcomeAendret:
		// "ændre" acts on the decision or what it fixed ("ændrer beregningen af din
		// boligstøtte"), but also on practice, opinions and one's own circumstances.
		ws := after
		if passive {
			// The subject of a passive stands right before it: read those words nearest first.
			ws = nil
			for j := len(before) - 1; j >= 0 && len(ws) < 5; j-- {
				ws = append(ws, before[j])
			}
			if len(ws) > 0 && (ws[0].w == "blev" || ws[0].w == "er" || ws[0].w == "var" || ws[0].w == "bliver" || ws[0].w == "været") {
				ws = ws[1:]
			}
			// A relative clause: the subject is the noun before "som"/"der" ("behandlingen,
			// som blev ændret i januar").
			if len(ws) > 0 && (ws[0].w == "som" || ws[0].w == "der") {
				ws = ws[1:]
				if len(ws) > 0 && ws[0].w == "," {
					ws = ws[1:]
				}
			}
		}
		for k, t := range ws {
			if k > 3 || t.punct {
				break
			}
			switch t.w {
			case "praksis", "sin", "sine", "opfattelse", "holdning", "mening", "adresse", "forhold", "forholdene", "situation", "sig", "ansøgning", "ansøgningen", "klage", "klagen":
				return false
			}
			// "din medicin blev ændret", "behandlingen er ændret": the person's circumstances.
			for _, p := range []string{"medicin", "behandling", "tilstand", "helbred", "diagnos", "symptom", "arbejdstid", "plan", "forudsætning", "forløb", "omstændighed", "vilkår", "lov", "regel", "regler"} {
				if strings.HasPrefix(t.w, p) {
					return false
				}
			}
		}
		return len(ws) > 0 || passive
	case omgjort.OutcomeAfvist:
		ws := after
		if passive {
			// The subject of a passive stands right before it: nearest first.
			ws = nil
			for j := len(before) - 1; j >= 0 && len(ws) < 6; j-- {
				ws = append(ws, before[j])
			}
		}
		for k, t := range ws {
			if k > 5 {
				break
			}
			if strings.HasPrefix(t.w, "klage") || t.w == "sagen" || t.w == "anken" || t.w == "henvendelsen" ||
				t.w == "at" || strings.HasPrefix(t.w, "realitetsbehandl") {
				return true
			}
		}
		return false
	case omgjort.OutcomeOphaevet:
		// "tilsidesætte" sets aside a decision or an assessment, but one also "tilsidesætter sin
		// oplysningspligt" (breaches a duty); a cohabitation or a lease is "ophævet" too.
		if passive {
			for j := len(before) - 1; j >= 0 && j >= len(before)-8 && !before[j].punct && before[j].w != "at"; j-- {
				w := before[j].w
				if strings.HasPrefix(w, "samliv") || strings.HasPrefix(w, "ægteskab") || strings.HasPrefix(w, "lejemål") || strings.HasPrefix(w, "aftale") || strings.HasPrefix(w, "forhold") {
					return false
				}
			}
		}
		if !passive {
			for k, t := range after {
				if k > 2 || t.punct {
					break
				}
				if strings.HasPrefix(t.w, "oplysningspligt") || strings.HasPrefix(t.w, "pligt") || strings.HasSuffix(t.w, "pligt") || strings.HasSuffix(t.w, "pligten") {
					return false
				}
			}
		}
	}
	return true
}

// phraseOutcomes finds outcomes said without an outcome verb: agreement ("er enig i kommunens
// afgørelse", "samme resultat som kommunen", "giver kommunen ret", "ikke medhold"), a result that
// stands or falls ("bliver stående", "kan ikke opretholdes", "sat ud af kraft"), an instruction
// to decide again ("skal behandle … igen", "skal træffe en ny afgørelse", "sendes tilbage"), a
// refusal to examine ("kan ikke tage stilling til din klage") and consequences ("Kommunen må ikke
// …", "Du har ret til …", in a result block "Kommunen skal efterbetale …").
func phraseOutcomes(ws []word, main actorKind, sent int, resultBlock bool) []structHit {
	var out []structHit
	has := func(i int, seq ...string) bool {
		if i+len(seq) > len(ws) {
			return false
		}
		for k, s := range seq {
			if ws[i+k].w != s && !(strings.HasSuffix(s, "*") && strings.HasPrefix(ws[i+k].w, strings.TrimSuffix(s, "*"))) {
				return false
			}
		}
		return true
	}
	within := func(i, n int, pred func(string) bool) bool {
		for j := i; j < len(ws) && j < i+n; j++ {
			if pred(ws[j].w) {
				return true
			}
		}
		return false
	}
	before := func(i, n int, pred func(string) bool) bool {
		for j := i - 1; j >= 0 && j >= i-n; j-- {
			if ws[j].punct && ws[j].w != "," {
				return false
			}
			if pred(ws[j].w) {
				return true
			}
		}
		return false
	}
	isNeg := func(w string) bool { return negation[w] }
	isModal := func(w string) bool { return hypothetical[w] && w != "om" }
	add := func(o omgjort.Outcome, s int) { out = append(out, structHit{outcome: o, strength: s, sent: sent}) }
	ankeSubject := main == actorAnke
	for i, t := range ws {
		switch {
		case resultBlock && (t.w == "efterbetale" || t.w == "efterbetales" || t.w == "udbetale" || t.w == "tilbagebetale") &&
			before(i, 4, func(w string) bool { return w == "skal" }) && firstActorIsAuthority(ws[:i]) && !before(i, 5, isNeg) && !before(i, 6, isModal):
			// In a result block, "Kommunen skal efterbetale det beløb, A er blevet trukket": the
			// consequence of a change (a more far-reaching formula keeps its rank).
			add(omgjort.OutcomeAendret, 2)
		case t.w == "enig" || t.w == "enige":
			// "Vi er enige i kommunens afgørelse", "Ankestyrelsen er enig med kommunen".
			if ankeSubject && !before(i, 3, isNeg) && within(i+1, 4, firstInstanceWord) {
				// Agreement may be partial ("enige med kommunen i, at …"): it does not outrank
				// a change stated elsewhere.
				add(omgjort.OutcomeStadfaestet, 2)
			}
		case (t.w == "betale" || t.w == "tilbagebetale") && i >= 2 && ws[i-1].w == "kun" && ws[i-2].w == "skal" && !before(i, 4, isNeg) && !before(i, 6, isModal) &&
			before(i, 4, func(w string) bool { return w == "du" || w == "i" || w == "borgeren" || w == "han" || w == "hun" }):
			// "Du skal kun betale 4.318 kr. tilbage": the claim is reduced.
			add(omgjort.OutcomeAendret, 2)
		case t.w == "samme" && i >= 2 && before(i, 4, func(w string) bool { return w == "resultatet" }) && within(i+1, 1, func(w string) bool { return w == "som" }) &&
			!before(i, 4, isNeg) && !before(i, 4, isModal) && !whetherBefore(ws, i):
			// "Resultatet er dermed det samme som i kommunens afgørelse."
			add(omgjort.OutcomeStadfaestet, 2)
		case t.w == "ret" && authorityHadRight(ws, i) >= 0 &&
			has(i+1, "til") && !before(i, 4, isModal) && !whetherBefore(ws, i) && !within(0, i, func(w string) bool { return w == "hvis" || w == "om" }):
			// "Kommunen havde ret til ikke at udbetale kontanthjælp til dig …", "Kommunen har
			// derfor haft ret til at give dig afslag": the first instance was right; "Kommunen
			// havde ikke ret til at …" is its error, no outcome.
			if k := authorityHadRight(ws, i); !within(k, i-k+1, isNeg) {
				add(omgjort.OutcomeStadfaestet, 2)
			}
		case has(i, "samme", "resultat"):
			if ankeSubject && !before(i, 4, isNeg) && !before(i, 4, isModal) {
				add(omgjort.OutcomeStadfaestet, 3)
			}
		case t.w == "ret" && i >= 2 && (ws[i-1].w == "kommunen" || strings.HasSuffix(ws[i-1].w, "nævnet") || strings.HasPrefix(ws[i-1].w, "jobcent") || ws[i-1].w == "danmark") &&
			(ws[i-2].w == "giver" || ws[i-2].w == "gav") && !before(i, 6, isNeg):
			// (Not "Der er ingen regel, som giver kommunen ret til at nedsætte hjælpen".)
			add(omgjort.OutcomeStadfaestet, 3)
		case t.w == "ret" && i >= 1 && (ws[i-1].w == "får" || ws[i-1].w == "fik" || ws[i-1].w == "fået" || ws[i-1].w == "ikke" ||
			((ws[i-1].w == "dig" || ws[i-1].w == "jer") && i >= 2 && (ws[i-2].w == "giver" || ws[i-2].w == "gav"))) &&
			within(i+1, 1, func(w string) bool { return w == "i" }) && within(i+2, 2, func(w string) bool { return strings.HasPrefix(w, "klage") || w == "din" || w == "jeres" }):
			// "Du får (ikke) ret i din klage", "Vi giver dig ret i klagen".
			if before(i, 4, func(w string) bool { return w == "hvis" || w == "om" || w == "kan" || w == "kunne" }) {
				continue
			}
			if before(i, 4, isNeg) {
				add(omgjort.OutcomeStadfaestet, 2)
			} else {
				add(omgjort.OutcomeAendret, 2)
			}
		case (t.w == "orden" && i >= 2 && ws[i-1].w == "i" && (ws[i-2].w == "er" || ws[i-2].w == "var")) ||
			((t.w == "korrekt" || t.w == "rigtig" || t.w == "rigtigt" || t.w == "lovlig" || t.w == "lovligt") && copulaBefore(ws, i)):
			// "Kommunens afgørelse er i orden / korrekt / rigtig", "Afslaget er rigtigt".
			// Not when right only as things stood then ("rigtig ud fra de oplysninger, der lå i
			// sagen dengang").
			then := has(i+1, "ud", "fra") || has(i+1, "på", "det", "tidspunkt") || has(i+1, "på", "daværende") || has(i+1, "dengang")
			if !then && i <= 16 && within(0, i, func(w string) bool { return strings.HasPrefix(w, "afgørelse") || strings.HasPrefix(w, "afslag") }) && !before(i, 4, isNeg) && !before(i, 8, isModal) &&
				!within(0, i, func(w string) bool { return w == "hvis" || w == "hvorvidt" }) && !whetherBefore(ws, i) {
				add(omgjort.OutcomeStadfaestet, 2)
			}
		case (t.w == "rigtigt" || t.w == "korrekt") && i >= 3 && (has(i-3, "vurderet", "din", "sag") || has(i-2, "vurderet", "sagen") || has(i-3, "vurderet", "jeres", "sag")) &&
			firstActorIsAuthority(ws[:i]):
			// "Kommunen har vurderet din sag rigtigt."
			if !before(i, 6, isNeg) && !before(i, 8, isModal) && !within(0, i, func(w string) bool { return w == "hvis" || w == "hvorvidt" }) {
				add(omgjort.OutcomeStadfaestet, 2)
			}
		case t.w == "gælder" && i >= 1 && i <= 12 && within(0, i, func(w string) bool { return strings.HasPrefix(w, "afgørelse") }) &&
			(within(i+1, 2, func(w string) bool { return w == "derfor" || w == "fortsat" || w == "stadig" || w == "således" }) || ws[i-1].w == "fortsat" || ws[i-1].w == "stadig") && !within(i+1, 3, isNeg) && !before(i, 6, isNeg) && !before(i, 6, isModal):
			// "afgørelsen af 14. november 2022 gælder derfor."
			add(omgjort.OutcomeStadfaestet, 1)
		case (t.w == "betale" || t.w == "tilbagebetale") && before(i, 2, isNeg) && before(i, 3, func(w string) bool { return w == "skal" }) &&
			before(i, 4, func(w string) bool { return w == "du" || w == "i" || w == "borgeren" || w == "han" || w == "hun" }) && !before(i, 6, isModal):
			// "Du skal ikke betale pengene tilbage": the repayment claim falls.
			if within(i+1, 2, func(w string) bool { return w == "hele" }) {
				// "Du skal ikke betale det hele tilbage": part of the claim stands.
				add(omgjort.OutcomeAendret, 1)
			} else if within(i+1, 6, func(w string) bool { return w == "tilbage" }) || t.w == "tilbagebetale" {
				add(omgjort.OutcomeOphaevet, 1)
			} else {
				add(omgjort.OutcomeAendret, 1)
			}
		case (t.w == "behandler" || t.w == "realitetsbehandler") && ankeSubject && within(i+1, 3, isNeg) &&
			within(i+1, 5, func(w string) bool { return strings.HasPrefix(w, "klage") || w == "sagen" || w == "henvendelsen" }) && !before(i, 4, isModal):
			// "Vi realitetsbehandler derfor ikke din klage."
			add(omgjort.OutcomeAfvist, 3)
		case (t.w == "tilslutter" || t.w == "tilsluttede") && within(i+1, 1, func(w string) bool { return w == "sig" }) && ankeSubject &&
			within(i+2, 4, func(w string) bool {
				return strings.HasPrefix(w, "afgørelse") || strings.HasPrefix(w, "vurdering") || strings.HasPrefix(w, "kommune")
			}):
			if !before(i, 4, isNeg) && !before(i, 4, isModal) {
				add(omgjort.OutcomeStadfaestet, 3)
			}
		case (t.w == "tilkendte" || t.w == "tilkender" || t.w == "bevilgede" || t.w == "bevilger") && ankeSubject && lastActor(ws[:i]) == actorAnke && !before(i, 4, isNeg) && !before(i, 4, isModal):
			// "Ankestyrelsen tilkendte borgeren førtidspension."
			add(omgjort.OutcomeAendret, 2)
		case (t.w == "bevilge" || t.w == "tilkende" || t.w == "yde" || t.w == "betale" || t.w == "udbetale") && before(i, 3, func(w string) bool { return w == "skal" }) &&
			firstActorIsAuthority(ws[:i]) && !before(i, 4, isNeg) && !before(i, 6, isModal):
			// "Kommunen skal bevilge dig …": the result of a changed decision.
			add(omgjort.OutcomeAendret, 1)
		case t.w == "berettiget" && before(i, 3, func(w string) bool { return w == "er" || w == "var" || w == "bliver" }) &&
			before(i, 4, func(w string) bool { return w == "du" || w == "i" || w == "borgeren" || w == "han" || w == "hun" }) && !before(i, 6, isModal) && !whetherBefore(ws, i):
			if before(i, 3, isNeg) {
				add(omgjort.OutcomeStadfaestet, 1)
			} else {
				add(omgjort.OutcomeAendret, 1)
			}
		case ankeSubject && (has(i, "rette", "klageinstans") || has(i, "rette", "myndighed") || has(i, "kompetence", "til", "at", "behandle")) && before(i, 4, isNeg) && !before(i, 4, isModal):
			// "Ankestyrelsen er ikke rette klageinstans" / "har ikke kompetence til at behandle".
			add(omgjort.OutcomeAfvist, 2)
		case t.w == "videre" && ankeSubject && before(i, 4, func(w string) bool { return w == "sender" || w == "sendt" || w == "sendte" || w == "videresender" }) &&
			within(0, i, func(w string) bool { return strings.HasPrefix(w, "klage") || w == "sagen" || w == "henvendelsen" }) && !before(i, 5, isModal):
			// "Vi har sendt din klage videre til Udbetaling Danmark." (Part of it only, "Den del
			// af din klage har vi sendt videre", is a weaker sign than the rest's result.)
			if within(0, i, func(w string) bool { return w == "del" }) {
				add(omgjort.OutcomeAfvist, 1)
			} else {
				add(omgjort.OutcomeAfvist, 2)
			}
		case t.w == "ugyldig" && i >= 2 && i <= 6 && copulaBefore(ws, i) && (sanctionNoun(ws[0].w) || ws[0].w == "den") && !before(i, 6, isNeg) && !before(i, 6, isModal) && !whetherBefore(ws, i):
			// "Afgørelsen er ugyldig.": set aside at least (a hjemvisning stated elsewhere ranks
			// higher, see chooseStructural).
			out = append(out, structHit{outcome: omgjort.OutcomeOphaevet, strength: 2, sent: sent, invalid: true})
		case (t.w == "lovlig" || t.w == "lovligt" || t.w == "berettiget") && i >= 3 && negation[ws[i-1].w] && copulaBefore(ws, i-1) && i <= 6 &&
			sanctionNoun(ws[0].w) && !before(i, 6, isModal) && !whetherBefore(ws, i):
			// "Nedsættelsen var ikke lovlig, og kommunen skal udbetale det beløb, der er trukket":
			// the decision is set aside, whatever its consequence.
			add(omgjort.OutcomeOphaevet, 2)
		case t.w == "gældende" && within(0, i, func(w string) bool { return strings.HasPrefix(w, "afgørelse") || strings.HasPrefix(w, "afslag") }) &&
			before(i, 4, func(w string) bool { return w == "er" || w == "var" || w == "bliver" || w == "forbliver" }) &&
			!before(i, 6, isModal) && !within(0, i, func(w string) bool { return w == "hvis" || w == "gjort" || w == "gør" }) && !whetherBefore(ws, i):
			if before(i, 3, isNeg) {
				// "Kommunens afgørelse er derfor ikke længere gældende."
				add(omgjort.OutcomeOphaevet, 2)
			} else {
				// "Kommunens afgørelse er derfor fortsat gældende."
				add(omgjort.OutcomeStadfaestet, 2)
			}
		case (t.w == "nedsættes" || t.w == "forhøjes" || t.w == "hæves" || t.w == "sænkes") && i > 0 && !before(i, 4, isNeg) && !before(i, 4, isModal) &&
			within(0, i, func(w string) bool {
				return strings.HasPrefix(w, "krav") || strings.HasPrefix(w, "beløb") || strings.HasPrefix(w, "ydelse") || strings.HasPrefix(w, "tilskud") || strings.HasPrefix(w, "støtte") || strings.HasSuffix(w, "støtten") || strings.HasPrefix(w, "hjælp") || strings.HasPrefix(w, "tilbagebetaling")
			}) && !whetherBefore(ws, i) && !within(0, i, func(w string) bool { return w == "enig" || w == "enige" }):
			// "Kravet mod dig nedsættes fra 8.420 kr. til 2.115 kr." (not "Vi er enige med
			// kommunen i, at din hjælp skal nedsættes": that is the first instance's reduction).
			add(omgjort.OutcomeAendret, 2)
		case t.w == "kræve" && before(i, 3, isNeg) && before(i, 4, func(w string) bool { return w == "kan" || w == "må" }) && firstActorIsAuthority(ws[:i]) &&
			within(i+1, 5, func(w string) bool { return w == "tilbage" || strings.HasPrefix(w, "tilbagebetal") }):
			// "Kommunen kan ikke kræve pengene tilbage": the repayment claim falls.
			add(omgjort.OutcomeOphaevet, 1)
		case (t.w == "afsluttet" || t.w == "afslutter" || t.w == "henlagt" || t.w == "henlægger") && ankeSubject &&
			within(i+1, 4, func(w string) bool { return strings.HasPrefix(w, "klage") || w == "sagen" || w == "behandlingen" }) && !before(i, 4, isModal) && !before(i, 3, isNeg):
			add(omgjort.OutcomeAfvist, 2)
		case has(i, "uden", "at", "tage", "stilling") && within(i+4, 4, func(w string) bool { return w == "indhold" || w == "realiteten" || strings.HasPrefix(w, "klage") }) && ankeSubject:
			add(omgjort.OutcomeAfvist, 2)
		case t.w == "medhold":
			if k := giverBefore(ws, i); k >= 0 && firstActorIsAuthority(ws[k+1:i]) {
				// "Vi giver kommunen medhold": the first instance was right.
				if !before(i, 4, isNeg) && !before(i, 4, isModal) {
					add(omgjort.OutcomeStadfaestet, 2)
				}
				continue
			}
			if ankeSubject && before(i, 5, isNeg) && before(i, 5, func(w string) bool { return w == "kan" }) && !before(i, 6, func(w string) bool { return w == "hvis" || w == "om" }) {
				// "Vi kan ikke give dig medhold."
				add(omgjort.OutcomeStadfaestet, 2)
				continue
			}
			if before(i, 4, func(w string) bool { return w == "hvis" || w == "om" || w == "kan" || w == "kunne" }) || whetherBefore(ws, i) {
				continue
			}
			if firstActorIsAuthority(ws[:i]) && before(i, 3, func(w string) bool { return w == "får" || w == "fået" || w == "fik" }) {
				// "Kommunen har altså fået medhold i, at …": the first instance was right.
				if !before(i, 4, isNeg) {
					add(omgjort.OutcomeStadfaestet, 2)
				}
				continue
			}
			if before(i, 4, isNeg) {
				add(omgjort.OutcomeStadfaestet, 2)
			} else if before(i, 3, func(w string) bool {
				return w == "får" || w == "fået" || w == "fik" || w == "giver" || w == "gav" || w == "delvist" || w == "delvis"
			}) {
				add(omgjort.OutcomeAendret, 2)
			}
		case standsAfter(ws, i) || t.w == "fastholdes" || has(i, "bliver", "fastholdt") || has(i, "blev", "fastholdt") || t.w == "opretholdes":
			if before(i, 3, isModal) {
				continue
			}
			if before(i, 3, isNeg) || within(i+1, 2, isNeg) {
				if t.w == "opretholdes" {
					add(omgjort.OutcomeOphaevet, 2)
				}
				continue
			}
			if i > 0 && (ws[0].w == "afgørelsen" || within(0, i, func(w string) bool {
				return strings.HasPrefix(w, "afgørelse") || w == "den" || strings.HasPrefix(w, "afslag")
			})) {
				add(omgjort.OutcomeStadfaestet, 2)
			}
		case has(i, "ud", "af", "kraft") && i >= 1 && (ws[i-1].w == "sat" || ws[i-1].w == "sættes"):
			if !before(i, 4, isNeg) && !before(i, 4, isModal) {
				add(omgjort.OutcomeOphaevet, 2)
			}
		case t.w == "bortfalder" && lapsingIsDecision(ws[:i]):
			if !before(i, 3, isNeg) && !before(i, 3, isModal) {
				add(omgjort.OutcomeOphaevet, 2)
			}
		case (t.w == "genoptage" || t.w == "genoptages" || t.w == "genbehandle" || t.w == "genbehandles") && before(i, 3, func(w string) bool { return w == "skal" }) &&
			!within(i+1, 2, func(w string) bool {
				return strings.HasPrefix(w, "udbetaling") || strings.HasPrefix(w, "betaling") || strings.HasPrefix(w, "ydelse") || strings.HasPrefix(w, "opfølgning")
			}):
			// "Kommunen skal genoptage udbetalingen" is the consequence of a change, not a case
			// sent back.
			if !before(i, 4, isNeg) && !before(i, 6, isModal) {
				add(omgjort.OutcomeHjemvist, 2)
			}
		case (t.w == "tilbage" || t.w == "retur") && i >= 1 && before(i, 6, func(w string) bool {
			return w == "sendes" || w == "sender" || w == "sendt" || w == "sendte" || w == "skal" || w == "går"
		}) && within(0, i, func(w string) bool { return w == "sagen" || w == "sag" || w == "den" || w == "klagen" }) && (i+1 == len(ws) || within(i+1, 2, func(w string) bool { return w == "til" })):
			subj := actorNone
			for j := 0; j < i; j++ {
				if a := actorOf(ws[j].w); a != actorNone {
					subj = a
					break
				}
			}
			if before(i, 6, func(w string) bool {
				return w == "betale" || w == "tilbagebetale" || w == "kræve" || w == "kræves" || w == "give" || w == "trække"
			}) {
				continue // money paid back, not a case sent back
			}
			if !before(i, 6, isNeg) && !before(i, 6, func(w string) bool { return isModal(w) && w != "kan" }) && subj != actorOther {
				add(omgjort.OutcomeHjemvist, 2)
			}
		case has(i, "truffet", "den", "rigtige", "afgørelse") || has(i, "truffet", "den", "korrekte", "afgørelse") || has(i, "truffet", "en", "rigtig", "afgørelse") || has(i, "traf", "den", "rigtige", "afgørelse"):
			if !before(i, 4, isNeg) && !before(i, 6, isModal) && !within(0, i, func(w string) bool { return w == "hvis" || w == "om" || w == "hvorvidt" }) {
				add(omgjort.OutcomeStadfaestet, 2)
			}
		case (t.w == "igen" || t.w == "forfra" || has(i, "på", "ny") || has(i, "gang", "til") || (t.w == "op" && within(i+1, 1, func(w string) bool { return w == "igen" }))) && before(i, 10, func(w string) bool {
			return w == "behandle" || w == "behandles" || w == "genbehandle" || w == "se" || w == "kigge" || w == "vurdere" || w == "vurderes" || w == "tage" || w == "afgøre" || w == "træffe"
		}) && (before(i, 12, func(w string) bool { return w == "skal" }) || pastInstruction(ws, i, 12)):
			// (Not the appeal guidance: "klagen skal sendes til kommunen, som skal vurdere sagen
			// igen, før den sendes videre til os".)
			if !before(i, 12, isNeg) && !before(i, 12, isModal) && !within(0, len(ws), func(w string) bool { return w == "videre" || strings.HasPrefix(w, "klagen") || w == "klage" }) {
				add(omgjort.OutcomeHjemvist, 2)
			}
		case has(i, "ny", "afgørelse") || has(i, "nye", "afgørelse") || has(i, "fornyet", "behandling") || has(i, "fornyet", "vurdering"):
			// (Not "ikke grundlag for at sende sagen tilbage til fornyet behandling".)
			negated := before(i, 6, isNeg) || (before(i, 10, isNeg) && before(i, 10, func(w string) bool { return w == "grundlag" || w == "anledning" }))
			if (before(i, 6, func(w string) bool { return w == "skal" || w == "træffe" || w == "til" || w == "hjemvist" }) || pastInstruction(ws, i, 6)) && !before(i, 8, isModal) && !negated {
				if has(i, "ny", "afgørelse") || has(i, "nye", "afgørelse") {
					if !before(i, 14, func(w string) bool { return w == "skal" }) && !pastInstruction(ws, i, 14) {
						continue
					}
				}
				add(omgjort.OutcomeHjemvist, 2)
			} else if has(i, "ny", "afgørelse", "fra") && before(i, 3, func(w string) bool { return w == "få" || w == "får" }) && i+3 < len(ws) && actorOf(ws[i+3].w) == actorOther &&
				!before(i, 8, isNeg) && !within(0, i, func(w string) bool { return w == "hvis" || w == "når" }) {
				// "Du vil få en ny afgørelse fra kommunen": the case goes back.
				add(omgjort.OutcomeHjemvist, 2)
			}
		case t.w == "rette" && i >= 2 && ws[i-1].w == "med" && firstActorIsAuthority(ws[max(0, i-4):i-1]) && !before(i, 4, isNeg) && !before(i, 6, isModal) && !whetherBefore(ws, i):
			// "Ankestyrelsen fandt, at kommunen med rette havde givet afslag."
			add(omgjort.OutcomeStadfaestet, 2)
		case (t.w == "behandle" || t.w == "realitetsbehandle" || has(i, "tage", "stilling")) && before(i, 4, isNeg) && before(i, 5, func(w string) bool {
			// "Ankestyrelsen har besluttet ikke at behandle sagen" (a case not of principle).
			return w == "kan" || w == "kunne" || w == "vil" || w == "behandler" || w == "besluttet" || w == "besluttede" || w == "beslutter"
		}) && ankeSubject:
			if within(i+1, 5, func(w string) bool {
				return strings.HasPrefix(w, "klage") || w == "sagen" || w == "henvendelsen" || w == "anken"
			}) {
				add(omgjort.OutcomeAfvist, 3)
			}
		case t.w == "behandling" && i >= 2 && ws[i-1].w == "under" && before(i-1, 4, func(w string) bool { return w == "tage" || w == "tages" }) && before(i, 8, isNeg) &&
			within(max(0, i-5), 5, func(w string) bool {
				return strings.HasPrefix(w, "ank") || strings.HasPrefix(w, "klage") || w == "sagen"
			}) && ankeSubject:
			// "Den Sociale Ankestyrelse kan derfor ikke tage Deres anke under behandling."
			add(omgjort.OutcomeAfvist, 3)
		case has(i, "lukket", "sagen") || has(i, "lukker", "sagen") || has(i, "lukket", "klagesagen"):
			if ankeSubject && !before(i, 4, isModal) {
				add(omgjort.OutcomeAfvist, 2)
			}
		case has(i, "ret", "til") && i >= 1 && before(i, 3, func(w string) bool { return w == "har" || w == "havde" || w == "får" }) &&
			before(i, 5, func(w string) bool {
				return w == "du" || w == "i" || w == "borgeren" || w == "klageren" || w == "han" || w == "hun"
			}):
			// "ret til at klage" is no result; "ret til (fortsat) at få forlænget …" is.
			k := skipAdverbs(ws, i+2, 2)
			if (within(i+2, 2, func(w string) bool { return w == "at" || w == "aktindsigt" || strings.HasPrefix(w, "klage") }) && !has(k, "at", "få")) || before(i, 5, isModal) {
				continue
			}
			if before(i, 3, isNeg) {
				add(omgjort.OutcomeStadfaestet, 1)
			} else {
				add(omgjort.OutcomeAendret, 1)
			}
		case (t.w == "betale" || t.w == "efterbetale" || t.w == "udbetale" || t.w == "dække" || t.w == "godtgøre") && (before(i, 3, func(w string) bool { return w == "skal" }) || within(0, i, func(w string) bool { return w == "skal" || w == "vil" })) &&
			firstActorIsAuthority(ws[:i]):
			if !before(i, 4, isNeg) && !before(i, 6, func(w string) bool { return isModal(w) && w != "vil" }) {
				add(omgjort.OutcomeAendret, 1)
			}
		case t.w == "ikke" && i >= 2 && ws[i-1].w == "må" && actorOf(ws[i-2].w) == actorOther && ws[i-2].w != "du":
			if i+1 < len(ws) && !before(i, 3, isModal) {
				if within(i+1, 3, func(w string) bool {
					return w == "trække" || w == "nedsætte" || w == "sanktionere" || strings.HasPrefix(w, "fradrag")
				}) {
					// "Kommunen må ikke trække i din kontanthjælp": the deduction falls, as the
					// consequence formula of rules.txt reads it.
					add(omgjort.OutcomeOphaevet, 1)
				} else {
					add(omgjort.OutcomeAendret, 1)
				}
			}
		case t.w == "gælder" && i >= 2 && ws[i-1].w == "længere" && ws[i-2].w == "ikke" && !before(i, 6, isModal) && !whetherBefore(ws, i) &&
			within(max(0, i-4), 2, func(w string) bool {
				return strings.HasPrefix(w, "krav") || strings.HasPrefix(w, "afgørelse") || strings.HasPrefix(w, "afslag")
			}):
			// "… at kommunens krav ikke længere gælder": the decision no longer stands.
			add(omgjort.OutcomeOphaevet, 2)
		case t.w == "gælder" && within(i+1, 2, isNeg) && within(0, i, func(w string) bool { return strings.HasPrefix(w, "afslag") || strings.HasPrefix(w, "afgørelse") }):
			if within(0, i, func(w string) bool { return w == "ugyldig" }) && !before(i, 8, isModal) {
				// "Afgørelsen om fradrag er ugyldig og gælder ikke": set aside as invalid.
				add(omgjort.OutcomeOphaevet, 2)
				continue
			}
			add(omgjort.OutcomeAendret, 1)
		}
	}
	return out
}

// chooseStructural picks the outcome among structural hits: hits in result blocks win, then
// the strongest kind of evidence; among those, the most far-reaching outcome (labels.md).
func chooseStructural(hits []structHit, sents []sentence) (omgjort.Outcome, []structHit) {
	if len(hits) == 0 {
		return omgjort.OutcomeUkendt, nil
	}
	var pool []structHit
	for _, h := range hits {
		if sents[h.sent].result {
			pool = append(pool, h)
		}
	}
	if len(pool) == 0 {
		pool = hits
	}
	// Consequences count only when nothing states the result itself; among statements, the
	// most far-reaching wins ("Vi har ophævet afgørelsen og sendt sagen tilbage": hjemvist).
	top := 1
	for _, h := range pool {
		top = max(top, min(h.strength, 2))
	}
	var counted []structHit
	best := omgjort.OutcomeUkendt
	onlyInvalid := true
	for _, h := range pool {
		if min(h.strength, 2) == top {
			counted = append(counted, h)
			onlyInvalid = onlyInvalid && h.invalid
			if rank(h.outcome) > rank(best) {
				best = h.outcome
			}
		}
	}
	if best == omgjort.OutcomeOphaevet && onlyInvalid {
		// An invalid decision in the result block, and the case sent back elsewhere
		// ("Kommunen skal derfor træffe en ny afgørelse om din ansøgning"): hjemvist.
		var back []structHit
		for _, h := range hits {
			if h.outcome == omgjort.OutcomeHjemvist && h.strength >= 2 {
				back = append(back, h)
			}
		}
		if len(back) > 0 {
			return omgjort.OutcomeHjemvist, append(back, counted...)
		}
	}
	return best, counted
}

// structuralSkip are the sections an outcome is never read from: quoted rules, the meeting,
// retold facts and the appeal guidance.
var structuralSkip = map[string]bool{"regler": true, "moede": true, "oplysninger": true, "baggrund": true, "klagevejl": true}

// strengthScore is the evidence score of each strength of structural evidence.
var strengthScore = [...]float64{0, 0.55, 0.7, 0.8}

// structuralOutcome reads the outcome from sentence structure (see structOutcomes) when no
// formula of rules.txt was found.
func (rs *ruleSet) structuralOutcome(text string, sents []sentence) (omgjort.Outcome, []omgjort.Evidence, string) {
	var hits []structHit
	// Most texts name no committee: the regular expression only where "udvalg" stands.
	own := namesOwnCommittee(text)
	for i, s := range sents {
		if structuralSkip[s.section] || rs.outcomeVetoed(text[s.start:s.end], s.ruleText(text)) {
			continue
		}
		hits = append(hits, structOutcomesIn(s.lower(text), i, s.result, own)...)
	}
	if courtJudgment(text, sents) {
		return omgjort.OutcomeUkendt, nil, ReasonCourt
	}
	// The general principle counts only when nothing else in the text states an outcome.
	var rest []structHit
	for _, h := range hits {
		if sents[h.sent].section != "princip" {
			rest = append(rest, h)
		}
	}
	if len(rest) > 0 {
		hits = rest
	}
	best, counted := chooseStructural(hits, sents)
	if best == omgjort.OutcomeUkendt {
		return best, nil, ReasonNoOutcome
	}
	// The sentences for the winning outcome first.
	var ordered []structHit
	for _, h := range counted {
		if h.outcome == best {
			ordered = append(ordered, h)
		}
	}
	for _, h := range counted {
		if h.outcome != best {
			ordered = append(ordered, h)
		}
	}
	hs := make([]hit, 0, len(ordered))
	rules := make([]rule, len(ordered))
	for k, h := range ordered {
		rules[k] = rule{kind: kindOutcome, outcome: h.outcome, score: strengthScore[h.strength]}
		hs = append(hs, hit{rule: &rules[k], sent: h.sent})
	}
	return best, evidence(text, sents, hs, 1), ""
}

// courts are the courts whose judgments Ankestyrelsen republishes.
var courts = []string{"højesteret", "landsret", "byret", "østre landsret", "vestre landsret"}

// courtJudgment reports whether the text retells a court's judgment (a republished dom): its
// opening names a court's judgment ("Vestre Landsrets dom", "Dom fra Vestre Landsret af …"),
// or courts decide in two or more sentences. Such a text has no outcome of Ankestyrelsen's own
// (labels.md: ukendt).
func courtJudgment(text string, sents []sentence) bool {
	head := strings.ToLower(text[:min(len(text), 300)])
	for _, c := range courts {
		if strings.Contains(head, c+"s dom") || strings.Contains(head, c+"ens dom") || strings.Contains(head, "dom fra "+c) || strings.Contains(head, "dom afsagt af "+c) {
			return true
		}
	}
	n := 0
	for _, s := range sents {
		// Only the opening words matter: read at most the first 80 bytes (to a rune start).
		end := min(s.end, s.start+80)
		for end < s.end && !utf8.RuneStart(text[end]) {
			end++
		}
		// Every court's name ends in "ret" (Højesteret, Landsretten, Byret): most sentences
		// are passed over without lower-casing them.
		if !strings.Contains(text[s.start:end], "ret") && !strings.Contains(text[s.start:end], "RET") {
			continue
		}
		ws := words(strings.ToLower(text[s.start:end]))
		if len(ws) < 2 {
			continue
		}
		for k := 0; k+1 < len(ws) && k < 4; k++ {
			w := ws[k].w
			if (strings.HasPrefix(w, "højesteret") || strings.HasPrefix(w, "landsret") || strings.HasPrefix(w, "byret")) && !strings.HasSuffix(w, "s") {
				if v := ws[k+1].w; v == "fandt" || v == "frifandt" || v == "stadfæstede" || v == "tiltrådte" || v == "dømte" || v == "ophævede" || v == "ændrede" || v == "gav" {
					n++
				}
				break
			}
		}
	}
	return n >= 2
}

// outcomeVetoed reports whether a sentence-scope veto of rules.txt for outcomes (the citizen's
// claims, hypotheticals, general statements) matches the sentence; lower is its ruleText.
func (rs *ruleSet) outcomeVetoed(st, lower string) bool {
	st = translit(st)
	for _, v := range rs.vetoes {
		if v.match || !v.targets[kindOutcome] {
			continue
		}
		for vi, re := range v.res {
			if !passes(lower, v.gates[vi]) {
				continue
			}
			if re.MatchString(st) {
				return true
			}
		}
	}
	return false
}

// firstActorIsAuthority reports whether the first actor among ws is an authority (the first
// instance, not the citizen): "Udbetaling Danmark skal … efterbetale".
// lastActor is the actor named last in ws: the subject of a verb that follows ("Vi har behandlet
// din klage over afgørelsen, hvor kommunen … bevilgede et ressourceforløb": kommunen).
func lastActor(ws []word) actorKind {
	for j := len(ws) - 1; j >= 0; j-- {
		if a := actorOf(ws[j].w); a != actorNone {
			return a
		}
	}
	return actorNone
}

// firstActorIsAuthority reports whether the first actor named in ws is an authority other than
// Ankestyrelsen (the first instance, a nævn), not the citizen.
func firstActorIsAuthority(ws []word) bool {
	for _, t := range ws {
		switch actorOf(t.w) {
		case actorAnke:
			return false
		case actorOther:
			switch t.w {
			case "du", "jeg", "han", "hun", "de", "borgeren", "klageren", "klagerne", "sikrede", "ansøgeren", "forældrene", "moren", "faren", "mor", "far", "manden", "kvinden", "advokaten", "sønnen", "datteren", "arbejdsgiveren", "lægen":
				return false
			}
			return true
		}
	}
	return false
}

// namesOwnCommittee reports whether the text names one of Ankestyrelsen's own committees (most
// texts name no committee: the regular expression runs only where "udvalg" stands).
func namesOwnCommittee(text string) bool {
	return (strings.Contains(text, "dvalg") || strings.Contains(text, "DVALG")) && ownCommittee.MatchString(text)
}

// ownCommittee finds a mention of one of Ankestyrelsen's own committees.
var ownCommittee = regexp.MustCompile(`(?i)\bankestyrelsens (?:\p{L}+[- ]og )?\p{L}*udvalg`)

// whetherBefore reports whether "om" in the sense "whether" ("om du har ret", "om der er")
// stands before word i; "afgørelsen om hjemmehjælp" and "om måneden" do not count.
func whetherBefore(ws []word, i int) bool {
	for k := 0; k < i && k+1 < len(ws); k++ {
		if ws[k].w == "om" && (actorOf(ws[k+1].w) != actorNone || ws[k+1].w == "der" || ws[k+1].w == "det" || ws[k+1].w == "man") {
			return true
		}
		// "vurdere, om den kan give dig medhold": "den" with a finite verb after it.
		if ws[k].w == "om" && ws[k+1].w == "den" && k+2 < len(ws) {
			switch ws[k+2].w {
			case "kan", "skal", "vil", "har", "havde", "er", "var", "kunne", "burde":
				return true
			}
		}
		// "om kommunens (oprindelige) afgørelse var rigtig": a subject with a possessive before it.
		if ws[k].w == "om" && k+2 < i && strings.HasSuffix(ws[k+1].w, "s") && actorOf(strings.TrimSuffix(ws[k+1].w, "s")) == actorOther &&
			(strings.HasPrefix(ws[k+2].w, "afgørelse") || (k+3 < i && strings.HasPrefix(ws[k+3].w, "afgørelse"))) {
			return true
		}
		// "taget stilling til, om …", "… til om …": after a comma or "til", "om" asks whether.
		if ws[k].w == "om" && k > 0 && (ws[k-1].w == "," || ws[k-1].w == "til") && k+1 < i && !strings.HasPrefix(ws[k+1].w, "måned") && ws[k+1].w != "året" && ws[k+1].w != "ugen" {
			return true
		}
	}
	return false
}

// giverBefore finds "giver", "gav" or "givet" at most four words before ws[i] ("Vi giver
// dermed kommunen medhold"), with only adverbs and the party between; -1 when there is none.
func giverBefore(ws []word, i int) int {
	for k := i - 2; k >= 0 && k >= i-4; k-- {
		switch ws[k].w {
		case "giver", "gav", "givet":
			for _, t := range ws[k+1 : i] {
				if t.punct {
					return -1
				}
			}
			return k
		}
	}
	return -1
}

// resultStructure is structuralOutcome over the sentences of the result blocks alone, counting
// only evidence of strength 2 or more (a passive of a result, an explicit actor).
func (rs *ruleSet) resultStructure(text string, sents []sentence) (omgjort.Outcome, []omgjort.Evidence) {
	var res []sentence
	for _, s := range sents {
		if s.result {
			res = append(res, s)
		}
	}
	o, ev, _ := rs.structuralOutcome(text, res)
	if o == omgjort.OutcomeUkendt || len(ev) == 0 || ev[0].Score < strengthScore[2] {
		return omgjort.OutcomeUkendt, nil
	}
	return o, ev
}

// lapsingIsDecision reports whether what "bortfalder" says lapses — the first noun of its clause
// that can lapse, its subject ("Afgørelsen om fradrag bortfalder") — is the decision or the
// sanction rather than the claim a changed decision leaves ("Vi har ændret afgørelsen, så kravet
// bortfalder").
func lapsingIsDecision(ws []word) bool {
	from := 0
	for j := len(ws) - 1; j >= 0; j-- {
		if ws[j].punct || ws[j].w == "så" {
			from = j + 1
			break
		}
	}
	for _, t := range ws[from:] {
		switch w := t.w; {
		case strings.HasPrefix(w, "afgørelse") || strings.HasPrefix(w, "sanktion"):
			return true
		case strings.HasPrefix(w, "krav") || strings.HasPrefix(w, "tilbagebetaling") || strings.HasPrefix(w, "beløb") || strings.HasPrefix(w, "fradrag"):
			return false
		}
	}
	return false
}

// deliberation holds the verbs after which "om" opens a whether-clause ("overvejet om").
var deliberation = map[string]bool{"overvejet": true, "overvejede": true, "overvejer": true, "vurderet": true, "vurderede": true, "vurderer": true,
	"undersøgt": true, "undersøgte": true, "undersøger": true, "spørgsmålet": true, "vurdere": true, "overveje": true, "undersøge": true}

// determiner holds the words before an outcome word that make it an adjective ("den ændrede
// begrundelse", "de ophævede regler").
var determiner = map[string]bool{"den": true, "det": true, "de": true, "en": true, "et": true, "sin": true, "sit": true, "sine": true, "hans": true, "hendes": true, "deres": true, "din": true, "dit": true, "dine": true}

// earlierRound reports whether the outcome verb c[i] of a clause is in the past tense in a
// sentence that says "tidligere" ("Sagen havde tidligere været behandlet i Ankestyrelsen, som
// ved afgørelse af 3. oktober 2016 hjemviste sagen"): an earlier round, in any person. An
// earlier round Ankestyrelsen dates itself ("Vi stadfæstede den 11. juli 2017 …") is a veto of
// rules.txt, for every reading.
func earlierRound(c []word, i int, tidligere bool) bool {
	if !strings.HasSuffix(c[i].w, "ede") && !strings.HasSuffix(c[i].w, "te") {
		return false
	}
	if tidligere {
		return true
	}
	// A preterite dated after the verb: "vi hjemviste sagen i en afgørelse af 9. marts 2022",
	// "Vi hjemviste den afgørelse i november 2022" (not "ophævede kommunens afgørelse af 3. maj
	// 2013", which names the decision appealed).
	// "Den Sociale Ankestyrelse hjemviste ved afgørelse af 12. februar 1986 sagen": so too with
	// "ved".
	for j := i + 1; j+1 < len(c) && j <= i+6; j++ {
		if c[j].w != "i" && c[j].w != "ved" {
			continue
		}
		n := c[j+1].w
		if c[j].w == "i" && (months[n] || (len(n) == 4 && (strings.HasPrefix(n, "19") || strings.HasPrefix(n, "20")))) {
			return true
		}
		if strings.HasPrefix(n, "afgørelse") {
			return true
		}
		if (n == "en" || n == "vores" || n == "sin") && j+2 < len(c) && strings.HasPrefix(c[j+2].w, "afgørelse") {
			return true
		}
	}
	return false
}

// months are the Danish month names.
var months = map[string]bool{"januar": true, "februar": true, "marts": true, "april": true, "maj": true, "juni": true,
	"juli": true, "august": true, "september": true, "oktober": true, "november": true, "december": true}

// notChosen reports whether the "at" at ws[k] follows "uden", "frem for" or "i stedet for"
// (across clause boundaries): the infinitive after it is the outcome not chosen.
func notChosen(ws []word, k int) bool {
	if k >= 1 && ws[k-1].w == "uden" {
		return true
	}
	return k >= 2 && ws[k-1].w == "for" && (ws[k-2].w == "frem" || ws[k-2].w == "stedet")
}
