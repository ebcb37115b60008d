package ingest

import (
	"context"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/store"
)

// Sink is the crawlers' way into the pipeline: page state for incremental crawling, and each
// fetched page saved through Pipeline.Save.
func (p *Pipeline) Sink() crawler.Sink { return &sink{p: p} }

type sink struct{ p *Pipeline }

func (s *sink) PageState(url string) (omgjort.PageState, bool, error) { return s.p.db.PageState(url) }

func (s *sink) Save(_ context.Context, f *crawler.Fetched) (crawler.Change, error) {
	p := s.p
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	st, _, err := p.db.PageState(f.Raw.URL)
	if err != nil {
		return crawler.ChangeNone, err
	}
	st.URL = f.Raw.URL
	if f.Decision == nil || f.ParseErr != nil {
		// Keep the body for a later reparse, but never touch the stored decision, and keep the
		// old lastmod/ETag so the page is fetched again next run (the crawler calls Fail next).
		_, err := p.db.SaveSet(store.Save{Raw: &f.Raw, Header: f.Header})
		return crawler.ChangeNone, err
	}
	st.Lastmod, st.ETag, st.LastModified = f.Lastmod, f.Raw.ETag, f.Raw.LastModified
	st.Hash, st.FetchedAt = f.Raw.Hash, f.Raw.FetchedAt
	st.Failures, st.LastError, st.NextAttempt = 0, "", time.Time{}
	f.Decision.FetchedAt = f.Raw.FetchedAt
	ch, err := p.save(f.Decision, &f.Raw, f.Header, &st)
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
	old, ok, err := s.p.db.PageState(url)
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
	return s.p.db.PutPageState(st)
}

func (s *sink) Fail(_ context.Context, url string, reason string) error {
	st, _, err := s.p.db.PageState(url)
	if err != nil {
		return err
	}
	st.URL = url
	st.Failures++
	st.LastError = reason
	// Try again on later runs at growing intervals, never give up for good.
	st.NextAttempt = crawler.RetryAt(st.Failures, time.Now())
	return s.p.db.PutPageState(st)
}

// Removed records that a source took a document down; the decision itself is kept (ast.dk
// may still publish it, and nothing stored is ever lost).
func (s *sink) Removed(_ context.Context, url string, reason string) error {
	st, _, err := s.p.db.PageState(url)
	if err != nil {
		return err
	}
	st.URL = url
	st.LastError = reason
	return s.p.db.PutPageState(st)
}
