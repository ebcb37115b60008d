package classify

import (
	"strings"
	"testing"

	"omgjort"
)

// Mechanisms added after the first score of held-out sets D and E: a duty followed by a
// sentence that says it was not met, a heading in words no rule knows, consequence outcomes
// that yield to a formula, and "Sag nr." restarting the opening.

func errorTypes(c omgjort.Case) map[omgjort.ErrorType][]omgjort.Evidence {
	out := map[omgjort.ErrorType][]omgjort.Evidence{}
	for _, e := range c.Errors {
		out[e.Type] = e.Evidence
	}
	return out
}

func TestDutyNotMet(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	base := "Du har klaget over Nordby Kommunes afgørelse af 3. maj 2024 om sygedagpenge.\n\nResultatet er:\n\nVi stadfæster kommunens afgørelse.\n\nBemærkninger til kommunens sagsbehandling\n\n"
	met := c.ClassifyCase(base + "Kommunen skal genvurdere afgørelsen og sende sagen til os inden 4 uger. Det har kommunen gjort.")
	if _, ok := errorTypes(met)[omgjort.ErrFrister]; ok {
		t.Errorf("a duty that was met gives frister: %+v", met.Errors)
	}
	// The rules' reading: the retrained sentence model may veto a bare two-sentence letter,
	// which is what the veto is for (TestModelVetoDemotesRuleLabels).
	unmet := c.WithModelVeto(0).ClassifyCase(base + "Kommunen skal genvurdere afgørelsen og sende sagen til os inden 4 uger. Det har kommunen ikke overholdt.")
	ev, ok := errorTypes(unmet)[omgjort.ErrFrister]
	if !ok {
		t.Fatalf("duty + unmet statement gives no frister: %+v", unmet.Errors)
	}
	if len(ev) != 2 || !strings.Contains(ev[0].Text, "inden 4 uger") || !strings.Contains(ev[1].Text, "ikke overholdt") {
		t.Errorf("evidence should be the duty and the unmet statement, got %+v", ev)
	}
	// Not across headings: the unmet statement must follow its duty under the same heading.
	split := c.ClassifyCase(base + "Kommunen skal genvurdere afgørelsen og sende sagen til os inden 4 uger.\n\nHvad skal kommunen gøre nu?\n\nDet har kommunen ikke gjort.")
	if _, ok := errorTypes(split)[omgjort.ErrFrister]; ok {
		t.Errorf("duty and unmet statement under different headings give frister: %+v", split.Errors)
	}
	// The claim of a deadline for appealing is no duty of the municipality's case handling.
	// (The rules' reading; whether the sentence model vetoes it is TestModelVetoDemotesRuleLabels'.)
	appeal := c.WithModelVeto(0).ClassifyCase(base + "I kommunens afgørelse står der, at du skal klage inden 6 uger. Det er forkert.")
	if _, ok := errorTypes(appeal)[omgjort.ErrFrister]; ok {
		t.Errorf("wrong appeal guidance read as frister: %+v", appeal.Errors)
	}
	if _, ok := errorTypes(appeal)[omgjort.ErrKlagevejledning]; !ok {
		t.Errorf("wrong appeal guidance not read as klagevejledning: %+v", appeal.Errors)
	}
}

func TestUnnamedHeadingIsAssessment(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	text := "Du skal ikke betale 11.640 kr. tilbage.\n\nDerfor er kravet ikke rigtigt\n\nKommunen har brugt den forkerte regel.\n\nBemærkninger til kommunens sagsbehandling\n\nKommunen har ikke partshørt dig."
	got := c.ClassifyCase(text)
	ev, ok := errorTypes(got)[omgjort.ErrRetsanvendelse]
	if !ok || ev[0].Section != "vurdering" {
		t.Errorf("the sentence under an unnamed heading is not read as assessment: %+v", got.Errors)
	}
	if got.Outcome != omgjort.OutcomeOphaevet {
		t.Errorf("consequence alone: outcome %s, want ophaevet", got.Outcome)
	}
}

func TestConsequenceYieldsToFormula(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	got := c.ClassifyCase("Resultatet er:\n\nDu skal ikke betale 14.000 kr. tilbage.\n\nDet betyder, at vi ændrer kommunens afgørelse.")
	if got.Outcome != omgjort.OutcomeAendret {
		t.Errorf("outcome %s, want aendret: the formula wins over the consequence (%+v)", got.Outcome, got.OutcomeEvidence)
	}
	for _, e := range got.OutcomeEvidence {
		if strings.Contains(e.Text, "betale") {
			t.Errorf("the consequence is evidence beside a formula: %+v", got.OutcomeEvidence)
		}
	}
}
