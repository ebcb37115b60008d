package main

import (
	"context"
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
}

func (c *crawlFlags) register(fs interface {
	StringVar(*string, string, string, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&c.baseURL, "base-url", "https://www.ast.dk", "root of the ast.dk site; sitemap URLs on www.ast.dk are re-rooted onto it")
	fs.StringVar(&c.contact, "contact", "", "contact (URL or e-mail) for the User-Agent, so the site can reach the operator")
	fs.DurationVar(&c.delay, "delay", 2*time.Second, "pause between requests to the site (robots.txt Crawl-delay wins when longer)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "timeout per request")
	fs.BoolVar(&c.full, "full", false, "fetch every page again, ignoring what is stored")
}

func (c *crawlFlags) config() crawler.Config {
	return crawler.Config{BaseURL: c.baseURL, Contact: c.contact, Delay: c.delay, Timeout: c.timeout, Full: c.full}
}

func runCrawl(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "crawl", "crawl [--data DIR] [--base-url URL] [--full]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	var cf crawlFlags
	cf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	run, err := a.crawl(ctx, cf.config())
	printRun(env, run)
	if err != nil {
		return err
	}
	if run.Result == omgjort.RunFailed {
		return fmt.Errorf("crawl failed: %s", run.Error)
	}
	return nil
}

func printRun(env *environ, r omgjort.CrawlRun) {
	fmt.Fprintf(env.stdout, "crawl %s: %d requests, %d decision pages found, %d fetched, %d not modified, %d skipped; %d new, %d changed, %d unchanged, %d parse failures, %d fetch failures (%s)\n",
		r.Result, r.Requests, r.Discovered, r.Fetched, r.NotModified, r.Skipped, r.New, r.Changed, r.Unchanged, r.ParseFailed, r.FetchFailed, r.Ended.Sub(r.Started).Round(time.Millisecond))
	if r.Error != "" {
		fmt.Fprintf(env.stdout, "  error: %s\n", r.Error)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(env.stdout, "  %s: %s\n", e.URL, e.Reason)
	}
}
