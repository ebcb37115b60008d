package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// letterHjemvist is a hand-written letter with Danish letters before and inside its evidence, so
// byte and character offsets differ.
const letterHjemvist = `Du har klaget over Søndervig Kommunes afgørelse om sygedagpenge. Ankestyrelsen har nu afgjort din sag.

Resultatet er:

Vi sender sagen tilbage til kommunen, som skal behandle den igen.

Det betyder, at vi hjemviser kommunens afgørelse.

Begrundelse for afgørelsen

Hvad er afgørende for resultatet

Kommunen har ikke indhentet oplysninger fra din læge, før den traf afgørelse. Sagen er derfor ikke tilstrækkeligt oplyst.

Vi kritiserer, at kommunen ikke har partshørt dig over oplysningerne fra arbejdsgiveren, før afgørelsen blev truffet.`

// TestClassifyCommand runs `omgjort classify --json` on a text file and an HTML page and checks
// the JSON Lines of architecture.md, with every piece of evidence at its character offsets in
// its case's text, and the Danish summary without --json.
func TestClassifyCommand(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "brev.txt")
	html := filepath.Join(dir, "brev.html")
	if err := os.WriteFile(txt, []byte(letterHjemvist), 0o644); err != nil {
		t.Fatal(err)
	}
	page := "<!doctype html><html lang=da><body><main>" +
		strings.ReplaceAll("<p>"+strings.ReplaceAll(letterHjemvist, "\n\n", "</p><p>")+"</p>", "&", "&amp;") +
		"</main></body></html>"
	if err := os.WriteFile(html, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"classify", "--json", txt, html}, &out, &errb); code != 0 {
		t.Fatalf("classify exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per file:\n%s", len(lines), out.String())
	}
	for i, line := range lines {
		var r struct {
			File    string `json:"file"`
			Outcome string `json:"outcome"`
			Mixed   *bool  `json:"mixed"`
			Kritik  bool   `json:"kritik"`
			Ugyldig *bool  `json:"ugyldig"`
			Errors  []struct {
				Type     string  `json:"type"`
				Score    float64 `json:"score"`
				Evidence []struct {
					Text, Section string
					Start, End    int
				} `json:"evidence"`
			} `json:"errors"`
			Cases []struct {
				ID              string `json:"id"`
				Outcome         string `json:"outcome"`
				Text            string `json:"text"`
				OutcomeEvidence []struct {
					Text       string
					Start, End int
				} `json:"outcome_evidence"`
				Errors []struct {
					Type     string `json:"type"`
					Evidence []struct {
						Text       string
						Start, End int
					} `json:"evidence"`
				} `json:"errors"`
			} `json:"cases"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if r.File != []string{txt, html}[i] || r.Outcome != "hjemvist" || r.Mixed == nil || r.Ugyldig == nil || !r.Kritik {
			t.Errorf("line %d: file %q outcome %q mixed %v kritik %v ugyldig %v", i, r.File, r.Outcome, r.Mixed, r.Kritik, r.Ugyldig)
		}
		types := map[string]bool{}
		for _, e := range r.Errors {
			types[e.Type] = true
			if e.Score <= 0 || len(e.Evidence) == 0 || e.Evidence[0].Section == "" {
				t.Errorf("line %d: error %s without score, evidence or section", i, e.Type)
			}
		}
		if !types["sagsoplysning"] || !types["partshoering"] {
			t.Errorf("line %d: error types %v, want sagsoplysning and partshoering", i, types)
		}
		if len(r.Cases) != 1 {
			t.Fatalf("line %d: %d cases", i, len(r.Cases))
		}
		c := r.Cases[0]
		if strings.ContainsAny(c.Text, "<>") || !strings.Contains(c.Text, "Søndervig Kommunes") {
			t.Errorf("line %d: case text is not the letter's text: %.120q", i, c.Text)
		}
		runes := []rune(c.Text)
		check := func(what, text string, start, end int) {
			if start < 0 || end > len(runes) || start >= end || string(runes[start:end]) != text {
				t.Errorf("line %d: %s evidence %q is not characters %d:%d of the case text", i, what, text, start, end)
			}
		}
		if len(c.OutcomeEvidence) == 0 {
			t.Errorf("line %d: no outcome evidence", i)
		}
		for _, e := range c.OutcomeEvidence {
			check("outcome", e.Text, e.Start, e.End)
		}
		for _, l := range c.Errors {
			for _, e := range l.Evidence {
				check(l.Type, e.Text, e.Start, e.End)
			}
		}
	}

	out.Reset()
	if code := run(context.Background(), []string{"classify", txt}, &out, &errb); code != 0 {
		t.Fatalf("classify exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"Hjemvist", "sagsoplysning", "Kritik"} {
		if !strings.Contains(strings.ToLower(out.String()), strings.ToLower(want)) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}
