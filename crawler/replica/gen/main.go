// Command gen writes the embedded demo site of package replica: it replaces the contents of
// the output directory (default "site", relative to the package directory where
// `go generate` runs it) with the files of sitegen.Generate.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"

	"omgjort/crawler/replica/internal/sitegen"
)

func main() {
	out := flag.String("out", "site", "directory to write the site into (its contents are replaced)")
	flag.Parse()
	if err := run(*out); err != nil {
		slog.Error("replica gen failed", "err", err)
		os.Exit(1)
	}
}

func run(out string) error {
	files, err := sitegen.Generate()
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return fmt.Errorf("gen: clear %s: %w", out, err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("gen: mkdir for %s: %w", path, err)
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return fmt.Errorf("gen: write %s: %w", path, err)
		}
	}
	slog.Info("replica site written", "dir", out, "files", len(names))
	return nil
}
