package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
)

func runDemo(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "demo", "demo [--addr HOST:PORT] [--data DIR]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve the search site on")
	data := fs.String("data", "", "data directory (default: a fresh temporary directory, removed on exit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The port first: a busy port found after a minute of crawling wastes the minute.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (is another omgjort demo or serve running there?); choose another address with --addr 127.0.0.1:8081: %w", *addr, err)
	}
	defer ln.Close()
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
	run, err := a.crawl(ctx, crawler.Config{BaseURL: baseURL, Contact: "demo", Delay: crawler.NoDelay, Timeout: 10 * time.Second})
	printRun(env, run)
	if err != nil {
		return err
	}
	a.importDemoLetters(ctx, env) // made-up own letters through the importer (demo_import.go)
	// Two more made-up own decisions, so there are own decisions even where the importer's
	// PDF tools are missing (demo_own.go); readable only after signing in.
	if _, err := a.addDemoOwn(); err != nil {
		return err
	}
	own := 0
	if err := a.db.ForEach(func(d *omgjort.Decision) error {
		if d.IsOwn() {
			own++
		}
		return nil
	}); err != nil {
		return err
	}
	pw, err := a.demoAdmin(env.log)
	if err != nil {
		return err
	}
	n, _ := a.db.Count()
	site2 := "http://" + ln.Addr().String()
	if err := a.demoSavedSearch(site2); err != nil {
		return err
	}
	// The digest of this week, as the Monday job would make it, so the demo shows one.
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		return err
	}
	week := omgjort.WeekOf(time.Now().In(loc))
	d, err := a.makeDigest(week, nil, site2)
	if err != nil {
		return err
	}
	if err := a.db.PutDigest(d); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d decisions stored, classified and indexed in %s (%d of them made-up own decisions of the municipality)\n"+
		"Digest of week %d: %s/digests/%s (%s)\n\n"+
		"Omgjort is running at %s/  (Ctrl+C stops it)\n"+
		"Sign in at %s/signin as user \"demo\" (administrator) with the one-time password: %s\n"+
		"The demo user has a saved search: %s/gemte-soegninger\n",
		n, dir, own, week.Num, site2, week, d.Summary(), site2, site2, pw, site2)
	return a.serveWith(ctx, serveOptions{addr: *addr, listener: ln})
}
