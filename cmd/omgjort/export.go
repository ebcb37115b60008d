package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"

	"omgjort"
	"omgjort/server"
)

// exportCase and exportRecord are the export contract of architecture.md.
type exportCase struct {
	ID      string              `json:"id"`
	Outcome omgjort.Outcome     `json:"outcome"`
	Kritik  bool                `json:"kritik"`
	Ugyldig bool                `json:"ugyldig"`
	Errors  []omgjort.ErrorType `json:"errors"`
	Text    string              `json:"text"`
}

type exportRecord struct {
	ID         string              `json:"id"`
	Number     string              `json:"number"`
	Numbers    []string            `json:"numbers"`
	Title      string              `json:"title"`
	URL        string              `json:"url"`
	Status     omgjort.Status      `json:"status"`
	Published  string              `json:"published"`
	Signed     string              `json:"signed"`
	Year       int                 `json:"year"`
	Journal    string              `json:"journal"`
	Laws       []string            `json:"laws"`
	Keywords   []string            `json:"keywords"`
	Paragraphs []string            `json:"paragraphs"`
	Authority  string              `json:"authority"`
	Outcome    omgjort.Outcome     `json:"outcome"`
	Mixed      bool                `json:"mixed"`
	Kritik     bool                `json:"kritik"`
	Ugyldig    bool                `json:"ugyldig"`
	Errors     []omgjort.ErrorType `json:"errors"`
	Version    int                 `json:"version"`
	Rules      string              `json:"rules_version"`
	Cases      []exportCase        `json:"cases"`
	// Source, Team and Statistic are set for the municipality's own decisions: Statistic is
	// Ankestyrelsen's own registration of the outcome, to compare with Outcome.
	Source    string          `json:"source,omitempty"`
	Team      string          `json:"team,omitempty"`
	Statistic omgjort.Outcome `json:"statistic,omitempty"`
}

func newExportRecord(d *omgjort.Decision) exportRecord {
	r := exportRecord{ID: d.ID, Number: d.Number, Numbers: nonNil(d.Numbers), Title: d.Title, URL: d.URL,
		Status: d.Status, Published: d.Published, Signed: d.Signed, Year: d.Year, Journal: d.Journal,
		Laws: nonNil(d.Laws), Keywords: nonNil(d.Keywords), Paragraphs: nonNil(d.Paragraphs),
		Authority: d.Authority, Outcome: d.Outcome, Mixed: d.Mixed, Kritik: d.Kritik, Ugyldig: d.Ugyldig,
		Errors: d.Errors, Version: d.Version, Rules: d.RulesVersion, Cases: []exportCase{}}
	if d.IsOwn() {
		r.Source, r.Team, r.Statistic = d.Source, d.Team, d.Statistic
	}
	if r.Errors == nil {
		r.Errors = []omgjort.ErrorType{}
	}
	for i := range d.Cases {
		c := &d.Cases[i]
		r.Cases = append(r.Cases, exportCase{ID: c.ID, Outcome: c.Outcome, Kritik: c.Kritik, Ugyldig: c.Ugyldig,
			Errors: c.ErrorSlugs(), Text: c.Text})
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func runExport(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "export", "export [--data DIR] [--format jsonl|csv]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	format := fs.String("format", "jsonl", "output format: jsonl (one decision per line) or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return fmt.Errorf("%w: --format must be jsonl or csv, not %q", errUsage, *format)
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	w := bufio.NewWriter(env.stdout)
	defer w.Flush()
	// A damaged record is skipped and reported; the rest is exported.
	var skipped []string
	bad := func(id string, err error) {
		skipped = append(skipped, id)
		a.log.Warn("export: a stored decision could not be read and was skipped", "id", id, "error", err)
	}
	defer func() {
		if len(skipped) > 0 {
			fmt.Fprintf(env.stderr, "export: %d damaged record(s) skipped: %s (everything else was exported; `omgjort restore` brings back a backup)\n",
				len(skipped), strings.Join(skipped, ", "))
		}
	}()
	if *format == "jsonl" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return a.db.ForEachReadable(func(d *omgjort.Decision) error { return enc.Encode(newExportRecord(d)) }, bad)
	}
	cw := csv.NewWriter(w)
	w.WriteString("\ufeff") // so Excel reads the Danish letters as UTF-8
	cw.Write([]string{"id", "number", "numbers", "title", "url", "status", "published", "signed", "journal",
		"laws", "keywords", "paragraphs", "authority", "outcome", "mixed", "kritik", "ugyldig", "errors", "cases"})
	err = a.db.ForEachReadable(func(d *omgjort.Decision) error {
		r := newExportRecord(d)
		var cases []string
		for _, c := range r.Cases {
			cases = append(cases, c.ID+":"+string(c.Outcome))
		}
		var errs []string
		for _, e := range r.Errors {
			errs = append(errs, string(e))
		}
		row := []string{r.ID, r.Number, strings.Join(r.Numbers, "; "), r.Title, r.URL, string(r.Status),
			r.Published, r.Signed, r.Journal, strings.Join(r.Laws, "; "), strings.Join(r.Keywords, "; "),
			strings.Join(r.Paragraphs, "; "), r.Authority, string(r.Outcome), fmt.Sprint(r.Mixed),
			fmt.Sprint(r.Kritik), fmt.Sprint(r.Ugyldig), strings.Join(errs, "; "), strings.Join(cases, "; ")}
		for i, v := range row {
			row[i] = server.CellSafe(v) // a title like "=HYPERLINK(…)" stays text in Excel
		}
		return cw.Write(row)
	}, bad)
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}
