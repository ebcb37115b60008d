package classify

import (
	"strings"
	"testing"

	"omgjort"
)

// TestOutcomeReadFromStructure covers readings found on the letters blind annotators got
// right and the classifier did not (sets I–DW): a generic word in another clause, inverted word
// order, a pronoun for the appeal, a relative clause's antecedent and a dated preterite.
func TestOutcomeReadFromStructure(t *testing.T) {
	c := rulesReading(t)
	for _, tc := range []struct {
		text string
		want omgjort.Outcome
	}{
		// "normalt" in a clause beside the outcome is no general statement ...
		{"Ankestyrelsen ændrede kommunens afgørelse, således at forældrene fik dækket merudgiften, med fradrag af de udgifter, forældre normalt har.", omgjort.OutcomeAendret},
		// ... in the outcome's own clause it is.
		{"Vi ændrer normalt ikke en afgørelse, fordi der er kommet nye oplysninger.", omgjort.OutcomeUkendt},
		// The subject after a finite verb: inverted word order.
		{"Kommunen havde vurderet, at du var uddannelsesparat, og det resultat ændrer vi.", omgjort.OutcomeAendret},
		{"Kommunen vurderede sagen, og derfor afviste nævnet klagen.", omgjort.OutcomeUkendt},
		// "den" for the appeal named before it.
		{"Da du har trukket klagen tilbage, afviser vi den.", omgjort.OutcomeAfvist},
		{"Du mener, at kommunen tager fejl. Det afviser vi.", omgjort.OutcomeUkendt},
		// A passive's subject before a relative pronoun: the person's treatment changed.
		{"Vi lægger vægt på, at du har haft effekt af den medicinske behandling, som blev ændret i januar 2021.", omgjort.OutcomeUkendt},
		// A passive's subject in front of the verb, across a clause: the appeal was rejected.
		{"Da bedstemoderen ikke var part i sagen, blev klagen afvist.", omgjort.OutcomeAfvist},
		// An adverb between copula and verdict (set EB).
		{para("Resultat", "Kommunens afgørelse er altså rigtig."), omgjort.OutcomeStadfaestet},
		// Agreement with a first instance that is no municipality (set EI).
		{para("Du kan ikke få seniorpension", "Vi er enige med Seniorpensionsenheden i, at du ikke opfylder betingelserne for seniorpension.",
			"Det betyder, at Seniorpensionsenhedens afgørelse fortsat gælder."), omgjort.OutcomeStadfaestet},
		// A past instruction in a third-person text: sent on to be decided again (set EG) ...
		{para("Ankestyrelsen fandt, at afgørelsen var ugyldig.", "Sagen blev sendt til Næstved Kommune, som skulle behandle spørgsmålet på ny og træffe en afgørelse."),
			omgjort.OutcomeHjemvist},
		// ... but not a counterfactual.
		{"Kommunen skulle have truffet en ny afgørelse, da oplysningerne kom.", omgjort.OutcomeUkendt},
		// A bare participle before a noun is an adjective in a keyword line (set EH) ...
		{para("Kontanthjælp – gifte – ophævet samliv – ægtefælles indtægt", "Ankestyrelsen ændrede afgørelsen, således at A havde ret til kontanthjælp som enlig."),
			omgjort.OutcomeAendret},
		// ... and the result noun after "Udfald:" may be in lower case (set EF).
		{para("Resumé", "Kommunens afgørelse var truffet af en inhabil sagsbehandler.", "Udfald: Ophævelse og hjemvisning."), omgjort.OutcomeHjemvist},
		// "Udfald:" after a "Love: …" line that no heading closes, below "Principielt:" (set EM).
		{para("SM S-12-86", "Love: Bistandslovens §§ 42 og 43", "Principielt:\nKommunen kunne lægge vægt på, at en kortere uddannelse var egnet.", "Udfald: Stadfæstelse."),
			omgjort.OutcomeStadfaestet},
		// An unlawful sanction is set aside, whatever its consequence (set EL).
		{"Nedsættelsen var ikke lovlig, og kommunen skal udbetale det beløb, der er trukket.", omgjort.OutcomeOphaevet},
		// Sets EN–EQ: an adverb inside "står ved magt"; a flattened older text whose reasons
		// start inside a paragraph; "whether" after "til,"; "samme vurdering som".
		{"Du kan ikke få førtidspension. Kommunens afgørelse står derfor ved magt.", omgjort.OutcomeStadfaestet},
		{"Resumé En kvinde skulle ikke betale hjælpen tilbage. Regler Efter aktivlovens § 91 skal kommunen træffe afgørelse om tilbagebetaling. Ankestyrelsens begrundelse for afgørelsen Udfald: Ophævelse. Ankestyrelsen ophævede beskæftigelsesankenævnets og kommunens afgørelser.",
			omgjort.OutcomeOphaevet},
		{para("Du har trukket din klage tilbage. Vi behandler derfor ikke klagen og har afsluttet sagen.", "Vi har ikke taget stilling til, om kommunens oprindelige afgørelse var rigtig."),
			omgjort.OutcomeAfvist},
		{para("Ankestyrelsens afgørelse", "Du kan ikke få seniorpension. Vi har samme vurdering som kommunen: din arbejdsevne er ikke nedsat til 15 timer om ugen."),
			omgjort.OutcomeStadfaestet},
		// Sets ER–EU: the perfect with adverbs ("har derfor haft ret til"); an adverb after the
		// appeal's pronoun; "medhold" beside a statement of how the citizen won.
		{para("Afgørelse", "Du kan ikke få førtidspension nu. Kommunen har derfor haft ret til at give dig afslag og i stedet tilbyde dig et ressourceforløb."),
			omgjort.OutcomeStadfaestet},
		{"Din klage er kommet for sent, og vi afviser den derfor.", omgjort.OutcomeAfvist},
		{para("Du skal ikke betale hjælpen tilbage", "Kommunens afgørelse af 4. april 2018 er ophævet.", "Da du får medhold i din klage, tager vi ikke stilling til, om kommunen skulle have partshørt dig."),
			omgjort.OutcomeOphaevet},
		// Sets EV–EY: the result noun with a rider under "Udfald"; a change and a setting aside
		// of two sub-decisions roll up to ophævet.
		{para("Udfald", "Stadfæstelse med kritik af kommunens sagsbehandling."), omgjort.OutcomeStadfaestet},
		{"Du har klaget over to afgørelser: 1) at du skal have kontanthjælp som samlevende, og 2) at du skal betale 27.640 kr. tilbage. Du er ikke samlevende. Vi har derfor ændret kommunens afgørelse om din kontanthjælp. Du skal heller ikke betale 27.640 kr. tilbage. Afgørelsen om tilbagebetaling er derfor ophævet.",
			omgjort.OutcomeOphaevet},
		// Sets EZ–FC: "ret til fortsat at få"; an invalid decision is set aside at least.
		{"Du har ret til fortsat at få sygedagpenge efter den 13. februar 2023. Du skal derfor ikke overgå til jobafklaringsforløb.", omgjort.OutcomeAendret},
		{para("Du skal have de penge tilbage, der blev trukket i din ydelse.", "Afgørelsen er ugyldig.", "Det har vi ikke vurderet, fordi du allerede får medhold i din klage."),
			omgjort.OutcomeOphaevet},
		{"Afgørelsen er ugyldig, og vi sender sagen tilbage til kommunen.", omgjort.OutcomeHjemvist},
		// Set FF: a result block that only calls the decision invalid does not outrank the case
		// sent back — by a formula or by a statement elsewhere; set FD: "Den er ugyldig".
		{para("Kommunen skal behandle din ansøgning igen", "Afgørelse", "Afgørelsen er derfor ugyldig."), omgjort.OutcomeHjemvist},
		{para("Afgørelse", "Afgørelsen er derfor ugyldig.", "Begrundelse", "Kommunen skal derfor træffe en ny afgørelse om din ansøgning."), omgjort.OutcomeHjemvist},
		{"Den er ugyldig, fordi den er truffet af et firma, der ikke havde ret til at træffe den. Kommunen skal udbetale de 1.846 kr. til dig.", omgjort.OutcomeOphaevet},
		// Set FH: a case not of principle, refused without an afvisning verb.
		{para("Deres anmodning om behandling af sag om kontanthjælp", "Ankestyrelsen har besluttet ikke at behandle sagen.", "Beskæftigelsesankenævnets afgørelse er herefter endelig."),
			omgjort.OutcomeAfvist},
		// Set FN: the pluperfect passive tells what had happened before ("var blevet tilsidesat").
		{para("Ankestyrelsen ændrede beskæftigelsesankenævnets afgørelse.", "Der var derfor ikke grundlag for at antage, at lægens udtalelse var blevet tilsidesat."),
			omgjort.OutcomeAendret},
		// Right only as things stood then: the result changed with new information (set EC).
		{para("Du har ret til seniorpension fra 1. april 2023.", "Med de nye oplysninger er din arbejdsevne 15 timer eller mindre om ugen.",
			"Seniorpensionsenheden havde ikke erklæringen, da den traf afgørelse, og afgørelsen var rigtig ud fra de oplysninger, der lå i sagen dengang."),
			omgjort.OutcomeAendret},
	} {
		if got := c.ClassifyCase(tc.text).Outcome; got != tc.want {
			t.Errorf("%q: outcome %s, want %s", tc.text, got, tc.want)
		}
	}
}

// TestRollUpOfSubDecisions: an agreement about one sub-decision does not hide a statement that
// sets aside and sends back another (set DV), but an earlier round told with its date does not
// count, and a result block's own formula stays the result.
func TestRollUpOfSubDecisions(t *testing.T) {
	c := rulesReading(t)
	for _, tc := range []struct {
		text string
		want omgjort.Outcome
	}{
		{para("Sag nr. 1", "Ankestyrelsen fandt, at borgeren var omfattet af reglen. Ankestyrelsen var derfor enig i kommunens afgørelse.",
			"Sag nr. 2", "Der manglede aktuelle oplysninger om borgerens behandling. Kommunens afgørelse blev ophævet, og sagen blev sendt tilbage til kommunen til ny vurdering."),
			omgjort.OutcomeHjemvist},
		{para("Vi er enige med kommunen i, at du ikke kan få førtidspension.",
			"Kommunen gav afslag, og vi hjemviste sagen i en afgørelse af 9. marts 2022, fordi der manglede en speciallægeerklæring."),
			omgjort.OutcomeStadfaestet},
		{para("Vi er enige med kommunen.", "Vi hjemviste den afgørelse i november 2022, fordi der manglede en erklæring."),
			omgjort.OutcomeStadfaestet},
		// "ved afgørelse af …" dates an earlier round too (set DZ).
		{para("Den Sociale Ankestyrelse hjemviste ved afgørelse af 12. februar 1986 sagen til ankenævnet, idet der ikke forelå en speciallægeerklæring.",
			"Ankenævnet tilkendte herefter mellemste førtidspension.", "Udfald: Stadfæstelse af ankenævnets afgørelse."),
			omgjort.OutcomeStadfaestet},
		// "Det har vi besluttet" heads the result: each numbered sub-decision under it counts
		// (set DX).
		{para("Du har klaget over to afgørelser.", "Det har vi besluttet", "1. Fradrag for udeblivelse", "Kommunens afgørelse er rigtig.",
			"2. Nedsættelse for at sige nej til et tilbud", "Kommunen må ikke bruge den skærpede sanktion. Kommunen skal beregne og efterbetale forskellen."),
			omgjort.OutcomeAendret},
		{para("Vi hjemviser sagen om rejseudgifter.", "Resultatet er:", "Det betyder, at vi stadfæster kommunens afgørelse."),
			omgjort.OutcomeStadfaestet},
		// "Her stadfæstede vi" points back at an earlier case (set EQ).
		{para("Sagen går tilbage til kommunen", "Kommunen skal undersøge din sag nærmere og træffe en ny afgørelse.",
			"Vi traf i maj 2022 afgørelse i en tidligere sag om dine sygedagpenge. Her stadfæstede vi kommunens afgørelse."),
			omgjort.OutcomeHjemvist},
		// A partial afvisning beside an upheld sub-decision: the roll-up is stadfæstet (set EQ).
		{para("Kort om resultatet", "1. Kommunens afslag på revalidering er rigtigt. Du kan ikke få revalidering.\n2. Vi kan ikke behandle din klage over sagsbehandleren. Den del af klagen er afvist."),
			omgjort.OutcomeStadfaestet},
		// A partial afvisning beside a sub-decision sent back, as dashed items of one result
		// block (set EC): each item is a sentence of its own, and the roll-up is hjemvist.
		{para("Resultatet – kort", "- Fradraget i din kontanthjælp er rigtigt. Kommunens afgørelse bliver stående.\n- Sagen om tilbagebetaling skal behandles igen af kommunen. Du skal ikke betale beløbet, før kommunen har truffet en ny afgørelse.\n- Vi kan ikke behandle din klage over tidspunktet for dine samtaler."),
			omgjort.OutcomeHjemvist},
	} {
		if got := c.ClassifyCase(tc.text).Outcome; got != tc.want {
			t.Errorf("%q: outcome %s, want %s", tc.text, got, tc.want)
		}
	}
}

// TestWordBoundaryAtDanishLetters: Go's \b is an ASCII boundary, so a rule ending in "få" or
// starting with "æ" never matched at a word's edge; the rules now run on a transliteration
// (translit.go) where it does.
func TestWordBoundaryAtDanishLetters(t *testing.T) {
	c := rulesReading(t)
	_, got := errorTypes(c.ClassifyCase("Du fik ikke at vide, at du kunne få hjælp til tandbehandling."))[omgjort.ErrVejledning]
	if !got {
		t.Error("'Du fik ikke at vide, at du kunne få hjælp' not read as vejledning")
	}
	for in, want := range map[string]string{"ændrer": "aendrer", "[æøå]x": "(?:ae|oe|aa)x", "[Ææ]ndring": "(?:AE|ae)ndring", "[A-ZÆ]x": "(?:[A-Z]|AE)x", "[^æ]": "[^a]", `\p{L}ø\b`: `\p{L}oe\b`, "Åbenrå": "AAbenraa"} {
		if got := translitPattern(in); got != want {
			t.Errorf("translitPattern(%q) = %q, want %q", in, got, want)
		}
		if in == "ændrer" && len(translit(in)) != len(in) {
			t.Error("translit changed the byte length")
		}
	}
}

// TestListItemsAreSentences: a dashed or numbered item on its own line starts a sentence when it
// starts with a capital letter; an item in lower case continues the sentence that introduces it
// ("Du mener, at:\n1. kommunen skulle have …" stays the citizen's claim).
func TestListItemsAreSentences(t *testing.T) {
	c := rulesReading(t)
	text := "Kommunens afgørelse bliver stående.\n- Sagen skal behandles igen.\n2. Kommunen skal efterbetale beløbet.\nDu mener, at:\n1. kommunen skulle have partshørt dig."
	var got []string
	for _, s := range c.rs().segment(text) {
		got = append(got, text[s.start:s.end])
	}
	want := []string{"Kommunens afgørelse bliver stående.", "Sagen skal behandles igen.", "2.", "Kommunen skal efterbetale beløbet.", "Du mener, at:\n1. kommunen skulle have partshørt dig."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sentences %q, want %q", got, want)
	}
}

// TestComplianceOfAPossessedDuty: "Kommunens klagevejledning var altså i orden" denies the
// error (set EM), as "Klagevejledningen var i orden" does.
func TestComplianceOfAPossessedDuty(t *testing.T) {
	c := rulesReading(t)
	text := para("Resultat", "Vi stadfæster kommunens afgørelse.", "Begrundelse", "Kommunens afgørelse indeholdt en vejledning om, at du kunne klage inden fire uger. Kommunens klagevejledning var altså i orden.")
	if _, got := errorTypes(c.ClassifyCase(text))[omgjort.ErrKlagevejledning]; got {
		t.Error("'Kommunens klagevejledning var altså i orden' read as klagevejledning")
	}
}

// TestJudgmentFromACourtAndADatedEarlierRound (set GB): "Dom fra Vestre Landsret af …" opens a
// republished judgment (ukendt, no errors of Ankestyrelsen's); "Vi hjemviste din sag den 3. juni
// 2019, fordi …" is an earlier round, not this letter's outcome.
func TestJudgmentFromACourtAndADatedEarlierRound(t *testing.T) {
	c := rulesReading(t)
	judgment := para("Dom fra Vestre Landsret af 12. marts 2014 – kontanthjælp – tilbagebetaling", "Ankestyrelsen offentliggør hermed en dom fra Vestre Landsret.", "Dommen", "Kommunen havde ikke partshørt A, og afgørelsen er ugyldig.")
	if got := c.ClassifyCase(judgment); got.Outcome != omgjort.OutcomeUkendt || got.OutcomeReason != ReasonCourt || len(got.Errors) > 0 || got.Ugyldig {
		t.Errorf("judgment: %s (%q), errors %v, ugyldig %v", got.Outcome, got.OutcomeReason, got.Errors, got.Ugyldig)
	}
	letter := para("Du får ikke medhold", "Vi hjemviste din sag den 3. juni 2019, fordi kommunen dengang ikke havde indhentet oplysninger fra din ortopædkirurg.", "Vores begrundelse", "Kommunen har nu indhentet oplysningerne, og vi er enige i kommunens vurdering.")
	if got := c.ClassifyCase(letter); got.Outcome != omgjort.OutcomeStadfaestet {
		t.Errorf("dated earlier round: %s, want stadfaestet (%+v)", got.Outcome, got.OutcomeEvidence)
	}
}
