package importer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"omgjort/importer/sample"
)

// needTools skips a test when a Debian tool it needs is absent, except under CI, where the
// tools are installed by .ci/run and their absence is a failure.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed (CI installs poppler-utils, tesseract-ocr and tesseract-ocr-dan in .ci/run)", tool)
			}
			t.Skipf("%s is not installed: apt-get install -y poppler-utils tesseract-ocr tesseract-ocr-dan", tool)
		}
	}
	if _, err := os.Stat(fontPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing (fonts-dejavu-core)", fontPath)
		}
		t.Skipf("%s missing: apt-get install -y fonts-dejavu-core", fontPath)
	}
}

const fontPath = sample.FontPath

// testLetter is a fictitious letter (see package sample).
type testLetter struct {
	margin []string
	body   string
}

// fictitiousLetter is a letter with every kind of personal detail the redaction removes.
func fictitiousLetter(jnr, date string) testLetter {
	l := sample.Fictitious(jnr, date, "Frida Æbelø-Sørensen", "Østergade 14, 2. tv.", "8000 Aarhus C", "ændrer")
	return testLetter{margin: l.Margin, body: l.Body}
}

func toSample(ls []testLetter) []sample.Letter {
	var out []sample.Letter
	for _, l := range ls {
		out = append(out, sample.Letter{Margin: l.margin, Body: l.body})
	}
	return out
}

func writePDF(t testing.TB, path string, letters ...testLetter) {
	t.Helper()
	if err := sample.WritePDF(path, toSample(letters)...); err != nil {
		t.Fatal(err)
	}
}

func writeScannedPDF(t testing.TB, path string, letters ...testLetter) {
	t.Helper()
	if err := sample.WriteScannedPDF(path, toSample(letters)...); err != nil {
		t.Fatal(err)
	}
}

func extractT(t *testing.T, path string) Document {
	t.Helper()
	d, err := Extract(context.Background(), path, Limits{})
	if err != nil {
		t.Fatalf("Extract(%s): %v", filepath.Base(path), err)
	}
	return d
}
