package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"omgjort/store"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestStatsImportCommand(t *testing.T) {
	dir := t.TempDir()
	fixture := func(name string) string { return filepath.Join("..", "..", "officialstats", "testdata", name) }
	code, out, errs := runCmd("stats", "import", "--data", dir, "--kommune", "Århus", fixture("talportal_2022_2023.csv"))
	if code != 0 || !strings.Contains(out, "128 rækker, 16 kommuner, perioder 2022, 2023") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, _, errs = runCmd("stats", "import", "--data", dir, fixture("talportal_forkert_raekke.csv"))
	if code != 1 || !strings.Contains(errs, "linje 9") || !strings.Contains(errs, "intet er importeret") {
		t.Errorf("malformed: %d %q", code, errs)
	}
	code, _, errs = runCmd("stats", "import", "--data", dir, "--kommune", "Gotham", fixture("talportal_2022_2023.csv"))
	if code != 1 || !strings.Contains(errs, "Gotham") {
		t.Errorf("wrong municipality: %d %q", code, errs)
	}
	code, out, errs = runCmd("stats", "import", "--data", dir, fixture("talportal_2022_2023_revideret.csv"))
	if code != 0 || !strings.Contains(out, "Erstatter 1 tidligere import") {
		t.Errorf("revision: %d %q %q", code, out, errs)
	}

	// While another process (here: another handle) holds the data directory, the command names
	// the admin route that does the same.
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	code, _, errs = runCmd("stats", "import", "--data", dir, fixture("talportal_2022_2023.csv"))
	if code != 1 || !strings.Contains(errs, "POST /admin/stats/import") {
		t.Errorf("locked: %d %q", code, errs)
	}
}

func TestLockedHintNamesTheAdminRoute(t *testing.T) {
	locked := fmt.Errorf("store: open x: %w", store.ErrLocked)
	for _, c := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"crawl", nil, "POST /admin/run/crawl-astdk"},
		{"crawl", []string{"--source", "retsinformation"}, "POST /admin/run/crawl-retsinformation"},
		{"digest", []string{"--send"}, "POST /admin/run/digest"},
		{"backup", nil, "POST /admin/run/backup"},
		{"reindex", nil, "Stop serveren"},
	} {
		if got := lockedHint(locked, c.cmd, c.args); !strings.Contains(got, c.want) {
			t.Errorf("%s %v: %q, want %q", c.cmd, c.args, got, c.want)
		}
	}
	if lockedHint(fmt.Errorf("other"), "crawl", nil) != "" {
		t.Error("a hint for an error that is not the lock")
	}
}
