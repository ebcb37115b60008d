package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"omgjort"
	"omgjort/classify"
	"omgjort/crawler"
)

// classifyError is one error type in `omgjort classify --json` output.
type classifyError struct {
	Type       omgjort.ErrorType  `json:"type"`
	Score      float64            `json:"score"`
	Confidence float64            `json:"confidence"`
	Evidence   []classifyEvidence `json:"evidence"`
}

// classifyEvidence is one piece of evidence; Start and End count characters of its case's
// text (the case's "text" field).
type classifyEvidence struct {
	Text    string `json:"text"`
	Section string `json:"section"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

type classifyCase struct {
	ID       string             `json:"id"`
	Outcome  omgjort.Outcome    `json:"outcome"`
	Evidence []classifyEvidence `json:"outcome_evidence"`
	// Confidence is the outcome's calibrated confidence; Reason says why it is ukendt.
	Confidence float64 `json:"outcome_confidence"`
	Reason     string  `json:"outcome_reason,omitempty"`
	// Model is Case.OutcomeModelNote: the letter model named the outcome, and what the rules
	// read; Lean is Case.OutcomeLeanNote: it leans to another outcome without naming it.
	Model   string          `json:"outcome_model,omitempty"`
	Lean    string          `json:"outcome_model_lean,omitempty"`
	Kritik  bool            `json:"kritik"`
	Ugyldig bool            `json:"ugyldig"`
	Errors  []classifyError `json:"errors"`
	// Text is the case letter the evidence offsets refer to.
	Text string `json:"text"`
}

// classifyResult is one line of `omgjort classify --json` (architecture.md): the top-level
// fields are the roll-up over the cases.
type classifyResult struct {
	File    string          `json:"file"`
	Number  string          `json:"number,omitempty"`
	Outcome omgjort.Outcome `json:"outcome"`
	Mixed   bool            `json:"mixed"`
	Kritik  bool            `json:"kritik"`
	Ugyldig bool            `json:"ugyldig"`
	Errors  []classifyError `json:"errors"`
	Cases   []classifyCase  `json:"cases"`
}

func evidenceOut(ev []omgjort.Evidence) []classifyEvidence {
	out := []classifyEvidence{}
	for _, e := range ev {
		out = append(out, classifyEvidence{Text: e.Text, Section: e.Section, Start: e.Start, End: e.End})
	}
	return out
}

func errorsOut(labels []omgjort.ErrorLabel) []classifyError {
	out := []classifyError{}
	for _, l := range labels {
		out = append(out, classifyError{Type: l.Type, Score: l.Score, Confidence: l.Confidence, Evidence: evidenceOut(l.Evidence)})
	}
	return out
}

// decisionFromFile reads a decision as an ast.dk HTML page, another HTML page or plain text.
func decisionFromFile(name string, body []byte) (*omgjort.Decision, error) {
	head := strings.ToLower(string(body[:min(len(body), 1024)]))
	if strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html") || bytes.Contains(body, []byte("rich-text")) {
		d, err := crawler.ParseDetail("file://"+name, body)
		if err == nil && len(d.Cases) > 0 {
			return d, nil
		}
		if err != nil && !strings.Contains(head, "<html") {
			return nil, err
		}
		// Another HTML page: its text, without the markup.
		text, err := crawler.HTMLText(body)
		if err != nil {
			return nil, err
		}
		return &omgjort.Decision{Cases: classify.SplitCases(text)}, nil
	}
	text := string(body)
	return &omgjort.Decision{Cases: classify.SplitCases(text)}, nil
}

func runClassify(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "classify", "classify [--json] [--rules FILE] FILE...")
	asJSON := fs.Bool("json", false, "print one JSON object per file (JSON Lines)")
	var rf rulesFlag
	rf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: give one or more files (plain text or an ast.dk HTML page)", errUsage)
	}
	cls, err := rf.classifier()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, name := range fs.Args() {
		body, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(env.stderr, "omgjort classify: %v\n", err)
			failed++
			continue
		}
		d, err := decisionFromFile(name, body)
		if err != nil {
			fmt.Fprintf(env.stderr, "omgjort classify: %s: %v\n", name, err)
			failed++
			continue
		}
		cls.Classify(d)
		res := classifyResult{File: name, Number: d.Number, Outcome: d.Outcome, Mixed: d.Mixed, Kritik: d.Kritik,
			Ugyldig: d.Ugyldig, Errors: []classifyError{}, Cases: []classifyCase{}}
		byType := map[omgjort.ErrorType]*classifyError{}
		for i := range d.Cases {
			c := &d.Cases[i]
			res.Cases = append(res.Cases, classifyCase{ID: c.ID, Outcome: c.Outcome, Evidence: evidenceOut(c.OutcomeEvidence),
				Confidence: c.OutcomeConfidence, Reason: c.OutcomeReason, Model: c.OutcomeModelNote(), Lean: c.OutcomeLeanNote(),
				Kritik: c.Kritik, Ugyldig: c.Ugyldig, Errors: errorsOut(c.Errors), Text: c.Text})
			for _, l := range c.Errors {
				e := byType[l.Type]
				if e == nil {
					e = &classifyError{Type: l.Type}
					byType[l.Type] = e
				}
				e.Score = max(e.Score, l.Score)
				e.Confidence = max(e.Confidence, l.Confidence)
				e.Evidence = append(e.Evidence, evidenceOut(l.Evidence)...)
			}
		}
		for _, t := range omgjort.ErrorTypes {
			if e := byType[t]; e != nil {
				res.Errors = append(res.Errors, *e)
			}
		}
		if *asJSON {
			if err := enc.Encode(res); err != nil {
				return err
			}
			continue
		}
		printClassification(env, res)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be classified", failed, fs.NArg())
	}
	return nil
}

// printClassification writes a short Danish summary of one file's labels.
func printClassification(env *environ, r classifyResult) {
	w := env.stdout
	title := r.File
	if r.Number != "" {
		title += " (principmeddelelse " + r.Number + ")"
	}
	mixed := ""
	if r.Mixed {
		mixed = ", blandet udfald"
	}
	fmt.Fprintf(w, "%s\n  Udfald: %s%s\n", title, r.Outcome.Label(), mixed)
	for _, c := range r.Cases {
		fmt.Fprintf(w, "  Sag %s: %s", c.ID, c.Outcome.Label())
		if c.Outcome != omgjort.OutcomeUkendt {
			word := sureWord(c.Confidence)
			if c.Lean != "" {
				// Two signals that disagree: worth a look whatever the confidence (Case.OutcomeToCheck).
				word = "bør tjekkes"
			}
			fmt.Fprintf(w, " (%s, %.2f)", word, c.Confidence)
			for _, note := range []string{c.Model, c.Lean} {
				if note != "" {
					fmt.Fprintf(w, " (%s)", note)
				}
			}
		} else if c.Reason != "" {
			fmt.Fprintf(w, " (%s)", c.Reason)
		}
		if c.Kritik {
			fmt.Fprint(w, ", kritik")
		}
		if c.Ugyldig {
			fmt.Fprint(w, ", ugyldig")
		}
		fmt.Fprintln(w)
		for _, e := range c.Evidence {
			fmt.Fprintf(w, "    fordi: »%s«\n", e.Text)
		}
		for _, e := range c.Errors {
			if e.Type.IsError() {
				fmt.Fprintf(w, "    fejl: %s (%s, %.2f)\n", e.Type.Label(), sureWord(e.Confidence), e.Confidence)
			} else {
				fmt.Fprintf(w, "    grund: %s (ikke en fejl hos førsteinstansen; %s, %.2f)\n", e.Type.Label(), sureWord(e.Confidence), e.Confidence)
			}
			for _, ev := range e.Evidence {
				fmt.Fprintf(w, "      »%s«\n", ev.Text)
			}
		}
	}
}

// sureWord is the Danish word for a label's confidence: "sikker" at or above
// omgjort.ConfidentAt, otherwise "bør tjekkes".
func sureWord(c float64) string {
	if omgjort.Confident(c) {
		return "sikker"
	}
	return "bør tjekkes"
}
