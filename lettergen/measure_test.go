package lettergen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"omgjort"
	"omgjort/classify"
	"omgjort/redact"
)

// needTools skips the test when poppler or Tesseract's Danish model is missing, unless CI=true.
func needTools(t *testing.T) {
	t.Helper()
	for _, bin := range []string{"pdftotext", "pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (apt-get install poppler-utils tesseract-ocr tesseract-ocr-dan)", bin)
			}
			t.Skipf("%s is missing (apt-get install poppler-utils tesseract-ocr tesseract-ocr-dan)", bin)
		}
	}
	out, _ := exec.Command("tesseract", "--list-langs").CombinedOutput()
	if !bytes.Contains(out, []byte("\ndan")) {
		if os.Getenv("CI") == "true" {
			t.Fatal("tesseract has no Danish model (apt-get install tesseract-ocr-dan)")
		}
		t.Skip("tesseract has no Danish model (apt-get install tesseract-ocr-dan)")
	}
}

// plainExtract is a plain extraction for this package's own tests: poppler's text layer per
// page, Tesseract for pages without one, a new letter at each "Side 1 af" footer. The
// importer has the product's extraction; importer/redaction_eval_test.go measures that.
func plainExtract(ctx context.Context, name string, pdf []byte) ([]Extracted, error) {
	dir, err := os.MkdirTemp("", "lettergen-x-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, "pdftotext", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	var letters []Extracted
	for i, pg := range pages {
		conf := 0.0
		if len(strings.TrimSpace(pg)) < 40 {
			pg, conf, err = ocrPage(ctx, in, i+1, dir)
			if err != nil {
				return nil, err
			}
		}
		if len(letters) == 0 || strings.Contains(pg, "Side 1 af") {
			letters = append(letters, Extracted{})
		}
		l := &letters[len(letters)-1]
		l.Text += pg + "\n"
		if conf > 0 && (l.OCRConfidence == 0 || conf < l.OCRConfidence) {
			l.OCRConfidence = conf
		}
	}
	return letters, nil
}

// ocrPage renders one page at 300 dpi and reads it with `tesseract -l dan`, returning the
// text and the mean word confidence.
func ocrPage(ctx context.Context, pdf string, page int, dir string) (string, float64, error) {
	base := filepath.Join(dir, fmt.Sprintf("p%d", page))
	if out, err := exec.CommandContext(ctx, "pdftoppm", "-r", "300", "-gray", "-png", "-singlefile",
		"-f", strconv.Itoa(page), "-l", strconv.Itoa(page), pdf, base).CombinedOutput(); err != nil {
		return "", 0, fmt.Errorf("pdftoppm: %v: %s", err, out)
	}
	if out, err := exec.CommandContext(ctx, "tesseract", base+".png", base, "-l", "dan", "txt", "tsv").CombinedOutput(); err != nil {
		return "", 0, fmt.Errorf("tesseract: %v: %s", err, out)
	}
	txt, err := os.ReadFile(base + ".txt")
	if err != nil {
		return "", 0, err
	}
	f, err := os.Open(base + ".tsv")
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	sum, n := 0.0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 12 || cols[0] != "5" || strings.TrimSpace(cols[11]) == "" {
			continue
		}
		if c, err := strconv.ParseFloat(cols[10], 64); err == nil && c >= 0 {
			sum += c
			n++
		}
	}
	if n == 0 {
		return string(txt), 0, nil
	}
	return string(txt), sum / float64(n), nil
}

// pipeline is plainExtract, redact.Letter and the classifier.
func pipeline(t *testing.T) Pipeline {
	c, err := classify.New()
	if err != nil {
		t.Fatal(err)
	}
	return Pipeline{
		Extract: plainExtract,
		Redact: func(text string, conf float64) (string, bool) {
			r := redact.Letter(text, redact.Options{OCRConfidence: conf})
			return r.Text, r.Uncertain()
		},
		Outcomes: func(text string) []omgjort.Outcome {
			var out []omgjort.Outcome
			for _, cs := range classify.SplitCases(text) {
				out = append(out, c.ClassifyCase(cs.Text).Outcome)
			}
			return out
		},
	}
}

func TestGeneratedLettersThroughPlainExtraction(t *testing.T) {
	needTools(t)
	fonts, err := LoadFonts("")
	if err != nil {
		t.Skip(err)
	}
	docs := Generate(12, 40)
	if os.Getenv("LETTERGEN_TEXT_ONLY") != "" {
		var keep []Document
		for _, d := range docs {
			if !d.Scanned {
				keep = append(keep, d)
			}
		}
		docs = keep
	}
	r, err := Measure(t.Context(), docs, fonts, pipeline(t))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.Print(&b)
	t.Log("\n" + b.String())
	for _, p := range r.Check(DefaultBars) {
		t.Error(p)
	}
}
