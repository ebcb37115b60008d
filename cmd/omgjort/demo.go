package main

import (
	"context"
	"fmt"
	"os"
	"time"

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
	own, err := a.addDemoOwn()    // made-up own decisions, readable only after signing in (demo_own.go)
	if err != nil {
		return err
	}
	pw, err := a.demoAdmin(env.log)
	if err != nil {
		return err
	}
	n, _ := a.db.Count()
	fmt.Fprintf(env.stdout, "%d decisions stored, classified and indexed in %s (%d of them made-up own decisions of the municipality)\n\n"+
		"Omgjort is running at http://%s/  (Ctrl+C stops it)\n"+
		"Sign in at http://%s/signin as user \"demo\" (administrator) with the one-time password: %s\n", n, dir, own, *addr, *addr, pw)
	return a.serve(ctx, env, *addr)
}
