package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"omgjort"
	"omgjort/auth"
	"omgjort/server"
	"omgjort/store"
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

func runExport(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "export", "export [--data DIR] [--format jsonl|csv] [--own --user NAME]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	format := fs.String("format", "jsonl", "output format: jsonl (one decision per line) or csv")
	own := fs.Bool("own", false, "include the municipality's own decisions (personal data): needs --user, a local account allowed to read them (sagsbehandler and up); every one exported is written to the audit log as a read")
	user := fs.String("user", "", "with --own: the local account the export is made as, for the role check and the audit log")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return fmt.Errorf("%w: --format must be jsonl or csv, not %q", errUsage, *format)
	}
	if *own && strings.TrimSpace(*user) == "" {
		return fmt.Errorf("%w: --own exports personal data: name the local account it is made as with --user (sagsbehandler or a role above)", errUsage)
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	excluded := 0
	if *own {
		u, err := exportUser(a.db, *user)
		if err != nil {
			return err
		}
		ctx = omgjort.WithClient(omgjort.WithUser(ctx, u), "cli")
		// Every own decision is recorded as read before a line is written: an export the
		// audit log cannot hold does not happen.
		var ids []string
		if err := a.db.ForEachFromSource(omgjort.SourceOwn, func(d *omgjort.Decision) error {
			ids = append(ids, d.ID)
			return nil
		}); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := auditExport(ctx, a.auditLog(), *format, ids); err != nil {
			return err
		}
	}
	defer func() {
		if excluded > 0 {
			fmt.Fprintf(env.stderr, "export: %d own decision(s) left out (personal data); add --own --user NAME to include them, audited\n", excluded)
		}
	}()
	// keep says whether d goes into the export, counting the own decisions left out.
	keep := func(d *omgjort.Decision) bool {
		if d.IsOwn() && !*own {
			excluded++
			return false
		}
		return true
	}
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
		return a.db.ForEachReadable(func(d *omgjort.Decision) error {
			if !keep(d) {
				return nil
			}
			return enc.Encode(newExportRecord(d))
		}, bad)
	}
	cw := csv.NewWriter(w)
	w.WriteString("\ufeff") // so Excel reads the Danish letters as UTF-8
	cw.Write([]string{"id", "number", "numbers", "title", "url", "status", "published", "signed", "journal",
		"laws", "keywords", "paragraphs", "authority", "outcome", "mixed", "kritik", "ugyldig", "errors", "cases"})
	err = a.db.ForEachReadable(func(d *omgjort.Decision) error {
		if !keep(d) {
			return nil
		}
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

// exportUser is the local account an export of own decisions is made as; it must hold the
// right to read own decisions, as on the site.
func exportUser(db *store.DB, name string) (*omgjort.User, error) {
	svc, err := auth.Open(db.Bolt())
	if err != nil {
		return nil, err
	}
	u, err := svc.User(strings.TrimSpace(name))
	if errors.Is(err, auth.ErrNoUser) {
		return nil, fmt.Errorf("%w: --user %s is no local account (omgjort user list); own decisions are exported only as an account allowed to read them", errUsage, name)
	}
	if err != nil {
		return nil, err
	}
	if !u.Can(omgjort.PermReadOwn) {
		return nil, fmt.Errorf("%w: %s may not read own decisions (roles %v); sagsbehandler and the roles above may", errUsage, u.Name, u.Roles)
	}
	u.Method = "cli"
	return u, nil
}

// auditExport records an export with own decisions: the export with its format and count,
// and one read per own decision, in one write, so the decision's "who has read it" lists it.
func auditExport(ctx context.Context, log omgjort.AuditLogger, format string, ids []string) error {
	return auditOwnExport(ctx, log, "omgjort export --own --format "+format, "udtræk (omgjort export)", ids)
}

// auditOwnExport records an export of own decisions (command and count) and one read of each
// of them (via), in one write.
func auditOwnExport(ctx context.Context, log omgjort.AuditLogger, command, via string, ids []string) error {
	es := []omgjort.AuditEntry{{Action: omgjort.AuditExport, Query: command,
		Detail: fmt.Sprintf("%d egne afgørelser", len(ids))}}
	for _, id := range ids {
		es = append(es, omgjort.AuditEntry{Action: omgjort.AuditReadOwn, DecisionID: id, Detail: via})
	}
	if err := omgjort.RecordAll(ctx, log, es); err != nil {
		return fmt.Errorf("export: audit log: %w", err)
	}
	return nil
}
