package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"omgjort/store"
)

// runRestore restores a backup into a new data directory and rebuilds the search index there.
// It never overwrites a data directory that holds a store: restoring is a deliberate switch to
// a new directory, and the old one stays as it was.
func runRestore(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "restore", "restore FILE --data NEWDIR [--keys DATA/omgjort.keys]")
	data := fs.String("data", "", "the new data directory to restore into (must not hold a store)")
	keys := fs.String("keys", "", "the keys file of own decisions to restore with (backups do not hold it; without it the backup's own decisions stay unreadable)")
	// Accept the file before or after the flags.
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		return fmt.Errorf("%w: want exactly one backup FILE", errUsage)
	}
	if *data == "" {
		return fmt.Errorf("%w: --data NEWDIR is required", errUsage)
	}
	target := filepath.Join(*data, store.FileName)
	if _, err := os.Stat(target); err == nil {
		return fmt.Errorf("%s already holds a store; restore into a new directory", *data)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(*data, 0o750); err != nil {
		return err
	}
	start := time.Now()
	if err := copyFile(file, target); err != nil {
		return fmt.Errorf("restore %s: %w", file, err)
	}
	if *keys != "" {
		if err := copyFile(*keys, filepath.Join(*data, store.KeysFileName)); err != nil {
			os.Remove(target)
			return fmt.Errorf("restore %s: keys: %w", file, err)
		}
	}
	// Opening the app checks the file is a store of this program and builds the index,
	// which a new directory does not have yet.
	a, err := openApp(*data, env.log)
	if err != nil {
		os.Remove(target)
		return fmt.Errorf("restore %s: not a usable Omgjort backup: %w", file, err)
	}
	defer a.Close()
	n, err := a.reindex()
	if err != nil {
		return err
	}
	runs, _ := a.db.Runs(1)
	last := "ingen kørsler"
	if len(runs) > 0 {
		last = runs[0].Started.Local().Format("2006-01-02 15:04")
	}
	fmt.Fprintf(env.stdout, "Gendannet %s til %s: %d afgørelser, søgeindekset er bygget igen (%s). Seneste kørsel i kopien: %s.\nStart med: omgjort serve --data %s\n",
		file, *data, n, time.Since(start).Round(time.Millisecond), last, *data)
	return nil
}

// copyFile copies src to dst and syncs it; dst must not exist.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}
