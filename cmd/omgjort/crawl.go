package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"omgjort"
	"omgjort/crawler"
)

const defaultData = "./data"

// crawlFlags are the flags of every command that crawls.
type crawlFlags struct {
	baseURL, contact string
	delay, timeout   time.Duration
	full             bool
	since            string
	retsinfoAPI      string
	retsinfoSite     string
	retsinfoFeedWait time.Duration
	source           string
}

func (c *crawlFlags) register(fs interface {
	StringVar(*string, string, string, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&c.baseURL, "base-url", "https://www.ast.dk", "root of the ast.dk site; sitemap URLs on www.ast.dk are re-rooted onto it")
	fs.StringVar(&c.contact, "contact", "", "contact (URL or e-mail) for the User-Agent, so the site can reach the operator")
	fs.DurationVar(&c.delay, "delay", crawler.ProductionDelay, "pause between requests to one host (0: none, only for a local replica; robots.txt Crawl-delay wins when longer)")
	fs.DurationVar(&c.timeout, "timeout", crawler.DefaultTimeout, "timeout per request")
	fs.BoolVar(&c.full, "full", false, "fetch every page again, ignoring what is stored")
	fs.StringVar(&c.since, "since", "", "backfill: fetch in full every page changed on or after this day (YYYY-MM-DD)")
	fs.StringVar(&c.source, "source", "astdk", "what to crawl: astdk, retsinformation or all")
	fs.StringVar(&c.retsinfoAPI, "retsinfo-api-url", crawler.DefaultRetsinfoAPIURL, "root of retsinformation's harvest API (the change feed)")
	fs.StringVar(&c.retsinfoSite, "retsinfo-url", crawler.DefaultRetsinfoSiteURL, "root of retsinformation.dk, where the documents' XML is fetched")
	fs.DurationVar(&c.retsinfoFeedWait, "retsinfo-feed-interval", crawler.FeedInterval, "least time between two calls of the change feed (the API allows one per 10 s)")
}

func (c *crawlFlags) check() error {
	if c.since != "" {
		if _, err := time.Parse("2006-01-02", c.since); err != nil {
			return fmt.Errorf("%w: --since %q: want YYYY-MM-DD", errUsage, c.since)
		}
	}
	switch c.source {
	case "astdk", "retsinformation", "all":
	default:
		return fmt.Errorf("%w: --source %q: want astdk, retsinformation or all", errUsage, c.source)
	}
	return nil
}

// wire turns an explicit 0 on the command line into "no pause", which the crawler's zero
// value does not mean (it means the polite default).
func wire(d time.Duration) time.Duration {
	if d <= 0 {
		return crawler.NoDelay
	}
	return d
}

func (c *crawlFlags) config() crawler.Config {
	return crawler.Config{BaseURL: c.baseURL, Contact: c.contact, Delay: wire(c.delay), Timeout: c.timeout, Full: c.full, Since: c.since}
}

func (c *crawlFlags) retsinfoConfig() crawler.RetsinfoConfig {
	return crawler.RetsinfoConfig{APIURL: c.retsinfoAPI, SiteURL: c.retsinfoSite, Contact: c.contact, Delay: wire(c.delay),
		FeedInterval: wire(c.retsinfoFeedWait), Timeout: c.timeout, Full: c.full, Since: c.since}
}

func runCrawl(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "crawl", "crawl [--data DIR] [--source astdk|retsinformation|all] [--base-url URL] [--full] [--since YYYY-MM-DD]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	var cf crawlFlags
	cf.register(fs)
	var rules rulesFlag
	rules.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cf.check(); err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := rules.apply(a); err != nil {
		return err
	}
	var errs []error
	if cf.source == "astdk" || cf.source == "all" {
		run, err := a.crawl(ctx, cf.config())
		printRun(env, run)
		errs = append(errs, runErr(run, err))
	}
	if cf.source == "retsinformation" || cf.source == "all" {
		run, err := a.crawlRetsinfo(ctx, cf.retsinfoConfig())
		printRun(env, run)
		errs = append(errs, runErr(run, err))
	}
	return errors.Join(errs...)
}

func runErr(run omgjort.CrawlRun, err error) error {
	if err != nil {
		return err
	}
	if run.Result == omgjort.RunFailed {
		return fmt.Errorf("%s failed: %s", run.Job, run.Error)
	}
	return nil
}

// printRun prints a run's summary for the operator, in Danish.
func printRun(env *environ, r omgjort.CrawlRun) {
	result := "gennemført"
	if r.Result == omgjort.RunFailed {
		result = "FEJLET"
	}
	fmt.Fprintf(env.stdout, "%s %s: %d forespørgsler, %d afgørelsessider fundet, %d hentet, %d uændrede (304), %d sprunget over; %d nye, %d ændrede, %d uændrede, %d kunne ikke læses, %d kunne ikke hentes (%s)\n",
		r.Job, result, r.Requests, r.Discovered, r.Fetched, r.NotModified, r.Skipped, r.New, r.Changed, r.Unchanged, r.ParseFailed, r.FetchFailed, r.Ended.Sub(r.Started).Round(time.Millisecond))
	if r.Error != "" {
		fmt.Fprintf(env.stdout, "  fejl: %s\n", r.Error)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(env.stdout, "  %s: %s\n", e.URL, e.Reason)
	}
}
