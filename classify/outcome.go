package classify

import (
	"strings"

	"omgjort"
)

// decideOutcome applies the outcome policy to the formula hits of a case, in stages from the
// strongest reading to the weakest: the formulas (chooseOutcome); a result block that states a
// more far-reaching sub-decision in its own words; a formula whose own sentence sends the case
// back; a result block that outranks a formula in the assessment; a statement of the result
// that outranks consequences; and, when nothing was found, the structure of the whole text. A
// republished judgment has no outcome of Ankestyrelsen's: the formulas it quotes are the court's.
func (rs *ruleSet) decideOutcome(text string, sents []sentence, outcomes []hit, court bool) (omgjort.Outcome, []omgjort.Evidence, string) {
	if court {
		return rs.structuralOutcome(text, sents)
	}
	o, ev := chooseOutcome(text, sents, outcomes)
	// A result block that lists several sub-decisions may state one with a formula and another
	// only in its structure ("Ankestyrelsen ændrede … Kommunens krav om tilbagebetaling blev
	// ophævet."): the most far-reaching of the block counts. Not after an afvisning, whose
	// consequences read like a stadfæstelse ("kommunens afgørelse er gældende"), nor after a
	// hjemvisning, above which nothing ranks.
	if o != omgjort.OutcomeAfvist && o != omgjort.OutcomeHjemvist && (inResult(sents, outcomes) || consequenceInResult(sents, outcomes)) {
		if ro, rev := rs.resultStructure(text, sents); rank(ro) > rank(o) {
			o, ev = ro, append(rev, ev...)
		}
	}
	if o == omgjort.OutcomeAfvist && inResult(sents, outcomes) {
		// A partial afvisning beside a sub-decision the block states ("Vi kan ikke behandle din
		// klage over tidspunktet for dine samtaler" and "Sagen om tilbagebetaling skal behandles
		// igen af kommunen"): the roll-up is the most far-reaching, but only a statement counts,
		// not a consequence ("kommunens afgørelse er gældende" after an afvisning).
		// A stadfæstelse counts too when the afvisning says it is partial ("Den del af klagen er
		// afvist").
		if ro, rev := rs.resultStructure(text, sents); (ro != omgjort.OutcomeStadfaestet || partialAfvisning(text)) && rank(ro) > rank(o) && len(rev) > 0 && rev[0].Score >= strengthScore[2] {
			o, ev = ro, append(rev, ev...)
		}
	}
	if o == omgjort.OutcomeOphaevet && formulaSendsBack(text, sents, outcomes) {
		o = omgjort.OutcomeHjemvist
	}
	if o != omgjort.OutcomeUkendt && !inResult(sents, outcomes) && hasFormula(outcomes) {
		// No formula in the result block, but the block states the result in its own words
		// ("Vi har derfor sendt den del af sagen tilbage til kommunen"): the block outranks a
		// formula in the assessment, which may be about one part only ("Vi er enige med
		// kommunen").
		// (Not a block that only calls the decision invalid when the formula sends the case
		// back: "Afgørelsen er derfor ugyldig" beside "Kommunen skal behandle din ansøgning
		// igen".)
		if ro, rev := rs.resultStructure(text, sents); ro != omgjort.OutcomeUkendt && !(o == omgjort.OutcomeHjemvist && onlyInvalidity(rev)) {
			o, ev = ro, rev
		}
	}
	if o != omgjort.OutcomeUkendt && !hasFormula(outcomes) {
		if so, sev := rs.statedResult(text, sents); so != omgjort.OutcomeUkendt {
			o, ev = so, sev
		}
	}
	if o == omgjort.OutcomeUkendt {
		return rs.structuralOutcome(text, sents)
	}
	// Several sub-decisions: the roll-up is the most far-reaching statement (labels.md). An
	// agreement or a change outside the result block may be one sub-decision ("Ankestyrelsen var
	// derfor enig i kommunens afgørelse" beside "Kommunens afgørelse blev ophævet, og sagen blev
	// sendt tilbage"; "Vi har derfor ændret … Afgørelsen om tilbagebetaling er derfor ophævet"),
	// and "Du får medhold" says only that the citizen won, not how ("Kommunens afgørelse af 4.
	// april 2018 er ophævet"). A result block's own formula is the result as a whole and stays.
	if (o == omgjort.OutcomeStadfaestet || o == omgjort.OutcomeAendret) && !inResult(sents, outcomes) ||
		o == omgjort.OutcomeAendret && onlyMedhold(text, sents, outcomes) {
		if so, sev := rs.furtherStatement(text, sents, o); so != omgjort.OutcomeUkendt {
			o, ev = so, append(sev, ev...)
		}
	}
	return o, ev, ""
}

// furtherStatement returns the most far-reaching outcome that a sentence of the text states
// with an outcome verb whose actor is Ankestyrelsen (or a passive of a result), when it reaches
// further than o, with its evidence; otherwise ukendt. Consequences do not count: they are
// read with the formulas.
func (rs *ruleSet) furtherStatement(text string, sents []sentence, o omgjort.Outcome) (omgjort.Outcome, []omgjort.Evidence) {
	own := namesOwnCommittee(text)
	best := o
	var hs []hit
	var rules []rule
	for i, s := range sents {
		// Only sentences with an outcome verb: the other readings (consequences, instructions,
		// "kan ikke opretholdes") are often conditional or the first instance's.
		if structuralSkip[s.section] || s.section == "princip" || !namesOutcomeVerb(text[s.start:s.end]) || rs.outcomeVetoed(text[s.start:s.end], s.ruleText(text)) {
			continue
		}
		for _, h := range structOutcomesIn(s.lower(text), i, s.result, own) {
			if h.strength < 2 || rank(h.outcome) <= rank(o) {
				continue
			}
			if rank(h.outcome) > rank(best) {
				best, hs, rules = h.outcome, hs[:0], rules[:0]
			}
			if h.outcome == best {
				rules = append(rules, rule{kind: kindOutcome, outcome: h.outcome, score: strengthScore[min(h.strength, 3)]})
				hs = append(hs, hit{sent: i})
			}
		}
	}
	if best == o || courtJudgment(text, sents) {
		return omgjort.OutcomeUkendt, nil
	}
	for k := range hs {
		hs[k].rule = &rules[k]
	}
	return best, evidence(text, sents, hs, 1)
}

// formulaSendsBack reports whether the sentence of an ophævelse formula also sends the case
// back ("Vi har ophævet afgørelsen og sendt din sag tilbage til Seniorpensionsenheden"),
// wherever it stands: a hjemvisning.
func formulaSendsBack(text string, sents []sentence, outcomes []hit) bool {
	for _, h := range outcomes {
		if h.rule.outcome != omgjort.OutcomeOphaevet || h.rule.fallback {
			continue
		}
		for _, sh := range structOutcomesIn(sents[h.sent].lower(text), h.sent, true, false) {
			if sh.outcome == omgjort.OutcomeHjemvist && sh.strength >= 2 {
				return true
			}
		}
	}
	return false
}

// statedResult is the result a text states with an outcome verb when its formulas are
// consequences alone ("Du skal ikke betale beløbet tilbage" tells no change from a setting
// aside; "Kommunens afgørelse er hermed ændret", "Den afgørelse har vi ændret" does), or ukendt:
// never another consequence ("Kommunen skal udbetale beløbet") or a partial afvisning.
func (rs *ruleSet) statedResult(text string, sents []sentence) (omgjort.Outcome, []omgjort.Evidence) {
	o, ev, _ := rs.structuralOutcome(text, sents)
	if len(ev) == 0 || ev[0].Score < strengthScore[2] {
		// The result block holds only consequences: read the statements of the whole text.
		flat := make([]sentence, len(sents))
		copy(flat, sents)
		for i := range flat {
			flat[i].result = false
		}
		o, ev, _ = rs.structuralOutcome(text, flat)
	}
	if o == omgjort.OutcomeUkendt || o == omgjort.OutcomeAfvist || len(ev) == 0 || ev[0].Score < strengthScore[2] || !statesResult(ev) {
		return omgjort.OutcomeUkendt, nil
	}
	return o, ev
}

// namesOutcomeVerb reports whether a sentence holds an outcome verb ("ændret", "ophæver"), so it
// states a result rather than another consequence ("Kommunen skal udbetale beløbet").
func namesOutcomeVerb(sentence string) bool {
	for _, w := range words(strings.ToLower(sentence)) {
		if o, _ := outcomeVerb(w.w); o != "" {
			return true
		}
	}
	return false
}

// statesResult reports whether one of the strongest pieces of evidence names an outcome verb.
func statesResult(ev []omgjort.Evidence) bool {
	for _, e := range ev {
		if e.Score >= ev[0].Score && namesOutcomeVerb(e.Text) {
			return true
		}
	}
	return false
}

// consequenceInResult reports whether the outcome rests on consequences alone, one of them in a
// result block ("Kommunens afgørelse gælder derfor ikke længere, og kommunen skal træffe en ny
// afgørelse"): the block's structure may state a more far-reaching result.
func consequenceInResult(sents []sentence, hits []hit) bool {
	if hasFormula(hits) {
		return false
	}
	for _, h := range hits {
		if sents[h.sent].result {
			return true
		}
	}
	return false
}

// hasFormula reports whether hits hold an outcome formula, not only consequences.
func hasFormula(hits []hit) bool {
	for _, h := range hits {
		if !h.rule.fallback {
			return true
		}
	}
	return false
}

// partialAfvisning reports whether the text says that only a part of the appeal is rejected
// ("Den del af klagen er afvist", "den del af din klage").
func partialAfvisning(text string) bool {
	lower := strings.ToLower(text)
	return strings.Contains(lower, "den del af klagen") || strings.Contains(lower, "den del af din klage") || strings.Contains(lower, "denne del af klagen") || strings.Contains(lower, "denne del af din klage")
}

// onlyMedhold reports whether every formula for a change is a "medhold" sentence ("Du får
// medhold", "Da du får medhold i din klage, …"), which tells that the citizen won, not how.
func onlyMedhold(text string, sents []sentence, hits []hit) bool {
	n := 0
	for _, h := range hits {
		if h.rule.outcome != omgjort.OutcomeAendret || h.rule.fallback {
			continue
		}
		if !strings.Contains(sents[h.sent].lower(text), "medhold") {
			return false
		}
		n++
	}
	return n > 0
}

// onlyInvalidity reports whether every piece of evidence only declares the decision invalid
// ("Afgørelsen er derfor ugyldig"), without an outcome verb.
func onlyInvalidity(ev []omgjort.Evidence) bool {
	for _, e := range ev {
		if !strings.Contains(strings.ToLower(e.Text), "ugyldig") || namesOutcomeVerb(e.Text) {
			return false
		}
	}
	return len(ev) > 0
}
