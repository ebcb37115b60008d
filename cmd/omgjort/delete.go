package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"time"

	"omgjort"
	"omgjort/audit"
	"omgjort/jobs"
	"omgjort/store"
)

// deleteDecision removes a decision for good (ingest.Pipeline.Delete) and writes the deletion
// to the audit log with the acting user from ctx; a failed deletion is audited too.
func (a *app) deleteDecision(ctx context.Context, audit omgjort.AuditLogger, id, detail string) (*store.Deleted, error) {
	if audit == nil {
		audit = omgjort.NopAudit{}
	}
	entry := omgjort.AuditEntry{Time: time.Now().UTC(), Action: omgjort.AuditDelete, DecisionID: id, Detail: detail}
	if u := omgjort.UserFrom(ctx); u != nil {
		entry.User = u.Name
	}
	del, err := a.Delete(ctx, id)
	if del != nil {
		entry.DecisionID = del.ID
	}
	entry.Outcome = omgjort.AuditOK
	if err != nil {
		entry.Outcome = omgjort.AuditFailed
		if errors.Is(err, omgjort.ErrNotFound) {
			entry.Outcome = omgjort.AuditInvalid
		}
	}
	if aerr := audit.Record(ctx, entry); aerr != nil {
		err = errors.Join(err, fmt.Errorf("delete %s: audit: %w", id, aerr))
	}
	return del, err
}

func runDelete(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "delete", "delete [--data DIR] [--no-compact] ID...")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	noCompact := fs.Bool("no-compact", false, "do not rewrite the bbolt file afterwards (it then keeps freed pages until the next compaction)")
	user := fs.String("user", "", "who deletes, for the audit log (default: the operating-system user)")
	reason := fs.String("reason", "", "why, for the audit log (e.g. \"borgerens anmodning\")")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: name the decision(s) to delete", errUsage)
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	name := *user
	if name == "" {
		name = osUser()
	}
	ctx = omgjort.WithUser(ctx, &omgjort.User{Name: name, Roles: []omgjort.Role{omgjort.RoleAdmin}, Method: "cli"})
	var errs []error
	for _, id := range fs.Args() {
		del, err := a.deleteDecision(ctx, a.auditLog(), id, *reason)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			continue
		}
		kind := "offentliggjort afgørelse"
		if del.Own {
			kind = "egen afgørelse (nøglen er destrueret)"
		}
		fmt.Fprintf(env.stdout, "Slettet %s: %s, %d ældre versioner, %d rå sider, %d rettelser, fjernet fra %d ugebreve\n",
			del.ID, kind, del.Versions, del.Raw, del.Corrections, del.Digests)
	}
	if err := a.Close(); err != nil {
		return errors.Join(append(errs, err)...)
	}
	if !*noCompact {
		before, after, err := store.Compact(*data)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		fmt.Fprintf(env.stdout, "Databasefilen er skrevet om uden frigjorte sider (%d → %d byte)\n", before, after)
	}
	return errors.Join(errs...)
}

// osUser is the operating-system user running a command, the actor the audit log records for
// command-line deletions and corrections when --user is not given.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

// auditLog is the data directory's audit log (audit package, in the store's bbolt file); when
// it cannot be opened the entries go to the structured log, so a deletion is never unrecorded.
func (a *app) auditLog() omgjort.AuditLogger {
	l, err := audit.Open(a.db.Bolt())
	if err != nil {
		a.log.Error("audit log unavailable, recording to the process log", "error", err)
		return slogAudit{a.log}
	}
	return l
}

// slogAudit writes audit entries to the structured log.
type slogAudit struct{ log *slog.Logger }

func (s slogAudit) Record(_ context.Context, e omgjort.AuditEntry) error {
	s.log.Info("audit", "action", e.Action, "user", e.User, "decision", e.DecisionID, "outcome", e.Outcome, "detail", e.Detail)
	return nil
}

// retentionJob is the name of the daily job that deletes own decisions past --retention-own.
const retentionJob = "retention-own"

// expireOwn deletes every own decision older than ret (by its decision date), each as
// `omgjort delete` does and audited as the system user "opbevaringsregel"; the run records
// how many went.
func (a *app) expireOwn(ctx context.Context, ret jobs.Retention, now time.Time, run *omgjort.CrawlRun) error {
	ctx = omgjort.WithUser(ctx, &omgjort.User{Name: "opbevaringsregel", Roles: []omgjort.Role{omgjort.RoleAdmin}, Method: "job"})
	n, err := jobs.Expire(ctx, ret.Cutoff(now), a.db.Expired, func(ctx context.Context, id string) error {
		_, err := a.deleteDecision(ctx, a.auditLog(), id, "opbevaringsperiode "+ret.String()+" udløbet")
		return err
	})
	if run != nil {
		run.Changed = n
	}
	a.log.Info("retention of own decisions", "retention", ret.String(), "deleted", n)
	return err
}
