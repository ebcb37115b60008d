package omgjort

import (
	"slices"
	"testing"
	"time"
)

func TestApplyCorrectionsLatestWins(t *testing.T) {
	text := "Vi ophæver afgørelsen. Kommunen har ikke partshørt dig."
	d := &Decision{ID: "1-25", Cases: []Case{{ID: "1", Text: text, Outcome: OutcomeOphaevet,
		Errors: []ErrorLabel{{Type: ErrPartshoering, Score: 0.4, Evidence: []Evidence{{Text: "Kommunen har ikke partshørt dig.", Start: 23, End: 55}}}}}}}
	d.RollUpCases()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := []Correction{
		{CaseID: "1", Kind: CorrectError, Action: CorrectionRemove, ErrorType: ErrPartshoering, User: "a", Time: t0},
		{CaseID: "1", Kind: CorrectError, Action: CorrectionConfirm, ErrorType: ErrPartshoering, User: "b", Time: t0.Add(time.Hour)},
		{CaseID: "1", Kind: CorrectError, Action: CorrectionAdd, ErrorType: ErrSagsoplysning, User: "b", Evidence: []Evidence{{Start: 0, End: 22, Text: "Vi ophæver afgørelsen."}}},
		{CaseID: "1", Kind: CorrectOutcome, Action: CorrectionRemove, Outcome: OutcomeOphaevet, User: "c"},
		{CaseID: "9", Kind: CorrectOutcome, Action: CorrectionAdd, Outcome: OutcomeAfvist, User: "c"},
	}
	ApplyCorrections(d, cs)
	c := d.Cases[0]
	if got := c.ErrorSlugs(); !slices.Equal(got, []ErrorType{ErrSagsoplysning, ErrPartshoering}) {
		t.Fatalf("errors = %v", got)
	}
	if c.Errors[1].Correction == nil || c.Errors[1].Correction.User != "b" || c.Errors[1].Correction.Label() != "bekræftet af jurist" {
		t.Fatalf("partshoering mark = %+v", c.Errors[1].Correction)
	}
	if c.Outcome != OutcomeUkendt || c.OutcomeCorrection == nil || d.Outcome != OutcomeUkendt {
		t.Fatalf("outcome = %s (%+v), roll-up %s", c.Outcome, c.OutcomeCorrection, d.Outcome)
	}
	if !slices.Equal(d.Errors, []ErrorType{ErrSagsoplysning, ErrPartshoering}) {
		t.Fatalf("roll-up errors = %v", d.Errors)
	}
}

func TestCorrectionCheck(t *testing.T) {
	d := &Decision{ID: "1-25", RulesVersion: "r9", Cases: []Case{{ID: "1", Text: "Æble. Pære er godt.", Outcome: OutcomeStadfaestet}}}
	ok := Correction{CaseID: "1", Kind: CorrectError, Action: CorrectionAdd, ErrorType: ErrBegrundelse, Reason: " fordi ",
		Evidence: []Evidence{{Start: 6, End: 19}}}
	if err := ok.Check(d); err != nil {
		t.Fatal(err)
	}
	if ok.Evidence[0].Text != "Pære er godt." || ok.Reason != "fordi" || ok.RulesVersion != "r9" {
		t.Fatalf("checked = %+v", ok)
	}
	for name, c := range map[string]Correction{
		"no case":        {CaseID: "2", Kind: CorrectError, Action: CorrectionRemove, ErrorType: ErrBegrundelse, Reason: "x"},
		"bad type":       {CaseID: "1", Kind: CorrectError, Action: CorrectionRemove, ErrorType: "nope", Reason: "x"},
		"bad action":     {CaseID: "1", Kind: CorrectError, Action: "drop", ErrorType: ErrBegrundelse, Reason: "x"},
		"no reason":      {CaseID: "1", Kind: CorrectError, Action: CorrectionRemove, ErrorType: ErrBegrundelse},
		"add no proof":   {CaseID: "1", Kind: CorrectError, Action: CorrectionAdd, ErrorType: ErrBegrundelse, Reason: "x"},
		"range outside":  {CaseID: "1", Kind: CorrectError, Action: CorrectionAdd, ErrorType: ErrBegrundelse, Reason: "x", Evidence: []Evidence{{Start: 5, End: 99}}},
		"confirm other":  {CaseID: "1", Kind: CorrectOutcome, Action: CorrectionConfirm, Outcome: OutcomeHjemvist, Reason: "x"},
		"unknown result": {CaseID: "1", Kind: CorrectOutcome, Action: CorrectionAdd, Outcome: OutcomeUkendt, Reason: "x", Evidence: []Evidence{{Start: 0, End: 2}}},
	} {
		if err := c.Check(d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCheckWorthy(t *testing.T) {
	disagree, agree, vetoed := 0.04, 0.93, 0.01
	d := &Decision{ID: "2-25", Cases: []Case{
		{ID: "1", Outcome: OutcomeUkendt},
		{ID: "2", Outcome: OutcomeOphaevet},
		{ID: "3", Outcome: OutcomeStadfaestet, Errors: []ErrorLabel{{Type: ErrVejledning, Score: 0.3, Evidence: []Evidence{{Text: "x"}}}}},
		{ID: "4", Outcome: OutcomeUkendt, OutcomeCorrection: &LabelCorrection{Action: CorrectionRemove}},
		{ID: "5", Outcome: OutcomeHjemvist, Errors: []ErrorLabel{
			{Type: ErrPartshoering, Score: 0.9, Evidence: []Evidence{{Text: "x"}}, ModelScore: &disagree},
			{Type: ErrBegrundelse, Score: 0.9, Evidence: []Evidence{{Text: "y"}}, ModelScore: &agree},
			{Type: ErrSagsoplysning, Score: 0.9, Evidence: []Evidence{{Text: "z"}}, Model: true}},
			Suggestions: []ErrorLabel{{Type: ErrVejledning, Score: 0.62, Evidence: []Evidence{{Text: "v"}}, Model: true},
				{Type: ErrFrister, Score: 0.9, Evidence: []Evidence{{Text: "f"}}, ModelScore: &vetoed}}},
		// The letter model named the outcome: where the rules read another, and where they
		// read none.
		{ID: "6", Outcome: OutcomeHjemvist, OutcomeModel: true, OutcomeRulesReading: OutcomeStadfaestet, Errors: []ErrorLabel{{Type: ErrSagsoplysning, Score: 0.9, Evidence: []Evidence{{Text: "s"}}}}},
		{ID: "7", Outcome: OutcomeStadfaestet, OutcomeModel: true, OutcomeRulesReading: OutcomeUkendt},
		// The letter model leans elsewhere without deciding.
		{ID: "8", Outcome: OutcomeAendret, OutcomeModelLean: OutcomeOphaevet, OutcomeModelLeanScore: 0.97, Errors: []ErrorLabel{{Type: ErrSagsoplysning, Score: 0.9, Evidence: []Evidence{{Text: "s"}}}}},
	}}
	items := CheckWorthy(d, "", 0.6)
	got := map[string]string{}
	for _, it := range items {
		got[it.CaseID+"/"+it.Value] = it.Reasons[0]
	}
	want := map[string]string{"1/ukendt": "udfaldet er ukendt", "2/ophaevet": "omgjort, men uden fejltype",
		"3/stadfaestet": "stadfæstet, men med en fejltype", "3/vejledning": "lav sikkerhed (0,30)",
		"5/partshoering": "sætningsmodellen er uenig (0,04)", "5/sagsoplysning": "kun sætningsmodellen fandt den, ingen regel",
		"5/vejledning":  "sætningsmodellen peger på den (sandsynlighed 0,62), reglerne ikke",
		"5/frister":     "reglerne fandt den, men sætningsmodellen afviser den (sandsynlighed 0,01)",
		"6/hjemvist":    "læst af brevmodellen; reglerne læste stadfæstet",
		"7/stadfaestet": "læst af brevmodellen; reglerne fandt intet udfald",
		"8/aendret":     "brevmodellen peger på ophævet (0,97)"}
	if len(got) != len(want) {
		t.Fatalf("items = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	for _, it := range items {
		if it.Suggested != (it.CaseID == "5" && (it.Value == "vejledning" || it.Value == "frister")) {
			t.Errorf("%s/%s: Suggested = %v", it.CaseID, it.Value, it.Suggested)
		}
		if it.Suggested && it.ValueLabel() != "Foreslået fejltype: "+ErrorType(it.Value).Label() {
			t.Errorf("suggestion named %q", it.ValueLabel())
		}
	}
}

// A jurist's word on a type the sentence model suggested settles the suggestion: confirmed it
// becomes a label with the suggestion's sentence, removed it is gone; a confirmation of a type
// neither set nor suggested is refused.
func TestCorrectionsSettleSuggestions(t *testing.T) {
	mk := func() *Decision {
		return &Decision{ID: "9-25", Cases: []Case{{ID: "1", Text: "Kommunen skulle have hørt dig.", Outcome: OutcomeHjemvist,
			Suggestions: []ErrorLabel{{Type: ErrPartshoering, Score: 0.7, Model: true, Evidence: []Evidence{{Text: "Kommunen skulle have hørt dig.", Start: 0, End: 30}}}}}}}
	}
	d := mk()
	c := Correction{DecisionID: d.ID, CaseID: "1", Kind: CorrectError, ErrorType: ErrPartshoering, Action: CorrectionConfirm, Reason: "ja", User: "jurist"}
	if err := c.Check(d); err != nil {
		t.Fatal(err)
	}
	ApplyCorrections(d, []Correction{c})
	cs := d.Cases[0]
	if len(cs.Suggestions) != 0 || len(cs.Errors) != 1 || cs.Errors[0].Type != ErrPartshoering || cs.Errors[0].Correction == nil ||
		len(cs.Errors[0].Evidence) != 1 || cs.Errors[0].Evidence[0].Text != "Kommunen skulle have hørt dig." {
		t.Fatalf("confirmed suggestion: errors %+v, suggestions %+v", cs.Errors, cs.Suggestions)
	}
	d = mk()
	ApplyCorrections(d, []Correction{{CaseID: "1", Kind: CorrectError, ErrorType: ErrPartshoering, Action: CorrectionRemove, Reason: "nej"}})
	if len(d.Cases[0].Suggestions) != 0 || len(d.Cases[0].Errors) != 0 {
		t.Fatalf("dismissed suggestion: %+v", d.Cases[0])
	}
	d = mk()
	c = Correction{DecisionID: d.ID, CaseID: "1", Kind: CorrectError, ErrorType: ErrVejledning, Action: CorrectionConfirm, Reason: "ja"}
	if err := c.Check(d); err == nil {
		t.Fatal("confirming a type neither set nor suggested was accepted")
	}
}
