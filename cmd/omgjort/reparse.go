package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/store"
)

// reparseJob is the CrawlRun.Job of a reparse, so the status page shows it with the crawls.
const reparseJob = "reparse"

// reparseResult counts what a reparse did.
type reparseResult struct {
	pages, rebuilt, changed, unchanged, failed, skipped int
}

func runReparse(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "reparse", "reparse [--data DIR]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	var res reparseResult
	run, err := a.recordRun(reparseJob, "archive", func() (omgjort.CrawlRun, error) {
		var rerr error
		res, rerr = a.reparse(ctx)
		r := omgjort.CrawlRun{Job: reparseJob, Source: "archive", Fetched: res.pages, Changed: res.changed,
			Unchanged: res.unchanged, ParseFailed: res.failed, Skipped: res.skipped}
		if res.pages > 0 && res.failed*5 > res.pages {
			r.Result = omgjort.RunFailed
			r.Error = fmt.Sprintf("%d of %d archived pages did not parse (more than 20 %%)", res.failed, res.pages)
		}
		return r, rerr
	})
	fmt.Fprintf(env.stdout, "reparse: %d sider læst fra arkivet uden netværk; %d afgørelser genopbygget (%d ændret, %d uændret), %d kunne ikke læses, %d sprunget over\n",
		res.pages, res.rebuilt, res.changed, res.unchanged, res.failed, res.skipped)
	for _, e := range run.Errors {
		fmt.Fprintf(env.stdout, "  %s: %s\n", e.URL, e.Reason)
	}
	if err != nil {
		return err
	}
	if run.Result == omgjort.RunFailed {
		return fmt.Errorf("reparse failed: %s", run.Error)
	}
	return nil
}

// reparse rebuilds every parsed record from the newest archived fetch of each URL, with the
// current parsers, classifier and family/merge rules, without the network. A page that does
// not parse leaves the stored decision alone.
func (a *app) reparse(ctx context.Context) (reparseResult, error) {
	var res reparseResult
	var urls []string
	if err := a.db.ForEachLatestRaw(func(p *store.ArchivedPage) error {
		urls = append(urls, p.URL)
		return nil
	}); err != nil {
		return res, err
	}
	// ast.dk pages first, so a retsinformation copy merges into the ast.dk record.
	var ordered []string
	for _, pass := range []bool{false, true} {
		for _, u := range urls {
			if isRetsinfoURL(u) == pass {
				ordered = append(ordered, u)
			}
		}
	}
	for _, u := range ordered {
		if ctx.Err() != nil {
			return res, fmt.Errorf("reparse: %w", ctx.Err())
		}
		versions, err := a.db.RawVersions(u)
		if err != nil {
			return res, err
		}
		if len(versions) == 0 {
			continue
		}
		p := versions[len(versions)-1]
		res.pages++
		if p.Status != 0 && p.Status != 200 {
			res.skipped++
			continue
		}
		var d *omgjort.Decision
		if isRetsinfoURL(u) {
			d, err = crawler.ParseRetsinfo(u, p.Body)
		} else {
			d, err = crawler.ParsePage(u, p.ContentType, p.Body)
		}
		if errors.Is(err, crawler.ErrNotOurs) {
			res.skipped++
			continue
		}
		if err != nil {
			res.failed++
			a.log.Warn("archived page does not parse", "url", u, "err", err)
			continue
		}
		d.FetchedAt = p.FetchedAt
		st, known, err := a.db.PageState(u)
		if err != nil {
			return res, err
		}
		var page *omgjort.PageState
		if known && st.Failures > 0 && strings.HasPrefix(st.LastError, "parse:") {
			// The fix made a page that failed to parse usable: it is no longer failing.
			st.ETag, st.LastModified, st.Hash, st.FetchedAt = p.ETag, p.LastModified, p.Hash, p.FetchedAt
			st.Failures, st.LastError, st.NextAttempt = 0, "", time.Time{}
			page = &st
		}
		ch, err := a.Save(d, nil, nil, page)
		if err != nil {
			return res, err
		}
		res.rebuilt++
		switch ch {
		case store.New, store.Changed, store.Relabelled:
			res.changed++
		default:
			res.unchanged++
		}
	}
	return res, nil
}

// isRetsinfoURL tells a retsinformation.dk document from an ast.dk page in the archive.
func isRetsinfoURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && strings.HasSuffix(strings.ToLower(p.Hostname()), "retsinformation.dk")
}
