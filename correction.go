package omgjort

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A Correction is a jurist's judgement of one label of one case: the automatic label is right
// (confirm), wrong (remove) or missing (add). Corrections are stored apart from the labels,
// versioned, and applied after every classification (ApplyCorrections), so they survive a
// reclassify and every rules change, and every count built from the labels uses them.
type Correction struct {
	DecisionID string `json:"decision_id"`
	// CaseID is the case's ID within the decision ("1", "2" …).
	CaseID string `json:"case_id"`
	// Kind is CorrectOutcome or CorrectError: which label is judged.
	Kind string `json:"kind"`
	// Action is CorrectionConfirm, CorrectionRemove or CorrectionAdd.
	Action string `json:"action"`
	// Outcome is the outcome judged (Kind outcome); for add it replaces the automatic one.
	Outcome Outcome `json:"outcome,omitempty"`
	// ErrorType is the error type judged (Kind error).
	ErrorType ErrorType `json:"error_type,omitempty"`
	// Evidence is the sentence(s) that show the label, as character ranges of the case text;
	// Text is filled from the case text when the correction is made.
	Evidence []Evidence `json:"evidence,omitempty"`
	// Reason is the jurist's short reason.
	Reason string    `json:"reason"`
	User   string    `json:"user"`
	Time   time.Time `json:"time"`
	// Seq numbers a decision's corrections in the order they were made (1, 2 …); the latest
	// correction of a label wins.
	Seq uint64 `json:"seq"`
	// RulesVersion is the classifier rules version of the labels the jurist saw.
	RulesVersion string `json:"rules_version,omitempty"`
}

// The kinds and actions of a Correction.
const (
	CorrectOutcome    = "outcome"
	CorrectError      = "error"
	CorrectionConfirm = "confirm"
	CorrectionRemove  = "remove"
	CorrectionAdd     = "add"
)

// LabelCorrection marks a label as set or confirmed by a jurist ("rettet af jurist"): pages
// show it, and statistics can count confirmed labels only.
type LabelCorrection struct {
	Action string    `json:"action"`
	User   string    `json:"user"`
	Time   time.Time `json:"time"`
	Reason string    `json:"reason,omitempty"`
}

// Label is the Danish mark shown next to a corrected label.
func (c *LabelCorrection) Label() string {
	if c.Action == CorrectionConfirm {
		return "bekræftet af jurist"
	}
	return "rettet af jurist"
}

// target names the label a correction is about, so the latest correction of each label wins.
func (c *Correction) target() string {
	if c.Kind == CorrectOutcome {
		return c.CaseID + "\x00outcome"
	}
	return c.CaseID + "\x00error\x00" + string(c.ErrorType)
}

// Check validates c against the decision it corrects and fills its evidence texts from the
// case text. The message is Danish, for the jurist who sent it.
func (c *Correction) Check(d *Decision) error {
	var cs *Case
	for i := range d.Cases {
		if d.Cases[i].ID == c.CaseID {
			cs = &d.Cases[i]
		}
	}
	if cs == nil {
		return fmt.Errorf("afgørelsen har ingen sag %q", c.CaseID)
	}
	switch c.Action {
	case CorrectionConfirm, CorrectionRemove, CorrectionAdd:
	default:
		return fmt.Errorf("ukendt handling %q (brug confirm, remove eller add)", c.Action)
	}
	switch c.Kind {
	case CorrectOutcome:
		if c.Action != CorrectionRemove && (!c.Outcome.Valid() || c.Outcome == OutcomeUkendt) {
			return fmt.Errorf("ukendt udfald %q", c.Outcome)
		}
		if c.Action == CorrectionRemove {
			c.Outcome = cs.Outcome
		}
		if c.Action == CorrectionConfirm && c.Outcome != cs.Outcome {
			return fmt.Errorf("sagens udfald er %s, ikke %s: brug add for at sætte et andet", cs.Outcome.Label(), c.Outcome.Label())
		}
	case CorrectError:
		if !c.ErrorType.Valid() {
			return fmt.Errorf("ukendt fejltype %q", c.ErrorType)
		}
		if c.Action == CorrectionConfirm && len(c.Evidence) == 0 && !slices.ContainsFunc(cs.Errors, func(e ErrorLabel) bool { return e.Type == c.ErrorType }) {
			// Confirming a suggestion adds the type with the suggestion's sentence, kept in the
			// correction so it holds whatever a later model suggests.
			i := slices.IndexFunc(cs.Suggestions, func(e ErrorLabel) bool { return e.Type == c.ErrorType })
			if i < 0 {
				return fmt.Errorf("sagen har ikke fejltypen %s: brug add og markér sætningen", c.ErrorType.Label())
			}
			c.Evidence = slices.Clone(cs.Suggestions[i].Evidence)
		}
	default:
		return fmt.Errorf("ukendt etiket %q (brug outcome eller error)", c.Kind)
	}
	c.Reason = strings.TrimSpace(c.Reason)
	if c.Reason == "" {
		return fmt.Errorf("skriv en kort begrundelse")
	}
	if len([]rune(c.Reason)) > 500 {
		return fmt.Errorf("begrundelsen er for lang (højst 500 tegn)")
	}
	if c.Action == CorrectionAdd && len(c.Evidence) == 0 {
		return fmt.Errorf("markér den eller de sætninger, der viser etiketten")
	}
	for i, e := range c.Evidence {
		s, end, ok := e.ByteRange(cs.Text)
		if !ok {
			return fmt.Errorf("tekststykke %d (%d–%d) ligger uden for sagens tekst", i+1, e.Start, e.End)
		}
		c.Evidence[i].Text = cs.Text[s:end]
		c.Evidence[i].Section = "rettelse"
	}
	c.RulesVersion = d.RulesVersion
	return nil
}

// ApplyCorrections lays the corrections (oldest first) over the automatic labels of d and rolls
// the cases up again. The latest correction of each label wins; a label confirmed or added is
// marked with its LabelCorrection, a removed one disappears (a removed outcome becomes ukendt).
// Corrections of cases the decision no longer has are ignored.
func ApplyCorrections(d *Decision, cs []Correction) {
	if len(cs) == 0 {
		return
	}
	latest := map[string]Correction{}
	var order []string
	for _, c := range cs {
		t := c.target()
		if _, ok := latest[t]; !ok {
			order = append(order, t)
		}
		latest[t] = c
	}
	for _, t := range order {
		c := latest[t]
		for i := range d.Cases {
			if d.Cases[i].ID == c.CaseID {
				applyCorrection(&d.Cases[i], c)
			}
		}
	}
	d.RollUpCases()
}

func applyCorrection(cs *Case, c Correction) {
	mark := &LabelCorrection{Action: c.Action, User: c.User, Time: c.Time, Reason: c.Reason}
	switch c.Kind {
	case CorrectOutcome:
		switch c.Action {
		case CorrectionConfirm:
			if cs.Outcome == c.Outcome {
				cs.OutcomeCorrection = mark
			}
		case CorrectionAdd:
			cs.Outcome, cs.OutcomeEvidence, cs.OutcomeCorrection = c.Outcome, c.Evidence, mark
		case CorrectionRemove:
			if cs.Outcome == c.Outcome {
				cs.Outcome, cs.OutcomeEvidence, cs.OutcomeCorrection = OutcomeUkendt, nil, mark
			}
		}
	case CorrectError:
		i := -1
		for j, e := range cs.Errors {
			if e.Type == c.ErrorType {
				i = j
			}
		}
		// A jurist's word on a type settles the sentence model's suggestion of it: added or
		// confirmed (Check took the suggestion's sentence) it is a label, removed it is dismissed.
		if j := slices.IndexFunc(cs.Suggestions, func(e ErrorLabel) bool { return e.Type == c.ErrorType }); j >= 0 {
			cs.Suggestions = append(cs.Suggestions[:j:j], cs.Suggestions[j+1:]...)
		}
		switch {
		case c.Action == CorrectionRemove && i >= 0:
			cs.Errors = append(cs.Errors[:i:i], cs.Errors[i+1:]...)
		case c.Action == CorrectionConfirm && i >= 0:
			cs.Errors[i].Correction = mark
		case c.Action == CorrectionAdd || c.Action == CorrectionConfirm:
			ev := c.Evidence
			if i >= 0 && len(ev) == 0 {
				ev = cs.Errors[i].Evidence
			}
			l := ErrorLabel{Type: c.ErrorType, Score: 1, Evidence: ev, Correction: mark}
			if i >= 0 {
				cs.Errors[i] = l
			} else if len(ev) > 0 {
				cs.Errors = append(cs.Errors, l)
				sortErrorLabels(cs.Errors)
			}
		}
	}
}

// sortErrorLabels keeps a case's error labels in ErrorTypes order.
func sortErrorLabels(ls []ErrorLabel) {
	rank := func(t ErrorType) int {
		for i, x := range ErrorTypes {
			if x == t {
				return i
			}
		}
		return len(ErrorTypes)
	}
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && rank(ls[j].Type) < rank(ls[j-1].Type); j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

// QueueLowScore is the label score under which the correction queue asks a jurist to look
// (until the classifier gives calibrated confidences, its evidence score is the measure).
const QueueLowScore = 0.6

// QueueItem is one label worth a jurist's check, with why: the correction queue (/rettelser,
// /api/queue) lists them, the most pressing first.
type QueueItem struct {
	DecisionID string `json:"decision_id"`
	Number     string `json:"number"`
	Title      string `json:"title"`
	Own        bool   `json:"own,omitempty"`
	CaseID     string `json:"case_id"`
	// Kind is CorrectOutcome or CorrectError; Value the outcome or error-type slug.
	Kind  string `json:"kind"`
	Value string `json:"value"`
	// Reasons say in Danish why the label is worth a check.
	Reasons []string `json:"reasons"`
	// Priority orders the queue: higher first.
	Priority float64 `json:"priority"`
	// Suggested: the item is no label but a type the sentence model suggests (Case.Suggestions);
	// the check is whether to add it.
	Suggested bool `json:"suggested,omitempty"`
}

// ValueLabel is the Danish name of the label checked.
func (q QueueItem) ValueLabel() string {
	if q.Kind == CorrectOutcome {
		return "Udfald: " + Outcome(q.Value).Label()
	}
	if q.Suggested {
		return "Foreslået fejltype: " + ErrorType(q.Value).Label()
	}
	return "Fejltype: " + ErrorType(q.Value).Label()
}

// CheckWorthy returns the labels of d that a jurist should check: an unknown outcome, signals
// that disagree (a reversed case without an error type, an upheld one with an error that blames
// the first instance), a label changed by a new rules version (relabelled names it, empty when
// not), and error labels scored below low. Labels a jurist has corrected or confirmed are left
// out.
func CheckWorthy(d *Decision, relabelled string, low float64) []QueueItem {
	var out []QueueItem
	item := func(c *Case, kind, value string, prio float64, reasons ...string) {
		out = append(out, QueueItem{DecisionID: d.ID, Number: d.Number, Title: d.Title, Own: d.IsOwn(),
			CaseID: c.ID, Kind: kind, Value: value, Reasons: reasons, Priority: prio})
	}
	for i := range d.Cases {
		c := &d.Cases[i]
		if c.OutcomeCorrection == nil {
			var reasons []string
			prio := 0.0
			blames := false
			for _, e := range c.Errors {
				blames = blames || e.Type.IsError()
			}
			switch {
			case c.Outcome == OutcomeUkendt || c.Outcome == "":
				reasons, prio = append(reasons, "udfaldet er ukendt"), 3
			case c.Outcome.Reversed() && len(c.Errors) == 0:
				reasons, prio = append(reasons, "omgjort, men uden fejltype"), 2
			case c.Outcome == OutcomeStadfaestet && blames:
				reasons, prio = append(reasons, "stadfæstet, men med en fejltype"), 2
			}
			if c.OutcomeModel {
				// The letter model named the outcome where the rules read none or another:
				// two signals that part.
				reasons, prio = append(reasons, c.OutcomeModelNote()), prio+2
			}
			if note := c.OutcomeLeanNote(); note != "" {
				reasons, prio = append(reasons, note), prio+1
			}
			if relabelled != "" {
				reasons, prio = append(reasons, relabelled), prio+1.5
			}
			if len(reasons) > 0 {
				item(c, CorrectOutcome, string(c.Outcome), prio, reasons...)
			}
		}
		for _, e := range c.Errors {
			if e.Correction != nil {
				continue
			}
			var reasons []string
			prio := 0.0
			if e.Score < low {
				reasons, prio = append(reasons, "lav sikkerhed ("+DanishDecimal(e.Score, 2)+")"), 1+low-e.Score
			}
			if len(e.Evidence) == 0 {
				reasons, prio = append(reasons, "ingen bevissætning"), prio+2
			}
			if e.Model {
				reasons, prio = append(reasons, "kun sætningsmodellen fandt den, ingen regel"), prio+0.8
			}
			if e.ModelScore != nil && *e.ModelScore < ModelDisagreesBelow {
				reasons, prio = append(reasons, "sætningsmodellen er uenig ("+DanishDecimal(*e.ModelScore, 2)+")"), prio+1
			}
			if len(reasons) > 0 {
				item(c, CorrectError, string(e.Type), prio, reasons...)
			}
		}
		for _, e := range c.Suggestions {
			prio := 0.5 + e.Score
			if !e.Model {
				// A rule label the model rejected firmly: about even odds on new text.
				prio = 1.5
			}
			out = append(out, QueueItem{DecisionID: d.ID, Number: d.Number, Title: d.Title, Own: d.IsOwn(), CaseID: c.ID,
				Kind: CorrectError, Value: string(e.Type), Suggested: true, Priority: prio, Reasons: []string{e.SuggestionReason()}})
		}
	}
	return out
}

// OutcomeModelNote says in Danish, when the letter model named the outcome (Case.OutcomeModel),
// that it did and what the rules read; empty otherwise. The queue gives these words.
func (c *Case) OutcomeModelNote() string {
	if !c.OutcomeModel {
		return ""
	}
	return "læst af brevmodellen; " + c.OutcomeRulesNote()
}

// OutcomeRulesNote says in Danish what the rules read where the letter model named the
// outcome ("reglerne læste stadfæstet"); the decision page gives it beside its "brevmodel" mark.
func (c *Case) OutcomeRulesNote() string {
	if !c.OutcomeModel {
		return ""
	}
	if c.OutcomeRulesReading == "" || c.OutcomeRulesReading == OutcomeUkendt {
		return "reglerne fandt intet udfald"
	}
	return "reglerne læste " + strings.ToLower(c.OutcomeRulesReading.Label())
}

// ToCheck reports whether a jurist should look at a label of this confidence before relying on
// it: measured (above 0) and below ConfidentAt. A label no jurist has judged carries the
// "bør tjekkes" mark on pages and in the digest.
func ToCheck(confidence float64) bool { return confidence > 0 && !Confident(confidence) }

// OutcomeToCheck reports whether the case's outcome should be checked: no jurist has judged it,
// and its confidence is below ConfidentAt or the letter model leans to another outcome.
func (c *Case) OutcomeToCheck() bool {
	return c.OutcomeCorrection == nil && (ToCheck(c.OutcomeConfidence) || c.OutcomeLeanNote() != "")
}

// OutcomeLeanNote says in Danish, when the letter model leans to another outcome than the
// label without naming it (Case.OutcomeModelLean), which and how likely; empty otherwise.
func (c *Case) OutcomeLeanNote() string {
	if c.OutcomeModelLean == "" || c.OutcomeModelLean == c.Outcome {
		return ""
	}
	return "brevmodellen peger på " + strings.ToLower(c.OutcomeModelLean.Label()) + " (" + DanishDecimal(c.OutcomeModelLeanScore, 2) + ")"
}

// ModelDisagreesBelow is the sentence model's highest probability for a rule label's type
// (ErrorLabel.ModelScore) below which the two signals count as disagreeing and the label goes
// in the queue.
const ModelDisagreesBelow = 0.1

// SuggestionReason says in Danish why a suggestion (Case.Suggestions) is one: which signal found
// the type and which did not, with the model's probability. The queue and the decision page
// give the same words.
func (e ErrorLabel) SuggestionReason() string {
	if e.Model {
		return "sætningsmodellen peger på den (sandsynlighed " + DanishDecimal(e.Score, 2) + "), reglerne ikke"
	}
	if e.ModelScore != nil {
		return "reglerne fandt den, men sætningsmodellen afviser den (sandsynlighed " + DanishDecimal(*e.ModelScore, 2) + ")"
	}
	return "reglerne fandt den, men sætningsmodellen afviser den"
}

// DanishDecimal writes x with the given number of decimals and a Danish decimal comma
// ("0,64"), as every number a Danish reader sees.
func DanishDecimal(x float64, decimals int) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', decimals, 64), ".", ",", 1)
}
