package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"omgjort"
	"omgjort/audit"
	"omgjort/classify"
	"omgjort/store"
)

// runCorrections is `omgjort corrections add|list|export`: the jurists' label corrections from
// the command line (the API and the decision page are the other ways in).
func runCorrections(ctx context.Context, env *environ, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: corrections add|list|export (see omgjort corrections add --help)", errUsage)
	}
	switch args[0] {
	case "add":
		return runCorrectionsAdd(ctx, env, args[1:])
	case "list":
		return runCorrectionsList(ctx, env, args[1:])
	case "export":
		return runCorrectionsExport(ctx, env, args[1:])
	}
	return fmt.Errorf("%w: unknown corrections command %q (add, list or export)", errUsage, args[0])
}

func runCorrectionsAdd(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "corrections add", "corrections add [--data DIR] --case N --outcome SLUG|--error SLUG --action confirm|remove|add [--evidence START-END,…] --reason TEXT [--user NAME] ID")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	caseID := fs.String("case", "1", "the case within the decision")
	outcome := fs.String("outcome", "", "the outcome judged (stadfaestet, aendret, ophaevet, hjemvist, afvist)")
	errType := fs.String("error", "", "the error type judged (e.g. partshoering)")
	action := fs.String("action", "", "confirm, remove or add")
	evidence := fs.String("evidence", "", "evidence sentence(s) as character ranges of the case text: START-END[,START-END…]")
	reason := fs.String("reason", "", "short reason")
	user := fs.String("user", "", "who corrects (default: the operating-system user)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name one decision", errUsage)
	}
	c := omgjort.Correction{DecisionID: fs.Arg(0), CaseID: *caseID, Action: *action, Reason: *reason, User: *user}
	switch {
	case *outcome != "" && *errType == "":
		c.Kind, c.Outcome = omgjort.CorrectOutcome, omgjort.Outcome(*outcome)
	case *errType != "" && *outcome == "":
		c.Kind, c.ErrorType = omgjort.CorrectError, omgjort.ErrorType(*errType)
	default:
		return fmt.Errorf("%w: give either --outcome or --error", errUsage)
	}
	ev, err := parseRanges(*evidence)
	if err != nil {
		return fmt.Errorf("%w: --evidence: %v", errUsage, err)
	}
	c.Evidence = ev
	if c.User == "" {
		c.User = osUser()
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = omgjort.WithUser(ctx, &omgjort.User{Name: c.User, Roles: []omgjort.Role{omgjort.RoleJurist}, Method: "cli"})
	d, err := a.correct(ctx, a.auditLog(), c)
	if err != nil {
		return err
	}
	for _, cs := range d.Cases {
		if cs.ID == c.CaseID {
			fmt.Fprintf(env.stdout, "Rettelse gemt for %s sag %s: udfald %s, fejltyper %s\n", d.ID, cs.ID, cs.Outcome.Label(), errorList(cs.ErrorSlugs()))
		}
	}
	return nil
}

// correct stores a correction through the pipeline and writes it to the audit log (a refused
// one too).
func (a *app) correct(ctx context.Context, audit omgjort.AuditLogger, c omgjort.Correction) (*omgjort.Decision, error) {
	if u := omgjort.UserFrom(ctx); u != nil && c.User == "" {
		c.User = u.Name
	}
	d, err := a.Correct(ctx, c)
	entry := omgjort.AuditEntry{Time: time.Now().UTC(), User: c.User, Action: omgjort.AuditCorrectLabels,
		DecisionID: c.DecisionID, Outcome: omgjort.AuditOK,
		Detail: fmt.Sprintf("sag %s: %s %s %s", c.CaseID, c.Action, c.Kind, firstNonEmpty(string(c.Outcome), string(c.ErrorType)))}
	if d != nil {
		entry.DecisionID = d.ID
	}
	var qe *omgjort.QueryError
	switch {
	case errors.As(err, &qe), errors.Is(err, omgjort.ErrNotFound):
		entry.Outcome = omgjort.AuditInvalid
	case err != nil:
		entry.Outcome = omgjort.AuditFailed
	}
	if aerr := audit.Record(ctx, entry); aerr != nil {
		return d, errors.Join(err, fmt.Errorf("correct %s: audit: %w", c.DecisionID, aerr))
	}
	return d, err
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func errorList(ts []omgjort.ErrorType) string {
	if len(ts) == 0 {
		return "ingen"
	}
	var out []string
	for _, t := range ts {
		out = append(out, string(t))
	}
	return strings.Join(out, ", ")
}

// parseRanges reads "10-52,60-90" into evidence character ranges.
func parseRanges(s string) ([]omgjort.Evidence, error) {
	var out []omgjort.Evidence
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, "-")
		start, err1 := strconv.Atoi(strings.TrimSpace(a))
		end, err2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil || start < 0 || end <= start {
			return nil, fmt.Errorf("%q is not START-END with START < END", part)
		}
		out = append(out, omgjort.Evidence{Start: start, End: end})
	}
	return out, nil
}

func runCorrectionsList(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "corrections list", "corrections list [--data DIR] ID")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name one decision", errUsage)
	}
	db, err := store.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.Decision(fs.Arg(0))
	if err != nil {
		return err
	}
	cs, err := db.Corrections(d.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		fmt.Fprintf(env.stdout, "%d\t%s\t%s\tsag %s\t%s %s %s\t%s\n", c.Seq, c.Time.Format(time.RFC3339), c.User, c.CaseID,
			c.Action, c.Kind, firstNonEmpty(string(c.Outcome), string(c.ErrorType)), c.Reason)
	}
	return nil
}

func runCorrectionsExport(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "corrections export", "corrections export [--data DIR] [--own --user NAME] --out DIR")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	out := fs.String("out", "", "folder to write the corrected cases into, one gold letter (*.txt) per case")
	own := fs.Bool("own", false, "include the municipality's own decisions (personal data: the files are not encrypted); needs --user, a local account allowed to read them, and is audited per decision")
	user := fs.String("user", "", "with --own: the local account the export is made as, for the role check and the audit log")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out DIR is required", errUsage)
	}
	if *own && strings.TrimSpace(*user) == "" {
		return fmt.Errorf("%w: --own exports personal data: name the local account it is made as with --user (sagsbehandler or a role above)", errUsage)
	}
	db, err := store.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	if *own {
		u, err := exportUser(db, *user)
		if err != nil {
			return err
		}
		ctx = omgjort.WithClient(omgjort.WithUser(ctx, u), "cli")
	}
	cases, ownIDs, err := correctedGold(db, *own)
	if err != nil {
		return err
	}
	if *own {
		// Recorded before any file is written: an export the log cannot hold does not happen.
		l, err := auditFor(db)
		if err == nil {
			err = auditOwnExport(ctx, l, "corrections export --own", "udtræk (corrections export)", ownIDs)
		}
		if err != nil {
			return fmt.Errorf("corrections export: audit log: %w", err)
		}
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		return fmt.Errorf("corrections export: %w", err)
	}
	for _, g := range cases {
		if err := os.WriteFile(filepath.Join(*out, g.Name), []byte(goldFile(g)), 0o640); err != nil {
			return fmt.Errorf("corrections export: %w", err)
		}
	}
	fmt.Fprintf(env.stdout, "%d rettede sager skrevet i %s (evalueringsformatet: omgjort eval %s)\n", len(cases), *out, *out)
	return nil
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

// correctedGold returns every case a jurist corrected, labelled as the corrections leave it,
// in the gold-set form classify.Evaluate scores against. Own decisions only with own.
func correctedGold(db *store.DB, own bool) ([]classify.GoldCase, []string, error) {
	var out []classify.GoldCase
	var ownIDs []string // the own decisions whose cases are in out
	err := db.ForEachCorrected(func(id string, cs []omgjort.Correction) error {
		d, err := db.Get(id)
		if errors.Is(err, omgjort.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsOwn() && !own {
			return nil
		}
		if d.IsOwn() {
			ownIDs = append(ownIDs, d.ID)
		}
		touched := map[string]bool{}
		for _, c := range cs {
			touched[c.CaseID] = true
		}
		for _, c := range d.Cases {
			if !touched[c.ID] {
				continue
			}
			name := unsafeName.ReplaceAllString(strings.ToLower(d.ID+"-sag-"+c.ID), "-") + ".txt"
			out = append(out, classify.GoldCase{Name: name, Text: c.Text, Outcome: c.Outcome,
				Errors: c.ErrorSlugs(), Kritik: c.Kritik, Ugyldig: c.Ugyldig})
		}
		return nil
	})
	return out, ownIDs, err
}

// goldFile writes a gold case as classify.LoadGold reads it: header lines, a blank line, the
// letter.
func goldFile(g classify.GoldCase) string {
	yn := func(b bool) string {
		if b {
			return "ja"
		}
		return "nej"
	}
	var errs []string
	for _, e := range g.Errors {
		errs = append(errs, string(e))
	}
	return "outcome: " + string(g.Outcome) + "\nerrors: " + strings.Join(errs, ", ") +
		"\nkritik: " + yn(g.Kritik) + "\nugyldig: " + yn(g.Ugyldig) + "\n\n" + strings.TrimSpace(g.Text) + "\n"
}

// auditFor opens the audit log in db's file, for commands that work on the store alone.
func auditFor(db *store.DB) (omgjort.AuditLogger, error) { return audit.Open(db.Bolt()) }

// evalCorrections scores the classifier against the cases jurists corrected in the data
// directory (`omgjort eval --corrections DIR`), own decisions included: nothing leaves the
// process.
func evalCorrections(env *environ, cls *classify.Classifier, dir string) error {
	db, err := store.Open(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	cases, _, err := correctedGold(db, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "== Rettet af jurist: %d sager i %s\n", len(cases), dir)
	if len(cases) == 0 {
		fmt.Fprintln(env.stdout, "Ingen rettede sager endnu.")
		return nil
	}
	cls.Evaluate(cases).Print(env.stdout)
	fmt.Fprintln(env.stdout)
	return nil
}

// curation is the server's way to correct labels, list the queue and delete decisions: the
// pipeline's. The server audits what it does through it (with the client's address).
type curation struct{ a *app }

func newCuration(a *app) curation { return curation{a: a} }

func (c curation) Correct(ctx context.Context, corr omgjort.Correction) (*omgjort.Decision, error) {
	return c.a.Correct(ctx, corr)
}

func (c curation) Queue(ctx context.Context, n int, withOwn bool) ([]omgjort.QueueItem, error) {
	return c.a.Queue(ctx, n, withOwn)
}

func (c curation) Delete(ctx context.Context, id string) error {
	_, err := c.a.Delete(ctx, id)
	return err
}
