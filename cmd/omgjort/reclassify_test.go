package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"omgjort"
	"omgjort/classify"
	"omgjort/crawler/replica"
	"omgjort/index"
)

// exportLabels runs `omgjort export` and returns each decision's error roll-up and rules version.
func exportLabels(t *testing.T, dir string) (map[string][]string, map[string]string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "--data", dir, "--format", "jsonl"}, &out, &errb); code != 0 {
		t.Fatalf("export exit %d: %s", code, errb.String())
	}
	errs, rules := map[string][]string{}, map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m struct {
			ID     string   `json:"id"`
			Errors []string `json:"errors"`
			Rules  string   `json:"rules_version"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		errs[m.ID], rules[m.ID] = m.Errors, m.Rules
	}
	return errs, rules
}

// TestReclassifyWithNewRules crawls the replica, then re-labels everything with a rules file
// that sets no error types, and back: the store (export) and the index follow each time.
func TestReclassifyWithNewRules(t *testing.T) {
	site := httptest.NewServer(replica.Handler())
	defer site.Close()
	dir := t.TempDir()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"crawl", "--data", dir, "--base-url", site.URL, "--delay", "0"}, &out, &errb); code != 0 {
		t.Fatalf("crawl exit %d: %s %s", code, out.String(), errb.String())
	}
	builtin, err := classify.New()
	if err != nil {
		t.Fatal(err)
	}
	errs, rules := exportLabels(t, dir)
	labelled := 0
	for id, e := range errs {
		if rules[id] != builtin.Version() {
			t.Errorf("%s: rules version %q, want %q", id, rules[id], builtin.Version())
		}
		if len(e) > 0 {
			labelled++
		}
	}
	if labelled == 0 {
		t.Fatal("no replica decision got an error type")
	}

	// Rules that can never reach the threshold: no error types at all.
	strict := filepath.Join(t.TempDir(), "strict.txt")
	if err := os.WriteFile(strict, []byte(classify.EmbeddedRules()+"\nthreshold 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(ctx, []string{"reclassify", "--data", dir, "--rules", strict}, &out, &errb); code != 0 {
		t.Fatalf("reclassify exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Omklassificeret") {
		t.Errorf("reclassify summary: %q", out.String())
	}
	errs, rules = exportLabels(t, dir)
	for id, e := range errs {
		if len(e) > 0 || rules[id] == builtin.Version() {
			t.Errorf("%s after strict rules: errors %v, rules %s", id, e, rules[id])
		}
	}
	checkIndexInStep(t, dir)

	// Opening with the built-in rules re-labels the stale decisions (what serve and crawl do).
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var rf rulesFlag
	if err := rf.apply(a); err != nil {
		t.Fatal(err)
	}
	res, err := a.reclassify(true)
	if err != nil || res.Checked != 0 {
		t.Errorf("after apply, %d stale decisions remain (%v)", res.Checked, err)
	}
	hits, err := a.Index().Search(ctx, omgjort.SearchRequest{Filters: map[string][]string{"errors": {string(omgjort.ErrSagsoplysning)}}, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if hits.Total == 0 {
		t.Error("index has no decision in the sagsoplysning facet after re-labelling")
	}
	a.Close()
	errs, _ = exportLabels(t, dir)
	back := 0
	for _, e := range errs {
		if len(e) > 0 {
			back++
		}
	}
	if back != labelled {
		t.Errorf("%d decisions with error types after returning to the built-in rules, want %d", back, labelled)
	}
	checkIndexInStep(t, dir)
}

// checkIndexInStep asserts that every stored decision is indexed with its current stamp.
func checkIndexInStep(t *testing.T, dir string) {
	t.Helper()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	stamps, err := a.Index().Stamps()
	if err != nil {
		t.Fatal(err)
	}
	err = a.db.ForEach(func(d *omgjort.Decision) error {
		if stamps[d.ID] != index.Stamp(d) {
			t.Errorf("%s: index stamp %q, store %q", d.ID, stamps[d.ID], index.Stamp(d))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEvalCommand(t *testing.T) {
	var out, errb bytes.Buffer
	gold := filepath.Join("..", "..", "classify", "testdata", "gold")
	if code := run(context.Background(), []string{"eval", "--check", gold}, &out, &errb); code != 0 {
		t.Fatalf("eval exit %d: %s\n%s", code, errb.String(), out.String())
	}
	for _, want := range []string{"micro-F1", "macro-F1", "flertalsklassen", "sagsoplysning", "Alle mål er nået"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("eval output lacks %q", want)
		}
	}
	// Rules that set no error types fail the check, with the reason.
	strict := filepath.Join(t.TempDir(), "strict.txt")
	if err := os.WriteFile(strict, []byte(classify.EmbeddedRules()+"\nthreshold 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"eval", "--check", "--rules", strict, gold}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "micro-F1") {
		t.Errorf("eval with strict rules: exit %d, stderr %q", code, errb.String())
	}
	if code := run(context.Background(), []string{"eval"}, &out, &errb); code != 2 {
		t.Errorf("eval without a directory: exit %d, want 2", code)
	}
}

// TestEvalLetterReplay: `eval --letter-replay K` learns the letter model from the first K
// folders and replays it on the first scores of the later ones, leaving out a folder whose
// first score was made with a letter model already.
func TestEvalLetterReplay(t *testing.T) {
	gold := filepath.Join("..", "..", "classify", "testdata", "gold")
	held := filepath.Join("..", "..", "classify", "testdata", "heldout126")
	withModel := filepath.Join("..", "..", "classify", "testdata", "heldout173")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"eval", "--letter-replay", "1", gold, held, withModel}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	for _, want := range []string{"Brevmodellen lært af 82 breve (1 mapper), prøvet på de første scorer af 1 mapper", "(1 mapper udeladt: ingen første score af reglerne alene)", "Udfald ved første score:", "Med brevmodellen:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"eval", "--letter-replay", "1", gold, withModel}, &out, &errb); code == 0 {
		t.Errorf("a replay with no first score of the rules alone succeeded:\n%s", out.String())
	}
}
