package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"omgjort"
	"omgjort/classify"
	"omgjort/crawler"
	"omgjort/index"
	"omgjort/ingest"
	"omgjort/store"
)

// app is the composed pipeline over one data directory: the store is the source of truth, the
// classifier labels what comes in, and the index is kept in step with the store. The path from
// a parsed decision to a stored, labelled, indexed one is ingest.Pipeline's; app opens and wires.
type app struct {
	*ingest.Pipeline
	dir string
	db  *store.DB
	log *slog.Logger
	// builtOnOpen is set when opening found the index missing, outdated or broken and built it
	// from the whole store.
	builtOnOpen bool
}

// interruptedRun is the error recorded (and shown on /status) for a run that a crash or a kill
// left "running": only one process can hold the data directory, so at open such a run is dead.
const interruptedRun = "afbrudt: programmet stoppede, mens kørslen var i gang (nedbrud eller kill); næste kørsel gør arbejdet færdigt"

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
	idxDir := ingest.IndexDir(dir)
	idx, err := index.Open(idxDir)
	if errors.Is(err, index.ErrRebuild) {
		log.Warn("index unusable, rebuilding from the store", "dir", idxDir, "reason", err)
		if err := index.Destroy(idxDir); err != nil {
			db.Close()
			return nil, err
		}
		idx, err = index.Open(idxDir)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	a := &app{Pipeline: ingest.New(db, idx, cls, log), dir: dir, db: db, log: log}
	if n, err := db.InterruptRuns(interruptedRun); err != nil {
		a.Close()
		return nil, err
	} else if n > 0 {
		log.Warn("runs interrupted by an earlier crash marked failed", "runs", n)
	}
	if a.builtOnOpen, err = a.Reconcile(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Close closes the index before the store, so nothing is written to a closed store.
func (a *app) Close() error {
	return errors.Join(a.Index().Close(), a.db.Close())
}

// reindex rebuilds the index from scratch from the store.
func (a *app) reindex() (int, error) { return a.Reindex(ingest.IndexDir(a.dir)) }

// crawl runs one crawl of ast.dk and records it as a run (Job "crawl-astdk").
func (a *app) crawl(ctx context.Context, cfg crawler.Config) (omgjort.CrawlRun, error) {
	cfg.Logger = a.log
	return a.recordRun(crawler.Job, crawler.Source, func() (omgjort.CrawlRun, error) {
		return crawler.Crawl(ctx, cfg, a.Sink())
	})
}

// crawlRetsinfo runs one crawl of retsinformation.dk's change feed and records it as a run
// (Job "crawl-retsinformation", Source "retsinformation"). Its decisions merge with ast.dk's
// of the same number and journal number.
func (a *app) crawlRetsinfo(ctx context.Context, cfg crawler.RetsinfoConfig) (omgjort.CrawlRun, error) {
	cfg.Logger = a.log
	return a.recordRun(crawler.RetsinfoJob, crawler.SourceRetsinfo, func() (omgjort.CrawlRun, error) {
		return crawler.CrawlRetsinfo(ctx, cfg, a.Sink())
	})
}

// recordRun stores a run record before do starts (so a crash leaves a "running" record that
// the next start marks interrupted) and its final state after.
func (a *app) recordRun(job, source string, do func() (omgjort.CrawlRun, error)) (omgjort.CrawlRun, error) {
	rec := omgjort.CrawlRun{Job: job, Source: source, Started: time.Now().UTC()}
	if err := a.db.StartRun(&rec); err != nil {
		return rec, err
	}
	run, err := do()
	run.ID = rec.ID
	if run.Job == "" {
		run.Job, run.Source = job, source
	}
	if run.Started.IsZero() {
		run.Started = rec.Started
	}
	run.Finish(err)
	if ferr := a.db.FinishRun(&run); ferr != nil {
		return run, errors.Join(err, ferr)
	}
	return run, err
}
