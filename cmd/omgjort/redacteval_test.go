package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"omgjort/lettergen"
)

// TestRedactEvalCommand runs `omgjort redact-eval --check` on three text-layer letters and
// checks the report's table and the files --out writes. The full 40-letter measurement with
// scanned letters is importer's TestRedactionMeasured.
func TestRedactEvalCommand(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing (poppler-utils)")
		}
		t.Skip("pdftotext is missing: apt-get install -y poppler-utils")
	}
	if _, err := lettergen.LoadFonts(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"redact-eval", "--n", "3", "--check", "--out", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"letters 3, extracted 3", "CPR ", "NAVN ", "other words kept", "Alle mål er nået."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	pdfs, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	jsons, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(pdfs) == 0 || len(pdfs) != len(jsons) {
		t.Errorf("--out wrote %d PDFs and %d JSON files", len(pdfs), len(jsons))
	}
	if code := run(context.Background(), []string{"redact-eval", "--n", "0"}, &out, &errb); code == 0 {
		t.Error("--n 0 was accepted")
	}
}
