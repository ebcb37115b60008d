package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"omgjort"
	"omgjort/importer"
)

// importService is the server's upload and review queue (server.Imports) over the app: uploads
// run through importer.Run into the pipeline and the review queue; approving stores an entry
// as an own decision. Every step is audited with the signed-in user.
type importService struct {
	a       *app
	opts    importer.Options
	teams   []string
	batches *importer.Batches
	audit   omgjort.AuditLogger
}

func (a *app) importService(o *importOpts, audit omgjort.AuditLogger) (*importService, error) {
	if o == nil {
		o = &importOpts{minConfidence: importer.DefaultMinConfidence, timeout: importer.DefaultLimits().ToolTimeout}
	}
	opts, err := o.options()
	if err != nil {
		return nil, err
	}
	return &importService{a: a, opts: opts, teams: o.teamList(), batches: importer.NewBatches(), audit: audit}, nil
}

func userName(ctx context.Context) string {
	if u := omgjort.UserFrom(ctx); u != nil {
		return u.Name
	}
	return ""
}

func (s *importService) Teams() []string { return s.teams }

func (s *importService) Start(ctx context.Context, dir, team string) (string, error) {
	files, err := importer.Files([]string{dir})
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	id := s.batches.New(len(files))
	opts := s.opts
	opts.Team = team
	opts.Route = omgjort.IntakeUpload
	user := userName(ctx)
	go func() {
		defer os.RemoveAll(dir) // the uploaded originals are never kept
		rep, err := importer.Run(ctx, files, opts, importStore{s.a}, s.audit, user, func(done int, r importer.FileReport) {
			s.batches.Progress(id, done, r)
		})
		if err != nil {
			s.a.log.Error("upload import stopped", "batch", id, "error", err)
		}
		s.batches.Finish(id, rep, err)
	}()
	return id, nil
}

func (s *importService) Batch(id string) (importer.BatchStatus, bool) { return s.batches.Get(id) }

func (s *importService) Reviews(ctx context.Context) ([]importer.ReviewEntry, error) {
	var out []importer.ReviewEntry
	err := s.a.db.ForEachReview(func(_ string, v []byte) error {
		e, err := importer.UnmarshalEntry(v)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

func (s *importService) Review(ctx context.Context, key string) (importer.ReviewEntry, error) {
	v, err := s.a.db.Review(key)
	if err != nil {
		return importer.ReviewEntry{}, err
	}
	e, err := importer.UnmarshalEntry(v)
	if err == nil {
		err = s.record(ctx, omgjort.AuditReadOwn, "", omgjort.AuditOK, "gennemsyn: "+key)
	}
	return e, err
}

func (s *importService) record(ctx context.Context, action, id, outcome, detail string) error {
	if s.audit == nil {
		return nil
	}
	return s.audit.Record(ctx, omgjort.AuditEntry{Time: time.Now().UTC(), User: userName(ctx), Action: action,
		DecisionID: id, Outcome: outcome, Detail: detail})
}

func (s *importService) RemoveMore(ctx context.Context, key, text, category string) (int, error) {
	e, err := s.Review(ctx, key)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		runes := []rune(e.Redaction.Text)
		i := strings.Index(e.Redaction.Text, text)
		if i < 0 || n > 1000 {
			break
		}
		start := len([]rune(e.Redaction.Text[:i]))
		end := start + len([]rune(text))
		if end > len(runes) {
			break
		}
		if err := e.Remove(start, end, category); err != nil {
			if n == 0 {
				return 0, err
			}
			break
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	b, err := e.Marshal()
	if err != nil {
		return 0, err
	}
	if err := s.a.db.ReplaceReview(key, b); err != nil {
		return 0, err
	}
	return n, s.record(ctx, omgjort.AuditImport, "", omgjort.AuditOK, fmt.Sprintf("gennemsyn %s: %d mere fjernet (%s)", key, n, category))
}

func (s *importService) Approve(ctx context.Context, key, team string) (string, error) {
	e, err := s.Review(ctx, key)
	if err != nil {
		return "", err
	}
	if team != "" {
		e.Team = team
	}
	d := e.Decision(time.Now())
	ch, err := s.a.SaveOwn(d)
	if err != nil {
		return "", err
	}
	if err := s.a.db.DeleteReview(key); err != nil {
		return "", err
	}
	return d.ID, s.record(ctx, omgjort.AuditImport, d.ID, omgjort.AuditOK, "godkendt efter gennemsyn: "+ch.String())
}

func (s *importService) Reject(ctx context.Context, key string) error {
	if _, err := s.a.db.Review(key); err != nil {
		return err
	}
	if err := s.a.db.DeleteReview(key); err != nil {
		return err
	}
	return s.record(ctx, omgjort.AuditDelete, "", omgjort.AuditOK, "afvist ved gennemsyn: "+key)
}

// SetTeam sets the team of a stored own decision from the decision page, audited like the
// `omgjort team` command (as a label change, with the user and the new team; a team names a
// unit, never a person).
func (s *importService) SetTeam(ctx context.Context, id, team string) error {
	err := s.a.SetTeam(id, team)
	outcome := omgjort.AuditOK
	if err != nil {
		outcome = omgjort.AuditFailed
	}
	detail := "team sat: " + team
	if team == "" {
		detail = "team fjernet"
	}
	if aerr := s.record(ctx, omgjort.AuditCorrectLabels, id, outcome, detail); aerr != nil && err == nil {
		err = aerr
	}
	return err
}
