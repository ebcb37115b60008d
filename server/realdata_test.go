package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"omgjort"
)

// realRecord is the part of a corpus record this test needs.
type realRecord struct {
	Title          string   `json:"title"`
	Text           string   `json:"text"`
	Date           string   `json:"date"`
	URL            string   `json:"url"`
	DecisionNumber string   `json:"decision_number"`
	JournalNumber  string   `json:"journal_number"`
	Paragraph      string   `json:"paragraph"`
	Categories     []string `json:"categories"`
	Status         string   `json:"status"`
	Year           int      `json:"year"`
}

// sharedDir is ../shared next to the repository root, where the real corpus lives when present.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("cannot locate test file")
	}
	repoRoot := filepath.Dir(filepath.Dir(file))
	return filepath.Join(repoRoot, "..", "shared")
}

// TestRealDecisionsRender renders every real decision of the corpus as one case, with evidence
// located in the real text, and checks the page is well-formed and shows the text unchanged.
func TestRealDecisionsRender(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedDir(t), "corpus", "astdk-real", "*.json"))
	if len(files) == 0 {
		t.Skip("real corpus not found in ../shared/corpus/astdk-real; skipping")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var rec realRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatalf("decode %s: %v", file, err)
			}
			d := &omgjort.Decision{ID: omgjort.NormalizeNumber(rec.DecisionNumber), Number: rec.DecisionNumber,
				Title: rec.Title, URL: rec.URL, Published: rec.Date, Year: rec.Year, Journal: rec.JournalNumber,
				Keywords: rec.Categories, Paragraphs: []string{rec.Paragraph}, Status: omgjort.StatusGaeldende}
			if rec.Status == "Historisk" {
				d.Status = omgjort.StatusHistorisk
			}
			c := omgjort.Case{ID: "1", Text: rec.Text, Outcome: omgjort.OutcomeUkendt}
			var want string
			for _, w := range []struct {
				word string
				o    omgjort.Outcome
			}{{"hjemviser", omgjort.OutcomeHjemvist}, {"ophæver", omgjort.OutcomeOphaevet}, {"ændrer", omgjort.OutcomeAendret}, {"stadfæster", omgjort.OutcomeStadfaestet}} {
				if i := strings.Index(rec.Text, w.word); i >= 0 {
					c.Outcome = w.o
					c.OutcomeEvidence = []omgjort.Evidence{{Text: w.word, Start: i, End: i + len(w.word)}}
					want = w.word
					break
				}
			}
			d.Cases = []omgjort.Case{c}
			d.RollUpCases()
			f := mustFixture(t, d)
			code, _, body := f.get(t, "/d/"+d.ID)
			if code != 200 {
				t.Fatalf("status %d", code)
			}
			doc := checkHTML(t, body)
			marks := findAll(doc, func(n *xhtml.Node) bool { return n.Data == "mark" && attr(n, "id") == "ev-1-1" })
			if want != "" && (len(marks) != 1 || textOf(marks[0]) != want) {
				t.Errorf("evidence %q not marked as ev-1-1", want)
			}
			if !strings.Contains(body, "<span class=\"badge badge-"+string(c.Outcome)+"\">"+c.Outcome.Label()+"</span>") {
				t.Errorf("outcome badge %s missing", c.Outcome)
			}
			caseText := findAll(doc, func(n *xhtml.Node) bool { return attr(n, "class") == "case-text" })
			if got, want := shownCaseText(caseText[0]), squeeze(rec.Text); got != want {
				t.Errorf("case text not shown whole: %d bytes shown of %d", len(got), len(want))
			}
		})
	}
}
