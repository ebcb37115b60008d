// Package ingest is the one path from a parsed decision to a stored, labelled, indexed one:
// classify, link citations and the decision family, merge the sources, store (one
// transaction), index, and reconcile the index with the store. The crawlers' sink (Sink) and
// the importer of the municipality's own letters (SaveOwn) both go through it, so every way in
// agrees; cmd only opens the store and the index and wires them here.
package ingest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"omgjort"
	"omgjort/classify"
	"omgjort/crawler"
	"omgjort/index"
	"omgjort/store"
)

// Pipeline composes the store (the source of truth), the classifier that labels what comes in
// and the index kept in step with the store.
type Pipeline struct {
	// saveMu serialises the read-link-write of decision families, so two crawls running at
	// once (ast.dk and retsinformation) or a crawl and an import cannot interleave them.
	saveMu sync.Mutex
	db     *store.DB
	idx    *index.Index
	cls    *classify.Classifier
	log    *slog.Logger
}

// New composes a pipeline over an opened store, index and classifier. It does not reconcile:
// the caller calls Reconcile once after opening.
func New(db *store.DB, idx *index.Index, cls *classify.Classifier, log *slog.Logger) *Pipeline {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{db: db, idx: idx, cls: cls, log: log}
}

// Index is the search index the pipeline writes to (Reindex may replace it).
func (p *Pipeline) Index() *index.Index { return p.idx }

// Classifier is the classifier that labels what is stored.
func (p *Pipeline) Classifier() *classify.Classifier { return p.cls }

// SetClassifier switches to other rules (--rules); the caller re-labels what is stored.
func (p *Pipeline) SetClassifier(cls *classify.Classifier) { p.cls = cls }

// Enrich derives everything the pipeline adds to a parsed decision before it is stored: labels
// (classifier, then the jurists' corrections over them) and citations. Every path that stores a decision (crawl, reparse, reclassify,
// gen, import) goes through it, so they all agree.
func (p *Pipeline) Enrich(d *omgjort.Decision) {
	p.cls.Classify(d)
	p.applyCorrections(d)
	d.Citations = omgjort.CitationsOf(d)
}

// ReconcileBatch is how many decisions reconcile and reclassify read and write at a time.
const ReconcileBatch = 500

// Reconcile makes the index hold exactly the store's current decisions. It compares stamps
// only (the store's stamps bucket, the index's stamp dictionary) and reads just the decisions
// that must be indexed again, so a start over 100,000 decisions pages in a few MB, not the
// whole store. full reports that the index was empty and has been filled with everything (a
// full build: `reindex` need not do it again).
func (p *Pipeline) Reconcile() (full bool, err error) {
	stamps, err := p.idx.Stamps()
	if err != nil {
		return false, fmt.Errorf("reconcile: %w", err)
	}
	want, err := p.db.Stamps()
	if err != nil {
		return false, fmt.Errorf("reconcile: %w", err)
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
		return false, nil
	}
	full = len(stamps) == 0 && len(stale) == len(want)
	p.log.Info("repairing index from store", "missing_or_stale", len(stale), "extra", len(extra))
	if _, err := p.PutAll(func(emit func(...*omgjort.Decision) error) error {
		for len(stale) > 0 {
			n := min(len(stale), ReconcileBatch)
			ds, err := p.db.GetMany(stale[:n])
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
		return full, fmt.Errorf("reconcile: %w", err)
	}
	if err := p.idx.Delete(extra...); err != nil {
		return full, fmt.Errorf("reconcile: %w", err)
	}
	return full, nil
}

// Reindex rebuilds the index in dir from scratch from the store and returns how many
// decisions it indexed.
func (p *Pipeline) Reindex(dir string) (int, error) {
	if err := p.idx.Close(); err != nil {
		return 0, err
	}
	if err := index.Destroy(dir); err != nil {
		return 0, err
	}
	var err error
	if p.idx, err = index.Open(dir); err != nil {
		return 0, err
	}
	n, err := p.PutAll(func(emit func(...*omgjort.Decision) error) error {
		return p.db.ForEach(func(d *omgjort.Decision) error { return emit(d) })
	})
	if err != nil {
		return n, fmt.Errorf("reindex: %w", err)
	}
	return n, nil
}

// IndexDir is where the index lives in a data directory.
func IndexDir(dataDir string) string { return filepath.Join(dataDir, "index") }

// PutAll indexes the decisions that produce emits, reading them from the store on one
// goroutine while the index writes the previous ones on another. It returns how many were
// indexed.
func (p *Pipeline) PutAll(produce func(emit func(...*omgjort.Decision) error) error) (int, error) {
	const chunk = 4 * ReconcileBatch
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
		if werr = p.idx.Put(ds...); werr == nil {
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

// Save is the one way a parsed published decision enters the store (crawl and reparse): it
// is enriched, merged with the same decision from the other source, linked with its family
// (republications under another number, found by journal number and the republication note),
// stored together with raw and the page state in one transaction, and indexed. raw may be nil
// (reparse: the raw page is already archived). Saves are serialised.
func (p *Pipeline) Save(d *omgjort.Decision, raw *omgjort.RawPage, header http.Header, page *omgjort.PageState) (store.Change, error) {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	return p.save(d, raw, header, page)
}

func (p *Pipeline) save(d *omgjort.Decision, raw *omgjort.RawPage, header http.Header, page *omgjort.PageState) (store.Change, error) {
	p.Enrich(d)
	rawFor := d.ID
	link := store.SourceLink{Source: d.Source, URL: d.URL}
	old, err := p.db.Get(d.ID)
	if errors.Is(err, omgjort.ErrNotFound) && d.Source == crawler.SourceRetsinfo {
		// Published under another number on ast.dk (e.g. republished): the same decision
		// when the number resolves to it and the journal numbers agree.
		if alias, aerr := p.db.Decision(d.ID); aerr == nil && d.Journal != "" && sameJournal(alias.Journal, d.Journal) {
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
	family, err := p.family(d)
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
	changes, err := p.db.SaveSet(store.Save{Decisions: family, Raw: rawPtr, Header: header, RawFor: rawFor,
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
		if err := p.idx.Put(changed...); err != nil {
			return store.Unchanged, err
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
func (p *Pipeline) family(d *omgjort.Decision) ([]*omgjort.Decision, error) {
	d.ReplacedBy, d.Replaces = "", nil
	d.Numbers = ownNumbers(d)
	cands, err := p.db.ByJournal(d.Journal)
	if err != nil {
		return nil, err
	}
	all := []*omgjort.Decision{d}
	for _, c := range cands {
		if c.ID == d.ID || c.IsOwn() {
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
