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
	start := time.Now()
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	var n int
	if a.builtOnOpen {
		// Opening already rebuilt a missing or outdated index from the whole store.
		c, err := a.Index().Count()
		if err != nil {
			return err
		}
		n = int(c)
	} else if n, err = a.reindex(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "reindexed %d decisions in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
