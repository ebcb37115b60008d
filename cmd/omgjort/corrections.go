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
	"sync"
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

func runCorrectionsExport(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "corrections export", "corrections export [--data DIR] [--own] --out DIR")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	out := fs.String("out", "", "folder to write the corrected cases into, one gold letter (*.txt) per case")
	own := fs.Bool("own", false, "include the municipality's own decisions (personal data: the files are not encrypted)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: --out DIR is required", errUsage)
	}
	db, err := store.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	cases, err := correctedGold(db, *own)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		return fmt.Errorf("corrections export: %w", err)
	}
	for _, g := range cases {
		if err := os.WriteFile(filepath.Join(*out, g.Name), []byte(goldFile(g)), 0o640); err != nil {
			return fmt.Errorf("corrections export: %w", err)
		}
	}
	if *own {
		if l, err := auditFor(db); err == nil {
			_ = l.Record(context.Background(), omgjort.AuditEntry{Time: time.Now().UTC(), User: osUser(),
				Action: omgjort.AuditExport, Outcome: omgjort.AuditOK, Query: "corrections export --own", Detail: fmt.Sprintf("%d sager", len(cases))})
		}
	}
	fmt.Fprintf(env.stdout, "%d rettede sager skrevet i %s (evalueringsformatet: omgjort eval %s)\n", len(cases), *out, *out)
	return nil
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

// correctedGold returns every case a jurist corrected, labelled as the corrections leave it,
// in the gold-set form classify.Evaluate scores against. Own decisions only with own.
func correctedGold(db *store.DB, own bool) ([]classify.GoldCase, error) {
	var out []classify.GoldCase
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
	return out, err
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
	cases, err := correctedGold(db, true)
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
// pipeline's, with every correction and deletion written to the audit log.
type curation struct {
	a     *app
	audit omgjort.AuditLogger
	queue *queueCache
}

func newCuration(a *app, audit omgjort.AuditLogger) curation {
	return curation{a: a, audit: audit, queue: &queueCache{}}
}

func (c curation) Correct(ctx context.Context, corr omgjort.Correction) (*omgjort.Decision, error) {
	d, err := c.a.correct(ctx, c.audit, corr)
	c.queue.reset()
	return d, err
}

// Queue answers from a list computed at most every queueTTL (reading every decision takes
// seconds at 100,000), and anew after each correction or deletion made here.
func (c curation) Queue(ctx context.Context, n int, withOwn bool) ([]omgjort.QueueItem, error) {
	all, err := c.queue.get(func() ([]omgjort.QueueItem, error) { return c.a.Queue(ctx, maxQueued, true) })
	if err != nil {
		return nil, err
	}
	out := make([]omgjort.QueueItem, 0, min(n, len(all)))
	for _, it := range all {
		if len(out) == n {
			break
		}
		if it.Own && !withOwn {
			continue
		}
		out = append(out, it)
	}
	return out, nil
}

func (c curation) Delete(ctx context.Context, id string) error {
	_, err := c.a.deleteDecision(ctx, c.audit, id, "")
	c.queue.reset()
	return err
}

// queueTTL is how long a computed correction queue is served; maxQueued caps its length.
const (
	queueTTL  = 5 * time.Minute
	maxQueued = 5000
)

// queueCache keeps the last computed correction queue.
type queueCache struct {
	mu    sync.Mutex
	at    time.Time
	items []omgjort.QueueItem
}

func (q *queueCache) get(compute func() ([]omgjort.QueueItem, error)) ([]omgjort.QueueItem, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.items != nil && time.Since(q.at) < queueTTL {
		return q.items, nil
	}
	items, err := compute()
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []omgjort.QueueItem{}
	}
	q.items, q.at = items, time.Now()
	return items, nil
}

func (q *queueCache) reset() {
	q.mu.Lock()
	q.items = nil
	q.mu.Unlock()
}
