// Package index keeps the Bleve full-text index of the decisions: a static mapping with the Danish
// analyzer, batched writes, and a search that turns the query box syntax of the site into Bleve
// queries, with facets and highlighted snippets. The index is derived data: the store is the source
// of truth, and whenever the index cannot be trusted (corrupt, or built by an older mapping) Open
// says so with ErrRebuild, so the caller can Destroy it and rebuild it from the store.
package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bolterrors "go.etcd.io/bbolt/errors"

	"omgjort"
)

// MappingVersion identifies the document mapping and analysis this code builds. It is stored in
// the index; an index built with another version is refused with ErrRebuild, because Bleve keeps
// the mapping an index was created with and silently searches with it. Bump it on any change to
// buildMapping or to the document fields.
const MappingVersion = "9"

// ErrRebuild is wrapped by Open when the index on disk cannot be used as is: it is corrupt, only
// partly there, or was built with another MappingVersion. The caller should Destroy the directory,
// Open it again and re-index every decision from the store.
var ErrRebuild = errors.New("index must be rebuilt")

// ErrLocked is wrapped by Open when another process (or another Open in this one) holds the
// index. It must not be treated as ErrRebuild: destroying an index in use would lose it.
var ErrLocked = errors.New("index is in use by another process")

const (
	// lockTimeout bounds how long Open waits for the flock on store/root.bolt; without it Bleve
	// waits forever when another process has the index open.
	lockTimeout = "2s"
	// batchSize caps the documents per Bleve batch, to bound indexing memory (bleve#1787).
	batchSize = 500
	// versionKey is the internal key that holds MappingVersion.
	versionKey = "omgjort_mapping_version"
	// plainAnalyzer lowercases unicode tokens without stop words or stemming, for paragraph
	// references such as "§ 47, stk. 1".
	plainAnalyzer = "omgjort_plain"
	// summaryLen is the length of the stored summary shown when a hit has no highlighted fragment.
	summaryLen = 200
)

// Document field names. The keyword fields hold exact values (case-sensitive); the *_text fields
// hold the same values analysed in Danish so the query box can match them word by word.
const (
	fTitle = "title"
	fText  = "text"
	// fMeta is title, laws and keywords (and the holding when the text lacks it), one array
	// value each: with fText the only fields a free-text word is matched in.
	fMeta = "meta"
	// fTextPairs and fMetaPairs hold the word pairs of fText and fMeta (pairAnalyzer),
	// indexed only: a phrase is matched there instead of by the positions of its words.
	fTextPairs   = "text_pairs"
	fMetaPairs   = "meta_pairs"
	fNumber      = "number"
	fNumbers     = "numbers"
	fLaw         = "law"
	fLawText     = "law_text"
	fKeyword     = "keyword"
	fKeywordText = "keyword_text"
	fOutcome     = "outcome"
	fErrors      = "errors"
	fYearKey     = "year_key"
	fPublished   = "published"
	fPubDate     = "pubdate"
	fStatus      = "status"
	fAuthority   = "authority"
	fParagraphs  = "paragraphs"
	fSummary     = "summary"
	// fFacets holds every facet value of a decision as "key NUL value" (key as in
	// facetFields), with doc values: Search counts the six facets from this one field, which
	// reads one doc-value chunk per hit instead of six.
	fFacets = "facets"
	// fIDStamp is "id NUL stamp", indexed only: Stamps reads its term dictionary.
	fIDStamp = "id_stamp"
	// fCites holds the normalised numbers of the principmeddelelser a decision cites.
	fCites = "cites"
	// fQuarter, fErrQuarter and fErrLaw feed the statistics: the publication quarter, and
	// "errortype|quarter" and "errortype|law" pairs, so one facet request counts a matrix.
	fQuarter    = "quarter"
	fErrQuarter = "err_quarter"
	fErrLaw     = "err_law"
	// fProvisions holds the provisions a decision cites, by act ("aktivloven|14",
	// "aktivloven|14|stk. 1"; omgjort.Provision.Keys), for §:"aktivloven 14".
	fProvisions = "provisions"
	// fKritik and fUgyldig are "ja" or "nej": whether any case has the flag.
	fKritik  = "kritik"
	fUgyldig = "ugyldig"
	// fDay and fSignedDay are the publication and decision dates (YYYY-MM-DD), for dato: and
	// afgørelsesdato: ranges.
	fDay       = "day"
	fSignedDay = "signed_day"
	// fCounted is "1" for decisions the statistics count: not a Historisk record republished
	// under a stored Gældende number (which would count the same decision twice), and not one
	// of the municipality's own decisions.
	fCounted = "counted"
	// fOwn is "1" for the municipality's own decisions (omgjort.SourceOwn): searches leave
	// them out unless the request says IncludeOwn.
	fOwn = "own"
)

// Index is an open Bleve index of decisions. It is safe for concurrent use; one process owns it.
type Index struct {
	dir       string
	idx       bleve.Index
	closeOnce sync.Once
	closeErr  error
	// epoch counts the writes (Put, Delete); search results are cached per epoch.
	epoch atomic.Uint64
	cache *resultCache
	// facetCache keeps the total and facets of a hit set (query and filters), so page 2 or
	// the date sort of a search already made skips the facet counting.
	facetCache *resultCache
	// facetTables holds the facet postings of the latest snapshot searched.
	facetTables facetTables
	// postings keeps the postings of the terms searched, for searches without Bleve's
	// searchers (fastscore.go); noFast turns that, the facet table and the date sort of
	// facetbits.go off, leaving the search to Bleve alone (tests compare the two).
	postings postingsCache
	// docs keeps the stored fields of documents shown lately (doccache.go); storedFiles are
	// the segment files their stored fields are read from (storedread.go).
	docs        docCache
	storedFiles storedFiles
	noFast      bool
	fastRuns    atomic.Uint64 // searches the fast path answered
	// releasing is set while a release of mapped pages runs (afterSearch); lastRelease is
	// when the last one started (Unix ns).
	releasing   atomic.Bool
	lastRelease atomic.Int64
	// docsRead counts the stored documents the fast path read since the last release.
	docsRead   atomic.Int64
	background sync.WaitGroup
	// thes is the legal thesaurus, analysed on first use.
	thesOnce sync.Once
	thes     thesaurus
	// health records failed writes (health.go).
	health healthState
}

// SetCacheSize sets how many search results are kept (DefaultCacheSize after Open); 0 turns the
// cache off. Call it before the index is shared.
func (x *Index) SetCacheSize(n int) {
	x.cache, x.facetCache = newResultCache(n), newResultCache(n)
}

// CacheStats returns how many searches were answered from the result cache and how many were
// computed.
func (x *Index) CacheStats() (hits, misses uint64) { return x.cache.stats() }

// Open opens the index in dir, creating it when dir is absent or empty. It fails within about two
// seconds with an error wrapping ErrLocked when the index is held elsewhere, and with an error
// wrapping ErrRebuild when the index is unusable or was built with another MappingVersion.
func Open(dir string) (*Index, error) {
	if dir == "" {
		return nil, errors.New("index: open: empty directory name")
	}
	exists, err := indexExists(dir)
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", dir, err)
	}
	cfg := map[string]interface{}{"bolt_timeout": lockTimeout}
	if !exists {
		m, err := buildMapping()
		if err != nil {
			return nil, fmt.Errorf("index: open %s: mapping: %w", dir, err)
		}
		idx, err := bleve.NewUsing(dir, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, cfg)
		if err != nil {
			return nil, fmt.Errorf("index: create %s: %w", dir, err)
		}
		if err := idx.SetInternal([]byte(versionKey), []byte(MappingVersion)); err != nil {
			_ = idx.Close()
			return nil, fmt.Errorf("index: create %s: store mapping version: %w", dir, err)
		}
		return &Index{dir: dir, idx: &liveIndex{i: idx, cfg: cfg}, cache: newResultCache(DefaultCacheSize), facetCache: newResultCache(DefaultCacheSize)}, nil
	}

	if err := checkSegments(dir); err != nil {
		return nil, fmt.Errorf("index: open %s: %w: %v", dir, ErrRebuild, err)
	}
	idx, err := openBleve(dir, cfg)
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("index: open %s: %w (gave up after %s)", dir, ErrLocked, lockTimeout)
		}
		return nil, fmt.Errorf("index: open %s: %w: %v", dir, ErrRebuild, err)
	}
	v, err := idx.GetInternal([]byte(versionKey))
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("index: open %s: %w: read mapping version: %v", dir, ErrRebuild, err)
	}
	if string(v) != MappingVersion {
		_ = idx.Close()
		return nil, fmt.Errorf("index: open %s: %w: mapping version %q, code has %q", dir, ErrRebuild, v, MappingVersion)
	}
	return &Index{dir: dir, idx: &liveIndex{i: idx, cfg: cfg}, cache: newResultCache(DefaultCacheSize), facetCache: newResultCache(DefaultCacheSize)}, nil
}

// openBleve opens an existing index, turning a panic inside Bleve (a damaged file) into an
// error, which Open reports as ErrRebuild.
func openBleve(dir string, cfg map[string]interface{}) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("bleve panicked opening the index: %v", r)
		}
	}()
	return bleve.OpenUsing(dir, cfg)
}

// indexExists reports whether dir holds an index. A missing or empty directory does not; a
// directory with other content but no index metadata is a broken index (ErrRebuild).
func indexExists(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if len(entries) == 0 {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return false, fmt.Errorf("%w: no index_meta.json in a non-empty directory", ErrRebuild)
	}
	return true, nil
}

// Destroy removes the index directory, so that a broken or outdated index can be rebuilt. It
// refuses a directory that does not look like a Bleve index, so a wrong path cannot wipe other
// data. The index must be closed.
func Destroy(dir string) error {
	if dir == "" {
		return errors.New("index: destroy: empty directory name")
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("index: destroy %s: %w", dir, err)
	}
	if len(entries) > 0 && !looksLikeIndex(dir) {
		return fmt.Errorf("index: destroy %s: refusing, the directory does not look like a bleve index", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("index: destroy %s: %w", dir, err)
	}
	return nil
}

func looksLikeIndex(dir string) bool {
	for _, name := range []string{"index_meta.json", "store"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// Close flushes and closes the index; always call it on shutdown, before closing the store. A
// second Close does nothing (Bleve itself panics on it).
func (x *Index) Close() error {
	x.closeOnce.Do(func() {
		x.background.Wait() // a release of mapped pages (afterSearch)
		if err := x.idx.Close(); err != nil {
			x.closeErr = fmt.Errorf("index: close %s: %w", x.dir, err)
		}
		x.storedFiles.closeAll()
	})
	return x.closeErr
}

// Put indexes the decisions in batches of at most 500, replacing any document with the same ID.
// Each batch is on disk when Put returns.
func (x *Index) Put(ds ...*omgjort.Decision) (err error) {
	defer x.epoch.Add(1) // after the write: cached results are of the old content
	defer x.afterWrite(&err)
	defer recoverTo(&err, "put")
	for _, d := range ds {
		if d == nil || d.ID == "" {
			return fmt.Errorf("index: put: %w", errNoID)
		}
	}
	// Mapping decisions to Bleve documents runs on the calling goroutine inside b.Index;
	// Bleve then analyses a batch in parallel and builds its segment on one goroutine. A
	// second goroutine maps the next batch while Bleve indexes this one.
	type built struct {
		b    *bleve.Batch
		last string
		err  error
	}
	ch := make(chan built, 1)
	stop := make(chan struct{})
	go func() {
		defer close(ch)
		send := func(bt built) bool {
			select {
			case ch <- bt:
				return true
			case <-stop:
				return false
			}
		}
		defer func() {
			if r := recover(); r != nil {
				send(built{err: fmt.Errorf("index: put: bleve panicked: %v", r)})
			}
		}()
		for i := 0; i < len(ds); i += batchSize {
			b := x.idx.NewBatch()
			part := ds[i:min(i+batchSize, len(ds))]
			for _, d := range part {
				if err := b.Index(d.ID, document(d)); err != nil {
					send(built{err: fmt.Errorf("index: put %s: %w", d.ID, err)})
					return
				}
			}
			if !send(built{b: b, last: part[len(part)-1].ID}) {
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for range ch { // let the mapper finish
		}
	}()
	// Batches of distinct decisions are committed two at a time: Bleve analyses a batch on
	// every core but builds its segment on one, so a second batch's analysis fills the gap.
	// When a decision comes twice, one batch at a time keeps the later version last.
	workers := 2
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		if seen[d.ID] {
			workers = 1
			break
		}
		seen[d.ID] = true
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		firstEr error
	)
	sem := make(chan struct{}, workers)
	for bt := range ch {
		if bt.err != nil {
			mu.Lock()
			if firstEr == nil {
				firstEr = bt.err
			}
			mu.Unlock()
			break
		}
		sem <- struct{}{}
		mu.Lock()
		failed := firstEr != nil
		mu.Unlock()
		if failed {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					if firstEr == nil {
						firstEr = fmt.Errorf("index: put: bleve panicked: %v", r)
					}
					mu.Unlock()
				}
			}()
			if err := x.idx.Batch(bt.b); err != nil {
				mu.Lock()
				if firstEr == nil {
					firstEr = fmt.Errorf("index: put batch ending with %s: %w", bt.last, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return firstEr
}

// Delete removes the decisions with the given IDs; unknown IDs are ignored.
func (x *Index) Delete(ids ...string) (err error) {
	defer x.epoch.Add(1)
	defer x.afterWrite(&err)
	defer recoverTo(&err, "delete")
	b := x.idx.NewBatch()
	for _, id := range ids {
		b.Delete(id)
		if b.Size() >= batchSize {
			if err := x.idx.Batch(b); err != nil {
				return fmt.Errorf("index: delete batch ending with %s: %w", id, err)
			}
			b.Reset()
		}
	}
	if b.Size() > 0 {
		if err := x.idx.Batch(b); err != nil {
			return fmt.Errorf("index: delete batch of %d: %w", b.Size(), err)
		}
	}
	return nil
}

// Count returns the number of indexed decisions.
func (x *Index) Count() (uint64, error) {
	n, err := x.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}

// Stamp is what the index remembers of the version of a decision it holds: content hash, classifier
// rules version and stored version (omgjort.Decision.Stamp). When the store's stamp of a decision
// differs from Stamps, the decision must be indexed again (after a crash between a store write and
// an index write, or after a re-classification).
func Stamp(d *omgjort.Decision) string { return d.Stamp() }

// Stamps returns the stamp of every indexed decision by ID, so the caller can reconcile the index
// with the store. It reads the term dictionary of the id_stamp field ("id NUL stamp"), never a
// stored document, so it stays cheap (and pages in little of the index) at 100,000 decisions.
// The dictionary also still lists terms of replaced or deleted documents until segments merge,
// so an ID with several candidates, or a count that disagrees with the live documents, is
// settled by asking which term still has a live document.
func (x *Index) Stamps() (_ map[string]string, err error) {
	defer recoverTo(&err, "stamps")
	ai, err := x.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index: stamps: %w", err)
	}
	r, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("index: stamps: %w", err)
	}
	defer r.Close()
	fd, err := r.FieldDict(fIDStamp)
	if err != nil {
		return nil, fmt.Errorf("index: stamps: %w", err)
	}
	cands := map[string][]string{}
	for {
		e, err := fd.Next()
		if err != nil {
			fd.Close()
			return nil, fmt.Errorf("index: stamps: %w", err)
		}
		if e == nil {
			break
		}
		id, stamp, ok := strings.Cut(e.Term, "\x00")
		if !ok {
			continue
		}
		cands[id] = append(cands[id], stamp)
	}
	if err := fd.Close(); err != nil {
		return nil, fmt.Errorf("index: stamps: %w", err)
	}
	live, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("index: stamps: %w", err)
	}
	checkAll := uint64(len(cands)) != live
	out := make(map[string]string, len(cands))
	for id, ss := range cands {
		if len(ss) == 1 && !checkAll {
			out[id] = ss[0]
			continue
		}
		for _, s := range ss {
			tfr, err := r.TermFieldReader(context.Background(), []byte(id+"\x00"+s), fIDStamp, false, false, false)
			if err != nil {
				return nil, fmt.Errorf("index: stamps: %w", err)
			}
			n := tfr.Count()
			_ = tfr.Close()
			if n > 0 {
				out[id] = s
				break
			}
		}
	}
	return out, nil
}

// document turns a decision into the map Bleve indexes under the static mapping.
func document(d *omgjort.Decision) map[string]interface{} {
	numbers := []string{omgjort.NormalizeNumber(d.Number), d.ID}
	for _, n := range d.Numbers {
		numbers = append(numbers, omgjort.NormalizeNumber(n))
	}
	numbers = omgjort.SortStrings(numbers)
	errs := make([]string, 0, len(d.Errors))
	for _, e := range d.Errors {
		errs = append(errs, string(e))
	}
	outcome := d.Outcome
	if outcome == "" {
		outcome = omgjort.OutcomeUkendt
	}
	// Every case's outcome, the roll-up first (the hit shows it): udfald:afvist finds a
	// decision whose second case was afvist, and the outcome facet counts it there too.
	outcomes := []string{string(outcome)}
	for _, c := range d.Cases {
		if o := string(c.Outcome); o != "" && !slices.Contains(outcomes, o) {
			outcomes = append(outcomes, o)
		}
	}
	summary := d.Holding
	text := d.Text()
	if summary == "" {
		summary = text
	}
	doc := map[string]interface{}{
		fTitle:       d.Title,
		fText:        text,
		fNumber:      d.Number,
		fNumbers:     numbers,
		fLaw:         d.Laws,
		fLawText:     d.Laws,
		fKeyword:     d.Keywords,
		fKeywordText: d.Keywords,
		fOutcome:     outcomes,
		fKritik:      yesNoTerm(d.Kritik),
		fUgyldig:     yesNoTerm(d.Ugyldig),
		fErrors:      errs,
		fStatus:      string(d.Status),
		fAuthority:   d.Authority,
		fParagraphs:  d.Paragraphs,
		fPubDate:     d.Published,
		fSummary:     truncate(summary, summaryLen),
		fIDStamp:     d.ID + "\x00" + d.Stamp(),
	}
	meta := make([]string, 0, 2+len(d.Laws)+len(d.Keywords))
	if d.Title != "" {
		meta = append(meta, d.Title)
	}
	meta = append(meta, d.Laws...)
	meta = append(meta, d.Keywords...)
	if d.Holding != "" && !strings.Contains(text, strings.TrimSpace(d.Holding)) {
		meta = append(meta, d.Holding)
	}
	doc[fMeta] = meta
	doc[fTextPairs] = text
	doc[fMetaPairs] = meta
	if d.Year > 0 {
		doc[fYearKey] = strconv.Itoa(d.Year)
	}
	fv := make([]string, 0, 4+len(d.Laws)+len(errs))
	addFacet := func(key string, vals ...string) {
		for _, v := range vals {
			if v != "" {
				fv = append(fv, key+"\x00"+v)
			}
		}
	}
	addFacet("law", d.Laws...)
	addFacet("outcome", outcomes...)
	addFacet("errors", errs...)
	if d.Year > 0 {
		addFacet("year", strconv.Itoa(d.Year))
	}
	addFacet("status", string(d.Status))
	addFacet("authority", d.Authority)
	addFacet("kritik", yesNoTerm(d.Kritik))
	addFacet("source", SourceValue(d))
	doc[fFacets] = fv
	if t, err := time.Parse(time.DateOnly, d.Published); err == nil {
		doc[fPublished] = t
	}
	paras := append([]string(nil), d.Paragraphs...)
	var cites []string
	for _, c := range d.Citations {
		switch c.Kind {
		case omgjort.CitationParagraph:
			// As written and normalised, so "§:forvaltningslovens 19" and
			// "§:forvaltningsloven 19" both find it.
			paras = append(paras, c.Text, strings.TrimSpace(c.Act+" "+c.Paragraph))
		case omgjort.CitationDecision:
			if n := omgjort.NormalizeNumber(c.Number); n != "" {
				cites = append(cites, n)
			}
		}
	}
	doc[fParagraphs] = paras
	var provs []string
	for _, p := range omgjort.ProvisionsOf(d) {
		// "act|" for §:aktivloven (any provision of the act), then the provision's keys.
		keys := p.Keys()
		if p.Act != "" {
			keys = append(keys, p.Act+"|")
		}
		for _, k := range keys {
			if !slices.Contains(provs, k) {
				provs = append(provs, k)
			}
		}
	}
	doc[fProvisions] = provs
	if _, err := time.Parse(time.DateOnly, d.Published); err == nil {
		doc[fDay] = d.Published
	}
	if _, err := time.Parse(time.DateOnly, d.Signed); err == nil {
		doc[fSignedDay] = d.Signed
	}
	doc[fCites] = omgjort.SortStrings(cites)
	date := d.Published
	if date == "" {
		date = d.Signed
	}
	quarter := omgjort.QuarterKey(date)
	var errQ, errL []string
	for _, e := range errs {
		if quarter != "" {
			errQ = append(errQ, e+"|"+quarter)
		}
		for _, l := range d.Laws {
			errL = append(errL, e+"|"+l)
		}
	}
	if quarter != "" {
		doc[fQuarter] = quarter
	}
	doc[fErrQuarter] = errQ
	doc[fErrLaw] = errL
	if d.ReplacedBy == "" && !d.IsOwn() {
		// Own decisions stay out of the published-decision statistics (and so out of /stats).
		doc[fCounted] = "1"
	}
	if d.IsOwn() {
		doc[fOwn] = "1"
	}
	return doc
}

func yesNoTerm(b bool) string {
	if b {
		return "ja"
	}
	return "nej"
}

// buildMapping is the static mapping of a decision document. Nothing goes into _all: the query
// builder names its fields, which keeps the index smaller (term vectors dominate its size).
func buildMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = danishAnalyzer
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	if err := im.AddCustomAnalyzer(plainAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		return nil, err
	}

	// text: analysed, with term vectors for phrases and highlighting, no doc values.
	text := func(analyzer string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	// kw: exact term; docValues for the facet and sort fields only.
	kw := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := kw(true, false)
		f.Index = false
		return f
	}

	dm := bleve.NewDocumentStaticMapping()
	add := func(name string, f *mapping.FieldMapping) { dm.AddFieldMappingsAt(name, f) }
	add(fTitle, text(danishAnalyzer, true))
	// fText and fMeta: "da", sharing the analysis with their pair fields (pairs.go).
	// Stored (snippets are cut from it) but without term vectors: phrases are matched by the
	// pair fields and snippets are found in the text itself (snippet.go), so no query reads
	// their positions.
	plainText := func(store bool) *mapping.FieldMapping {
		f := text(textAnalyzer, store)
		f.IncludeTermVectors = false
		return f
	}
	add(fText, plainText(true))
	add(fMeta, plainText(false))
	// pairs: not stored, no doc values; with positions, which only phrases of three words or
	// more read (phrase.go).
	pairs := text(pairAnalyzer, false)
	pairs.IncludeTermVectors = true
	add(fTextPairs, pairs)
	add(fMetaPairs, pairs)
	add(fLawText, text(danishAnalyzer, false))
	add(fKeywordText, text(danishAnalyzer, false))
	add(fParagraphs, text(plainAnalyzer, false))
	add(fNumber, kw(true, false))
	add(fNumbers, kw(false, false))
	// Doc values only where a facet or sort reads them: the search facets come from fFacets,
	// the statistics count fLaw, fQuarter, fErrQuarter and fErrLaw.
	add(fLaw, kw(true, true))
	add(fKeyword, kw(false, false))
	add(fOutcome, kw(true, false))
	add(fErrors, kw(true, false))
	add(fStatus, kw(true, false))
	add(fAuthority, kw(false, false))
	add(fYearKey, kw(false, false))
	add(fFacets, kw(false, true))
	add(fIDStamp, kw(false, false))
	add(fCites, kw(false, false))
	add(fQuarter, kw(false, true))
	add(fErrQuarter, kw(false, true))
	add(fErrLaw, kw(false, true))
	add(fCounted, kw(false, false))
	add(fOwn, kw(false, false))
	add(fProvisions, kw(false, false))
	add(fKritik, kw(false, false))
	add(fUgyldig, kw(false, false))
	add(fDay, kw(false, false))
	add(fSignedDay, kw(false, false))
	add(fPubDate, storedOnly())
	add(fSummary, storedOnly())

	pub := bleve.NewDateTimeFieldMapping()
	pub.Store = false
	pub.IncludeInAll = false
	pub.DocValues = true
	add(fPublished, pub)

	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// recoverTo turns a panic inside Bleve into an error, so one bad document or query cannot kill
// the process (nginx-ui#1769).
func recoverTo(err *error, op string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("index: %s: bleve panicked: %v", op, r)
	}
}

// The values of the "source" facet and filter: the municipality's own decisions (Egne) or
// Ankestyrelsen's published ones (Offentliggjorte). Searches without IncludeOwn never count
// or find "egne", so the facet shows only to those who may read own decisions.
const (
	SourceOwnValue       = "egne"
	SourcePublishedValue = "offentliggjorte"
)

// SourceValue is d's "source" facet value.
func SourceValue(d *omgjort.Decision) string {
	if d.IsOwn() {
		return SourceOwnValue
	}
	return SourcePublishedValue
}
