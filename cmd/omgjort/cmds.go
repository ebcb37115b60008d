package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
	"omgjort/server"
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

func runServe(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "serve", "serve [--data DIR] [--addr HOST:PORT]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.serve(ctx, env, *addr)
}

func (a *app) serve(ctx context.Context, env *environ, addr string) error {
	srv, err := server.New(server.Config{Addr: addr, Logger: a.log}, a.idx, a.db)
	if err != nil {
		return err
	}
	a.log.Info("serving", "url", "http://"+addr+"/")
	return srv.ListenAndServe(ctx)
}

func runReindex(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "reindex", "reindex [--data DIR]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	n, err := a.reindex()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "reindexed %d decisions in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// exportCase and exportRecord are the export contract of architecture.md.
type exportCase struct {
	ID      string              `json:"id"`
	Outcome omgjort.Outcome     `json:"outcome"`
	Kritik  bool                `json:"kritik"`
	Ugyldig bool                `json:"ugyldig"`
	Errors  []omgjort.ErrorType `json:"errors"`
	Text    string              `json:"text"`
}

type exportRecord struct {
	ID         string              `json:"id"`
	Number     string              `json:"number"`
	Numbers    []string            `json:"numbers"`
	Title      string              `json:"title"`
	URL        string              `json:"url"`
	Status     omgjort.Status      `json:"status"`
	Published  string              `json:"published"`
	Signed     string              `json:"signed"`
	Year       int                 `json:"year"`
	Journal    string              `json:"journal"`
	Laws       []string            `json:"laws"`
	Keywords   []string            `json:"keywords"`
	Paragraphs []string            `json:"paragraphs"`
	Authority  string              `json:"authority"`
	Outcome    omgjort.Outcome     `json:"outcome"`
	Mixed      bool                `json:"mixed"`
	Kritik     bool                `json:"kritik"`
	Ugyldig    bool                `json:"ugyldig"`
	Errors     []omgjort.ErrorType `json:"errors"`
	Version    int                 `json:"version"`
	Rules      string              `json:"rules_version"`
	Cases      []exportCase        `json:"cases"`
}

func newExportRecord(d *omgjort.Decision) exportRecord {
	r := exportRecord{ID: d.ID, Number: d.Number, Numbers: nonNil(d.Numbers), Title: d.Title, URL: d.URL,
		Status: d.Status, Published: d.Published, Signed: d.Signed, Year: d.Year, Journal: d.Journal,
		Laws: nonNil(d.Laws), Keywords: nonNil(d.Keywords), Paragraphs: nonNil(d.Paragraphs),
		Authority: d.Authority, Outcome: d.Outcome, Mixed: d.Mixed, Kritik: d.Kritik, Ugyldig: d.Ugyldig,
		Errors: d.Errors, Version: d.Version, Rules: d.RulesVersion, Cases: []exportCase{}}
	if r.Errors == nil {
		r.Errors = []omgjort.ErrorType{}
	}
	for i := range d.Cases {
		c := &d.Cases[i]
		r.Cases = append(r.Cases, exportCase{ID: c.ID, Outcome: c.Outcome, Kritik: c.Kritik, Ugyldig: c.Ugyldig,
			Errors: c.ErrorSlugs(), Text: c.Text})
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func runExport(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "export", "export [--data DIR] [--format jsonl|csv]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	format := fs.String("format", "jsonl", "output format: jsonl (one decision per line) or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return fmt.Errorf("%w: --format must be jsonl or csv, not %q", errUsage, *format)
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	w := bufio.NewWriter(env.stdout)
	defer w.Flush()
	if *format == "jsonl" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return a.db.ForEach(func(d *omgjort.Decision) error { return enc.Encode(newExportRecord(d)) })
	}
	cw := csv.NewWriter(w)
	w.WriteString("\ufeff") // so Excel reads the Danish letters as UTF-8
	cw.Write([]string{"id", "number", "numbers", "title", "url", "status", "published", "signed", "journal",
		"laws", "keywords", "paragraphs", "authority", "outcome", "mixed", "kritik", "ugyldig", "errors", "cases"})
	err = a.db.ForEach(func(d *omgjort.Decision) error {
		r := newExportRecord(d)
		var cases []string
		for _, c := range r.Cases {
			cases = append(cases, c.ID+":"+string(c.Outcome))
		}
		var errs []string
		for _, e := range r.Errors {
			errs = append(errs, string(e))
		}
		return cw.Write([]string{r.ID, r.Number, strings.Join(r.Numbers, "; "), r.Title, r.URL, string(r.Status),
			r.Published, r.Signed, r.Journal, strings.Join(r.Laws, "; "), strings.Join(r.Keywords, "; "),
			strings.Join(r.Paragraphs, "; "), r.Authority, string(r.Outcome), fmt.Sprint(r.Mixed),
			fmt.Sprint(r.Kritik), fmt.Sprint(r.Ugyldig), strings.Join(errs, "; "), strings.Join(cases, "; ")})
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

func runDemo(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "demo", "demo [--addr HOST:PORT] [--data DIR]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve the search site on")
	data := fs.String("data", "", "data directory (default: a fresh temporary directory, removed on exit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir := *data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "omgjort-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	site, baseURL, err := replica.Start("127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start replica site: %w", err)
	}
	defer site.Close()
	fmt.Fprintf(env.stdout, "Replica of ast.dk running at %s\n", baseURL)

	a, err := openApp(dir, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	run, err := a.crawl(ctx, crawler.Config{BaseURL: baseURL, Contact: "demo", Timeout: 10 * time.Second})
	printRun(env, run)
	if err != nil {
		return err
	}
	n, _ := a.db.Count()
	fmt.Fprintf(env.stdout, "%d decisions stored, classified and indexed in %s\n\nOmgjort is running at http://%s/  (Ctrl+C stops it)\n", n, dir, *addr)
	return a.serve(ctx, env, *addr)
}
