package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"omgjort"
	"omgjort/audit"
	"omgjort/classify"
)

// publishedLetter is a published decision whose one case reverses the municipality's decision
// for want of a hearing; the text is written for this test.
func publishedLetter(id string) *omgjort.Decision {
	text := "Du har klaget over kommunens afgørelse om tilskud til briller.\n\n" +
		"Ankestyrelsen ophæver kommunens afgørelse.\n\n" +
		"Kommunen har ikke partshørt dig, før den traf afgørelsen. Kommunen har heller ikke forklaret, hvilke regler afgørelsen bygger på."
	return &omgjort.Decision{ID: id, Number: id, Numbers: []string{id}, Title: "Principmeddelelse " + id + " om briller",
		Source: "astdk", URL: "https://ast.dk/" + id, Published: "2025-04-01", Year: 2025, Status: omgjort.StatusGaeldende,
		ContentHash: "h-" + id, Cases: []omgjort.Case{{ID: "1", Text: text}}}
}

// charRange returns the character range of sentence in text.
func charRange(t *testing.T, text, sentence string) omgjort.Evidence {
	t.Helper()
	i := strings.Index(text, sentence)
	if i < 0 {
		t.Fatalf("%q not in the text", sentence)
	}
	s, e := omgjort.CharRange(text, i, i+len(sentence))
	return omgjort.Evidence{Start: s, End: e}
}

// TestCorrectionsOverrideAndSurvive: a jurist's corrections change the stored labels, the
// index (a facet filter), survive reclassify, are audited, and come out of `corrections export`
// in the gold format that `eval --corrections` scores against.
func TestCorrectionsOverrideAndSurvive(t *testing.T) {
	dir := t.TempDir()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	d := publishedLetter("9-25")
	if _, err := a.Save(d, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	stored, err := a.db.Get("9-25")
	if err != nil {
		t.Fatal(err)
	}
	text := stored.Cases[0].Text
	auto := stored.Cases[0].ErrorSlugs()
	ctx := omgjort.WithUser(context.Background(), &omgjort.User{Name: "jurist1", Roles: []omgjort.Role{omgjort.RoleJurist}})
	al, err := audit.Open(a.db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	// Add begrundelse (whether or not the rules found it) with its sentence; remove
	// partshoering; set the outcome to hjemvist.
	add := omgjort.Correction{DecisionID: "9-25", CaseID: "1", Kind: omgjort.CorrectError, Action: omgjort.CorrectionAdd,
		ErrorType: omgjort.ErrBegrundelse, Reason: "kommunen forklarede ikke reglerne",
		Evidence: []omgjort.Evidence{charRange(t, text, "Kommunen har heller ikke forklaret, hvilke regler afgørelsen bygger på.")}}
	if _, err := a.correct(ctx, al, add); err != nil {
		t.Fatal(err)
	}
	if _, err := a.correct(ctx, al, omgjort.Correction{DecisionID: "9-25", CaseID: "1", Kind: omgjort.CorrectError,
		Action: omgjort.CorrectionRemove, ErrorType: omgjort.ErrPartshoering, Reason: "prøve"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.correct(ctx, al, omgjort.Correction{DecisionID: "9-25", CaseID: "1", Kind: omgjort.CorrectOutcome,
		Action: omgjort.CorrectionAdd, Outcome: omgjort.OutcomeHjemvist, Reason: "sagen sendes tilbage",
		Evidence: []omgjort.Evidence{charRange(t, text, "Ankestyrelsen ophæver kommunens afgørelse.")}}); err != nil {
		t.Fatal(err)
	}
	// A correction that does not fit is refused with a Danish message and changes nothing.
	_, err = a.correct(ctx, al, omgjort.Correction{DecisionID: "9-25", CaseID: "7", Kind: omgjort.CorrectError,
		Action: omgjort.CorrectionAdd, ErrorType: omgjort.ErrVejledning, Reason: "x", Evidence: []omgjort.Evidence{{Start: 0, End: 5}}})
	var qe *omgjort.QueryError
	if !errors.As(err, &qe) || !strings.Contains(qe.Message, "ingen sag") {
		t.Fatalf("correction of a missing case: %v", err)
	}

	check := func(when string) {
		t.Helper()
		got, err := a.db.Get("9-25")
		if err != nil {
			t.Fatal(err)
		}
		c := got.Cases[0]
		if c.Outcome != omgjort.OutcomeHjemvist || c.OutcomeCorrection == nil || c.OutcomeCorrection.User != "jurist1" {
			t.Fatalf("%s: outcome %s, correction %+v", when, c.Outcome, c.OutcomeCorrection)
		}
		if slices.Contains(c.ErrorSlugs(), omgjort.ErrPartshoering) || !slices.Contains(c.ErrorSlugs(), omgjort.ErrBegrundelse) {
			t.Fatalf("%s: errors %v (automatic %v)", when, c.ErrorSlugs(), auto)
		}
		for _, e := range c.Errors {
			if e.Type == omgjort.ErrBegrundelse && (e.Correction == nil || e.Correction.Label() != "rettet af jurist" || !strings.HasPrefix(e.Evidence[0].Text, "Kommunen har heller ikke")) {
				t.Fatalf("%s: begrundelse label %+v", when, e)
			}
		}
		if got.Outcome != omgjort.OutcomeHjemvist {
			t.Fatalf("%s: roll-up %s", when, got.Outcome)
		}
		res, err := a.Index().Search(context.Background(), omgjort.SearchRequest{Filters: map[string][]string{"errors": {"begrundelse"}, "outcome": {"hjemvist"}}, Size: 10})
		if err != nil || res.Total != 1 {
			t.Fatalf("%s: facet search for the corrected labels: %v, %v", when, res, err)
		}
		res, err = a.Index().Search(context.Background(), omgjort.SearchRequest{Filters: map[string][]string{"errors": {"partshoering"}}, Size: 10})
		if err != nil || res.Total != 0 {
			t.Fatalf("%s: the removed label still found: %v, %v", when, res, err)
		}
	}
	check("after correcting")
	if _, err := a.reclassify(false); err != nil {
		t.Fatal(err)
	}
	check("after reclassify")
	recs, err := al.List(audit.Filter{DecisionID: "9-25", Action: omgjort.AuditCorrectLabels})
	if err != nil || len(recs) != 4 {
		t.Fatalf("audit records of corrections: %d, %v", len(recs), err)
	}
	outcomes := map[string]int{}
	for _, r := range recs {
		outcomes[r.Entry.Outcome]++
		if r.Entry.User != "jurist1" {
			t.Fatalf("audit record without the jurist: %+v", r.Entry)
		}
	}
	if outcomes[omgjort.AuditOK] != 3 || outcomes[omgjort.AuditInvalid] != 1 {
		t.Fatalf("audit outcomes: %v", outcomes)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"corrections", "export", "--data", dir, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("export: %d %s", code, stderr.String())
	}
	gold, err := classify.LoadGold(out)
	if err != nil || len(gold) != 1 {
		t.Fatalf("gold = %+v, %v", gold, err)
	}
	if gold[0].Outcome != omgjort.OutcomeHjemvist || !slices.Contains(gold[0].Errors, omgjort.ErrBegrundelse) || slices.Contains(gold[0].Errors, omgjort.ErrPartshoering) {
		t.Fatalf("exported labels: %+v", gold[0])
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"eval", "--corrections", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("eval --corrections: %d %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Rettet af jurist: 1 sager") {
		t.Fatalf("eval output: %s", stdout.String())
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"corrections", "list", "--data", dir, "9-25"}, &stdout, &stderr); code != 0 || strings.Count(stdout.String(), "jurist1") != 3 {
		t.Fatalf("list: %d %s %s", code, stdout.String(), stderr.String())
	}
}
