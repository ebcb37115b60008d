package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"omgjort/jobs"
	"omgjort/store"
)

// runBackup writes one hot backup with rotation. While `serve` holds the data directory, use
// its scheduled backup job or POST /admin/run/backup instead: only one process may open it.
func runBackup(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "backup", "backup [--data DIR] [--backup-dir DIR] [--backup-keep N]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	dir := fs.String("backup-dir", "", "folder for backups (default DATA/backups)")
	keep := fs.Int("backup-keep", 14, "number of backups kept; older ones are deleted")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		*dir = filepath.Join(*data, "backups")
	}
	db, err := store.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	path, n, err := jobs.Backup(db, *dir, *keep, start)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Sikkerhedskopi skrevet: %s (%d bytes, %s). De %d nyeste gemmes.\n", path, n, time.Since(start).Round(time.Millisecond), *keep)
	return nil
}
