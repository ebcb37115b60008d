package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"omgjort"
	"omgjort/officialstats"
	"omgjort/store"
)

// runStats is `omgjort stats import`: Ankestyrelsen's published statistics in. While `serve`
// holds the data directory, the same import is the upload on /stats (POST /admin/stats/import).
func runStats(ctx context.Context, env *environ, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(env.stdout, "Usage: omgjort stats import [--data DIR] [--kommune NAME] FILE")
			return nil
		}
		return fmt.Errorf("%w: want `omgjort stats import [--data DIR] [--kommune NAME] FILE`", errUsage)
	}
	fs := newFlags(env, "stats import", "stats import [--data DIR] [--kommune NAME] FILE")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	kommune := fs.String("kommune", "", `our municipality, e.g. "Aarhus" (needed at the first import; remembered after)`)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give exactly one file (Talportal CSV export or ANKEAST table)", errUsage)
	}
	path := fs.Arg(0)
	body, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read statistics file: %w", err)
	}
	db, err := store.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	imp, err := officialstats.New(db).Import(ctx, filepath.Base(path), body, *kommune)
	var ie *omgjort.ImportError
	if errors.As(err, &ie) {
		return fmt.Errorf("%s: %w (intet er importeret)", filepath.Base(path), err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Importeret %s: %s, %d rækker, %d kommuner, perioder %s.\n", imp.File, imp.Format, imp.Rows, imp.Municipalities, strings.Join(imp.Periods, ", "))
	if len(imp.Replaced) > 0 {
		fmt.Fprintf(env.stdout, "Erstatter %d tidligere import(er) af de samme perioder.\n", len(imp.Replaced))
	}
	return nil
}
