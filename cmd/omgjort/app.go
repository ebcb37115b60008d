package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"omgjort"
	"omgjort/classify"
	"omgjort/crawler"
	"omgjort/index"
	"omgjort/store"
)

// app is the composed pipeline over one data directory: the store is the source of truth, the
// classifier labels what comes in, and the index is kept in step with the store.
type app struct {
	dir string
	db  *store.DB
	idx *index.Index
	cls *classify.Classifier
	log *slog.Logger
}

// openApp opens the store and the index in dir. A missing, outdated or broken index is rebuilt
// from the store, and a store/index mismatch (a crash between the two writes) is repaired.
func openApp(dir string, log *slog.Logger) (*app, error) {
	db, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	cls, err := classify.New()
	if err != nil {
		db.Close()
		return nil, err
	}
	a := &app{dir: dir, db: db, cls: cls, log: log}
	idxDir := filepath.Join(dir, "index")
	a.idx, err = index.Open(idxDir)
	if errors.Is(err, index.ErrRebuild) {
		log.Warn("index unusable, rebuilding from the store", "dir", idxDir, "reason", err)
		if err := index.Destroy(idxDir); err != nil {
			db.Close()
			return nil, err
		}
		a.idx, err = index.Open(idxDir)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := a.reconcile(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Close closes the index before the store, so nothing is written to a closed store.
func (a *app) Close() error {
	return errors.Join(a.idx.Close(), a.db.Close())
}

// reconcile makes the index hold exactly the store's current decisions.
func (a *app) reconcile() error {
	stamps, err := a.idx.Stamps()
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	var stale []*omgjort.Decision
	inStore := map[string]bool{}
	err = a.db.ForEach(func(d *omgjort.Decision) error {
		inStore[d.ID] = true
		if stamps[d.ID] != index.Stamp(d) {
			stale = append(stale, d)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	var extra []string
	for id := range stamps {
		if !inStore[id] {
			extra = append(extra, id)
		}
	}
	if len(stale) == 0 && len(extra) == 0 {
		return nil
	}
	a.log.Info("repairing index from store", "missing_or_stale", len(stale), "extra", len(extra))
	if err := a.idx.Put(stale...); err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	if err := a.idx.Delete(extra...); err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	return nil
}

// reindex rebuilds the index from scratch from the store.
func (a *app) reindex() (int, error) {
	idxDir := filepath.Join(a.dir, "index")
	if err := a.idx.Close(); err != nil {
		return 0, err
	}
	if err := index.Destroy(idxDir); err != nil {
		return 0, err
	}
	var err error
	if a.idx, err = index.Open(idxDir); err != nil {
		return 0, err
	}
	const batch = 200
	var buf []*omgjort.Decision
	n := 0
	err = a.db.ForEach(func(d *omgjort.Decision) error {
		buf = append(buf, d)
		n++
		if len(buf) == batch {
			err := a.idx.Put(buf...)
			buf = buf[:0]
			return err
		}
		return nil
	})
	if err == nil && len(buf) > 0 {
		err = a.idx.Put(buf...)
	}
	if err != nil {
		return n, fmt.Errorf("reindex: %w", err)
	}
	return n, nil
}

// enrich derives everything the pipeline adds to a parsed decision before it is stored: labels
// (classifier) and citations. Every path that stores a decision (crawl, reparse, reclassify, gen)
// goes through it, so they all agree.
func (a *app) enrich(d *omgjort.Decision) {
	a.cls.Classify(d)
}

// crawl runs one crawl of ast.dk and records it as a run.
func (a *app) crawl(ctx context.Context, cfg crawler.Config) (omgjort.CrawlRun, error) {
	cfg.Logger = a.log
	rec := omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: time.Now()}
	if err := a.db.StartRun(&rec); err != nil {
		return rec, err
	}
	run, err := crawler.Crawl(ctx, cfg, &sink{a: a})
	run.ID = rec.ID
	if run.Started.IsZero() {
		run.Started = rec.Started
	}
	if run.Ended.IsZero() {
		run.Ended = time.Now()
	}
	if err != nil {
		run.Result = omgjort.RunFailed
		if run.Error == "" {
			run.Error = err.Error()
		}
	}
	if ferr := a.db.FinishRun(&run); ferr != nil {
		return run, errors.Join(err, ferr)
	}
	return run, err
}

// sink is the crawler's way into the store and the index: classify, store, then index.
type sink struct{ a *app }

func (s *sink) PageState(url string) (omgjort.PageState, bool, error) { return s.a.db.PageState(url) }

func (s *sink) Save(_ context.Context, f *crawler.Fetched) (crawler.Change, error) {
	a := s.a
	st, _, err := a.db.PageState(f.Raw.URL)
	if err != nil {
		return crawler.ChangeNone, err
	}
	st.URL = f.Raw.URL
	if f.Decision == nil || f.ParseErr != nil {
		// Keep the body for a later reparse, but never touch the stored decision, and keep the
		// old lastmod/ETag so the page is fetched again next run (the crawler calls Fail next).
		return crawler.ChangeNone, a.db.PutRaw(&f.Raw)
	}
	d := f.Decision
	d.FetchedAt = f.Raw.FetchedAt
	a.enrich(d)
	ch, err := a.db.PutDecision(d, &f.Raw)
	if err != nil {
		return crawler.ChangeNone, err
	}
	if ch != store.Unchanged {
		if err := a.idx.Put(d); err != nil {
			return crawler.ChangeNone, err
		}
	}
	st.Lastmod, st.ETag, st.LastModified = f.Lastmod, f.Raw.ETag, f.Raw.LastModified
	st.Hash, st.DecisionID, st.FetchedAt = f.Raw.Hash, d.ID, f.Raw.FetchedAt
	st.Failures, st.LastError, st.NextAttempt = 0, "", time.Time{}
	if err := a.db.PutPageState(st); err != nil {
		return crawler.ChangeNone, err
	}
	switch ch {
	case store.New:
		return crawler.ChangeNew, nil
	case store.Changed:
		return crawler.ChangeChanged, nil
	}
	return crawler.ChangeUnchanged, nil
}

func (s *sink) Touch(_ context.Context, url string, st omgjort.PageState) error {
	old, ok, err := s.a.db.PageState(url)
	if err != nil {
		return err
	}
	if ok {
		if st.DecisionID == "" {
			st.DecisionID = old.DecisionID
		}
		if st.Hash == "" {
			st.Hash = old.Hash
		}
	}
	st.URL = url
	return s.a.db.PutPageState(st)
}

func (s *sink) Fail(_ context.Context, url string, reason string) error {
	st, _, err := s.a.db.PageState(url)
	if err != nil {
		return err
	}
	st.URL = url
	st.Failures++
	st.LastError = reason
	// Try again on later runs at growing intervals, never give up for good.
	backoff := time.Hour << min(st.Failures-1, 7)
	st.NextAttempt = time.Now().Add(backoff)
	return s.a.db.PutPageState(st)
}
