package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
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
	// saveMu serialises the crawl sinks' read-link-write of decision families, so two
	// crawls running at once (ast.dk and retsinformation) cannot interleave them.
	saveMu sync.Mutex
	dir    string
	db     *store.DB
	idx    *index.Index
	cls    *classify.Classifier
	log    *slog.Logger
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
	db, err := store.OpenChecked(dir, filepath.Join(dir, "index"), filepath.Join(dir, "backups"))
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
	if n, err := db.InterruptRuns(interruptedRun); err != nil {
		a.Close()
		return nil, err
	} else if n > 0 {
		log.Warn("runs interrupted by an earlier crash marked failed", "runs", n)
	}
	if err := a.reconcile(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// repairIndex brings a degraded index (a write failed, e.g. on a full disk) level with the
// store again; serve calls it periodically. It logs each new failed write once, and reports
// whether the index is healthy afterwards.
func (a *app) repairIndex(seen *uint64) bool {
	h := a.idx.Health()
	if !h.Degraded {
		return true
	}
	if h.Failures != *seen {
		*seen = h.Failures
		a.log.Error("the search index could not be written (is the disk full?); searches answer from the last snapshot on disk until it is repaired from the store",
			"failures", h.Failures, "last_error", h.LastError, "at", h.LastFailure)
	}
	if err := a.reconcile(); err != nil {
		a.log.Warn("index repair from the store failed; trying again later", "error", err)
		return false
	}
	if h2 := a.idx.Health(); h2.Failures != h.Failures {
		return false // a write failed during the repair
	}
	a.idx.Repaired()
	a.log.Info("search index repaired from the store")
	return true
}

// damagedRecord reports a stored decision that cannot be decoded; bulk work (index repair,
// reindex, export) skips it and carries on.
func (a *app) damagedRecord(id string, err error) {
	a.log.Warn("a stored decision is damaged and was skipped; restore a backup (`omgjort restore`) to recover it", "id", id, "error", err)
}

// Close closes the index before the store, so nothing is written to a closed store.
func (a *app) Close() error {
	return errors.Join(a.idx.Close(), a.db.Close())
}

// reconcile makes the index hold exactly the store's current decisions. It compares stamps
// only (the store's stamps bucket, the index's stamp dictionary) and reads just the decisions
// that must be indexed again, so a start over 100,000 decisions pages in a few MB, not the
// whole store.
func (a *app) reconcile() error {
	stamps, err := a.idx.Stamps()
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	want, err := a.db.Stamps()
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	var stale []string
	for id, s := range want {
		if stamps[id] != s {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	var extra []string
	for id := range stamps {
		if _, ok := want[id]; !ok {
			extra = append(extra, id)
		}
	}
	if len(stale) == 0 && len(extra) == 0 {
		return nil
	}
	// An empty index filled with everything is a full build: `reindex` need not do it again.
	a.builtOnOpen = len(stamps) == 0 && len(stale) == len(want)
	a.log.Info("repairing index from store", "missing_or_stale", len(stale), "extra", len(extra))
	if _, err := a.putAll(func(emit func(...*omgjort.Decision) error) error {
		for len(stale) > 0 {
			n := min(len(stale), reconcileBatch)
			ds, err := a.db.GetMany(stale[:n])
			var dmg *store.DamagedRecords
			if errors.As(err, &dmg) {
				for _, id := range dmg.IDs {
					a.damagedRecord(id, dmg.Err)
				}
				err = nil
			}
			if err != nil {
				return err
			}
			if err := emit(ds...); err != nil {
				return err
			}
			stale = stale[n:]
		}
		return nil
	}); err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	if err := a.idx.Delete(extra...); err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	return nil
}

// reconcileBatch is how many decisions reconcile and reclassify read and write at a time.
const reconcileBatch = 500

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
	n, err := a.putAll(func(emit func(...*omgjort.Decision) error) error {
		return a.db.ForEachReadable(func(d *omgjort.Decision) error { return emit(d) }, a.damagedRecord)
	})
	if err != nil {
		return n, fmt.Errorf("reindex: %w", err)
	}
	return n, nil
}

// putAll indexes the decisions that produce emits, reading them from the store on one goroutine
// while the index writes the previous ones on another. It returns how many were indexed.
func (a *app) putAll(produce func(emit func(...*omgjort.Decision) error) error) (int, error) {
	const chunk = 4 * reconcileBatch
	ch := make(chan []*omgjort.Decision, 1)
	stop := make(chan struct{})
	perr := make(chan error, 1)
	go func() {
		defer close(ch)
		var buf []*omgjort.Decision
		send := func() error {
			select {
			case ch <- buf:
				buf = nil
				return nil
			case <-stop:
				return errStopped
			}
		}
		err := produce(func(ds ...*omgjort.Decision) error {
			buf = append(buf, ds...)
			if len(buf) >= chunk {
				return send()
			}
			return nil
		})
		if err == nil && len(buf) > 0 {
			err = send()
		}
		perr <- err
	}()
	n := 0
	var werr error
	for ds := range ch {
		if werr != nil {
			continue
		}
		if werr = a.idx.Put(ds...); werr == nil {
			n += len(ds)
		} else {
			close(stop)
		}
	}
	if err := <-perr; werr == nil && err != nil && !errors.Is(err, errStopped) {
		return n, err
	}
	return n, werr
}

// errStopped ends a producer whose consumer has failed.
var errStopped = errors.New("stopped")

// enrich derives everything the pipeline adds to a parsed decision before it is stored: labels
// (classifier) and citations. Every path that stores a decision (crawl, reparse, reclassify, gen)
// goes through it, so they all agree.
func (a *app) enrich(d *omgjort.Decision) {
	a.cls.Classify(d)
	d.Citations = omgjort.CitationsOf(d)
}

// crawl runs one crawl of ast.dk and records it as a run (Job "crawl-astdk").
func (a *app) crawl(ctx context.Context, cfg crawler.Config) (omgjort.CrawlRun, error) {
	cfg.Logger = a.log
	return a.recordRun(ctx, crawler.Job, crawler.Source, func() (omgjort.CrawlRun, error) {
		return crawler.Crawl(ctx, cfg, &sink{a: a})
	})
}

// crawlRetsinfo runs one crawl of retsinformation.dk's change feed and records it as a run
// (Job "crawl-retsinformation", Source "retsinformation"). Its decisions merge with ast.dk's
// of the same number and journal number.
func (a *app) crawlRetsinfo(ctx context.Context, cfg crawler.RetsinfoConfig) (omgjort.CrawlRun, error) {
	cfg.Logger = a.log
	return a.recordRun(ctx, crawler.RetsinfoJob, crawler.SourceRetsinfo, func() (omgjort.CrawlRun, error) {
		return crawler.CrawlRetsinfo(ctx, cfg, &sink{a: a})
	})
}

// recordRun stores a run record before do starts (so a crash leaves a "running" record that
// the next start marks interrupted) and its final state after.
func (a *app) recordRun(ctx context.Context, job, source string, do func() (omgjort.CrawlRun, error)) (omgjort.CrawlRun, error) {
	rec := omgjort.CrawlRun{Job: job, Source: source, Started: time.Now().UTC(), Trigger: omgjort.TriggerOf(ctx)}
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
	run.Trigger = rec.Trigger
	run.Finish(err)
	if ferr := a.db.FinishRun(&run); ferr != nil {
		return run, errors.Join(err, ferr)
	}
	return run, err
}

// sink is the crawlers' way into the store and the index: classify, merge with the other
// source, link the decision family, store (one transaction), then index.
type sink struct{ a *app }

func (s *sink) PageState(url string) (omgjort.PageState, bool, error) { return s.a.db.PageState(url) }

func (s *sink) Save(_ context.Context, f *crawler.Fetched) (crawler.Change, error) {
	a := s.a
	a.saveMu.Lock()
	defer a.saveMu.Unlock()
	st, _, err := a.db.PageState(f.Raw.URL)
	if err != nil {
		return crawler.ChangeNone, err
	}
	st.URL = f.Raw.URL
	if f.Decision == nil || f.ParseErr != nil {
		// Keep the body for a later reparse, but never touch the stored decision, and keep the
		// old lastmod/ETag so the page is fetched again next run (the crawler calls Fail next).
		_, err := a.db.SaveSet(store.Save{Raw: &f.Raw, Header: f.Header})
		return crawler.ChangeNone, err
	}
	st.Lastmod, st.ETag, st.LastModified = f.Lastmod, f.Raw.ETag, f.Raw.LastModified
	st.Hash, st.FetchedAt = f.Raw.Hash, f.Raw.FetchedAt
	st.Failures, st.LastError, st.NextAttempt = 0, "", time.Time{}
	f.Decision.FetchedAt = f.Raw.FetchedAt
	ch, err := a.storeDecision(f.Decision, &f.Raw, f.Header, &st)
	if err != nil {
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
	st.NextAttempt = crawler.RetryAt(st.Failures, time.Now())
	return s.a.db.PutPageState(st)
}

// Removed records that a source took a document down; the decision itself is kept (ast.dk
// may still publish it, and nothing stored is ever lost).
func (s *sink) Removed(_ context.Context, url string, reason string) error {
	st, _, err := s.a.db.PageState(url)
	if err != nil {
		return err
	}
	st.URL = url
	st.LastError = reason
	return s.a.db.PutPageState(st)
}

// Source values of a decision: one per source, or both when ast.dk's and retsinformation's
// publications were merged into one record (ast.dk's content wins; SourceLinks keeps both
// addresses).
const (
	sourceBoth = crawler.Source + "+" + crawler.SourceRetsinfo
)

// hasSource reports whether a Decision.Source value includes src.
func hasSource(v, src string) bool {
	for _, p := range strings.Split(v, "+") {
		if p == src {
			return true
		}
	}
	return false
}

// storeDecision is the one way a parsed decision enters the store (crawl and reparse): it is
// enriched, merged with the same decision from the other source, linked with its family
// (republications under another number, found by journal number and the republication
// note), stored together with raw and the page state in one transaction, and indexed.
// raw may be nil (reparse: the raw page is already archived).
func (a *app) storeDecision(d *omgjort.Decision, raw *omgjort.RawPage, header http.Header, page *omgjort.PageState) (store.Change, error) {
	a.enrich(d)
	rawFor := d.ID
	link := store.SourceLink{Source: d.Source, URL: d.URL}
	old, err := a.db.Get(d.ID)
	if errors.Is(err, omgjort.ErrNotFound) && d.Source == crawler.SourceRetsinfo {
		// Published under another number on ast.dk (e.g. republished): the same decision
		// when the number resolves to it and the journal numbers agree.
		if alias, aerr := a.db.Decision(d.ID); aerr == nil && d.Journal != "" && sameJournal(alias.Journal, d.Journal) {
			old, err = alias, nil
		}
	}
	if err == nil {
		switch {
		case d.Source == crawler.SourceRetsinfo && hasSource(old.Source, crawler.Source):
			// ast.dk's page is the richer publication: keep its content, note the other.
			merged := *old
			merged.Source = sourceBoth
			d, rawFor = &merged, ""
		case d.Source == crawler.Source && hasSource(old.Source, crawler.SourceRetsinfo):
			d.Source = sourceBoth
		}
	} else if !errors.Is(err, omgjort.ErrNotFound) {
		return store.Unchanged, err
	}
	family, err := a.family(d)
	if err != nil {
		return store.Unchanged, err
	}
	if page != nil {
		page.DecisionID = d.ID
	}
	var rawPtr *omgjort.RawPage
	if raw != nil {
		rawPtr = raw
	}
	changes, err := a.db.SaveSet(store.Save{Decisions: family, Raw: rawPtr, Header: header, RawFor: rawFor,
		Links: map[string][]store.SourceLink{d.ID: {link}}, Page: page})
	if err != nil {
		return store.Unchanged, err
	}
	var changed []*omgjort.Decision
	for i, ch := range changes {
		if ch != store.Unchanged {
			changed = append(changed, family[i])
		}
	}
	if len(changed) > 0 {
		if err := a.idx.Put(changed...); err != nil {
			// Stored is stored: the store is the truth, and the index is repaired from it
			// (repairIndex) once it can be written again.
			a.log.Error("index: could not index a stored decision; it is indexed again from the store when the index can be written", "id", d.ID, "error", err)
		}
	}
	return changes[0], nil
}

// family returns d first, then the stored decisions it forms a family with, all with their
// links set: members share the journal number and one names the other's number (the
// republication note: "tidligere offentliggjort som 21-25 … genudgivet som 2-26"). The
// Gældende member (else the newest) is primary: it lists the others in Replaces, each of
// them points to it with ReplacedBy, and every member carries every number of the family
// in Numbers, its own first.
func (a *app) family(d *omgjort.Decision) ([]*omgjort.Decision, error) {
	d.ReplacedBy, d.Replaces = "", nil
	d.Numbers = ownNumbers(d)
	cands, err := a.db.ByJournal(d.Journal)
	if err != nil {
		return nil, err
	}
	all := []*omgjort.Decision{d}
	for _, c := range cands {
		if c.ID == d.ID {
			continue
		}
		if !namesNumber(d, c) && !namesNumber(c, d) {
			continue
		}
		c.Numbers = ownNumbers(c)
		all = append(all, c)
	}
	if len(all) == 1 {
		return all, nil
	}
	primary := all[0]
	for _, m := range all[1:] {
		if better(m, primary) {
			primary = m
		}
	}
	var union []string
	seen := map[string]bool{}
	for _, m := range append([]*omgjort.Decision{primary}, all...) {
		for _, n := range m.Numbers {
			if k := omgjort.NormalizeNumber(n); !seen[k] {
				seen[k] = true
				union = append(union, n)
			}
		}
	}
	for _, m := range all {
		nums := []string{m.Number}
		for _, n := range union {
			if omgjort.NormalizeNumber(n) != omgjort.NormalizeNumber(m.Number) {
				nums = append(nums, n)
			}
		}
		m.Numbers = nums
		if m == primary {
			m.ReplacedBy, m.Replaces = "", nil
			for _, o := range all {
				if o != primary {
					m.Replaces = append(m.Replaces, o.ID)
				}
			}
			sort.Strings(m.Replaces)
		} else {
			m.ReplacedBy, m.Replaces = primary.ID, nil
		}
	}
	return all, nil
}

// ownNumbers is the numbers a decision's own page gives: its number and those its
// republication note names. Numbers added by an earlier family link are dropped, so a link
// that no longer holds disappears.
func ownNumbers(d *omgjort.Decision) []string {
	out := []string{d.Number}
	seen := map[string]bool{omgjort.NormalizeNumber(d.Number): true}
	note := strings.ReplaceAll(d.RepublishNote, "–", "-")
	for _, n := range d.Numbers {
		k := omgjort.NormalizeNumber(n)
		if !seen[k] && strings.Contains(note, strings.ReplaceAll(n, "–", "-")) {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

// sameJournal compares journal numbers as written on both sources.
func sameJournal(a, b string) bool {
	norm := func(s string) string {
		return strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, "–", "-")), ""))
	}
	return norm(a) != "" && norm(a) == norm(b)
}

// namesNumber reports whether a's own page names b's number (its republication note).
func namesNumber(a, b *omgjort.Decision) bool {
	want := omgjort.NormalizeNumber(b.Number)
	for _, n := range ownNumbers(a)[1:] {
		if omgjort.NormalizeNumber(n) == want {
			return true
		}
	}
	return false
}

// better reports whether x should be the family's primary rather than y: Gældende first,
// then the newest publication, then the higher ID for a stable choice.
func better(x, y *omgjort.Decision) bool {
	if (x.Status == omgjort.StatusGaeldende) != (y.Status == omgjort.StatusGaeldende) {
		return x.Status == omgjort.StatusGaeldende
	}
	if x.Published != y.Published {
		return x.Published > y.Published
	}
	return x.ID > y.ID
}
