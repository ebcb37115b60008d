package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
)

// genBatch is how many decisions gen --load stores and indexes at a time.
const genBatch = 500

func runGen(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "gen", "gen --n N [--out FILE] [--load --data DIR]")
	n := fs.Int("n", 0, "number of synthetic decisions to generate (required)")
	out := fs.String("out", "", "write the corpus as JSON Lines to this file (\"-\" or empty: standard output, unless --load)")
	load := fs.Bool("load", false, "load the corpus into the data directory: classify, store and index every decision")
	data := fs.String("data", defaultData, "data directory for --load (bbolt store and search index)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n <= 0 {
		return fmt.Errorf("%w: --n must be a positive number of decisions", errUsage)
	}
	var w io.Writer
	switch {
	case *out != "" && *out != "-":
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		defer f.Close()
		bw := bufio.NewWriterSize(f, 1<<20)
		defer bw.Flush()
		w = bw
	case !*load:
		bw := bufio.NewWriterSize(env.stdout, 1<<20)
		defer bw.Flush()
		w = bw
	}
	var l *loader
	if *load {
		a, err := openApp(*data, env.log)
		if err != nil {
			return err
		}
		defer a.Close()
		l = &loader{a: a}
	}
	start := time.Now()
	enc := json.NewEncoder(io.Discard)
	if w != nil {
		enc = json.NewEncoder(w)
	}
	err := synthesize(ctx, *n, func(d *omgjort.Decision) error {
		if w != nil {
			if err := enc.Encode(d); err != nil {
				return fmt.Errorf("gen: write %s: %w", d.ID, err)
			}
		}
		if l != nil {
			return l.add(d)
		}
		return nil
	})
	if err == nil && l != nil {
		err = l.flush()
	}
	if err != nil {
		return err
	}
	if l != nil {
		total := time.Since(start)
		fmt.Fprintf(env.stdout, "indlæst %d syntetiske afgørelser i %s (%.0f pr. sekund)\n", *n, total.Round(time.Millisecond), float64(*n)/total.Seconds())
		fmt.Fprintf(env.stdout, "  klassificering: %s, lager: %s, indeks: %s (%.0f pr. sekund)\n",
			l.classify.Round(time.Millisecond), l.store.Round(time.Millisecond), l.index.Round(time.Millisecond),
			float64(*n)/l.index.Seconds())
	}
	return nil
}

// synthesize builds decisions 0..n-1 from the replica's synthetic pages through the real parser,
// on all cores, and hands them to fn in order, so the output is the same on every run.
func synthesize(ctx context.Context, n int, fn func(*omgjort.Decision) error) error {
	type result struct {
		d   *omgjort.Decision
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	futures := make(chan chan result, 256) // in order; bounds the decisions in flight
	go func() {
		defer close(futures)
		for i := 0; i < n; i++ {
			c := make(chan result, 1)
			select {
			case futures <- c:
			case <-ctx.Done():
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				c <- result{err: ctx.Err()} // never leave a queued future unanswered
				return
			}
			go func() {
				defer func() { <-sem }()
				d, err := synthDecision(i)
				c <- result{d, err}
			}()
		}
	}()
	for c := range futures {
		r := <-c
		if r.err == nil {
			r.err = ctx.Err()
		}
		if r.err == nil {
			r.err = fn(r.d)
		}
		if r.err != nil {
			cancel()
			for range futures { // let the producer stop
			}
			return r.err
		}
	}
	return ctx.Err()
}

// synthDecision parses synthetic page i with the crawler's parser, as a crawl would.
func synthDecision(i int) (*omgjort.Decision, error) {
	url, body, err := replica.SyntheticPage(i)
	if err != nil {
		return nil, err
	}
	d, err := crawler.ParseDetail(url, body)
	if err != nil {
		return nil, fmt.Errorf("gen: parse synthetic page %d: %w", i, err)
	}
	if t, err := time.Parse(time.DateOnly, d.Published); err == nil {
		d.FetchedAt = t.UTC()
	}
	return d, nil
}

// loader puts generated decisions through the pipeline (classifier and citations, store, index)
// in batches, timing each stage.
type loader struct {
	a                      *app
	buf                    []*omgjort.Decision
	classify, store, index time.Duration
}

func (l *loader) add(d *omgjort.Decision) error {
	l.buf = append(l.buf, d)
	if len(l.buf) >= genBatch {
		return l.flush()
	}
	return nil
}

func (l *loader) flush() error {
	if len(l.buf) == 0 {
		return nil
	}
	t := time.Now()
	for _, d := range l.buf {
		l.a.Enrich(d)
	}
	l.classify += time.Since(t)
	t = time.Now()
	if _, err := l.a.db.PutDecisions(l.buf); err != nil {
		return fmt.Errorf("gen: store: %w", err)
	}
	l.store += time.Since(t)
	t = time.Now()
	if err := l.a.Index().Put(l.buf...); err != nil {
		return fmt.Errorf("gen: index: %w", err)
	}
	l.index += time.Since(t)
	l.buf = l.buf[:0]
	return nil
}
