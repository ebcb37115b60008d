package main

import (
	"context"
	"fmt"
	"time"
)

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
