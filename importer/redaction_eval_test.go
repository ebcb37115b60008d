package importer_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"omgjort"
	"omgjort/classify"
	"omgjort/importer"
	"omgjort/lettergen"
	"omgjort/redact"
)

// evalTools skips the measurement when poppler, Tesseract's Danish model or the DejaVu font
// is missing, unless CI=true (then .ci/run should have installed them and it fails).
func evalTools(t *testing.T) lettergen.Fonts {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	for _, bin := range []string{"pdftotext", "pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(bin); err != nil {
			fail("%s is missing: apt-get install -y poppler-utils tesseract-ocr tesseract-ocr-dan", bin)
		}
	}
	if out, _ := exec.Command("tesseract", "--list-langs").CombinedOutput(); !strings.Contains(string(out), "\ndan") {
		fail("tesseract has no Danish model: apt-get install -y tesseract-ocr-dan")
	}
	fonts, err := lettergen.LoadFonts("")
	if err != nil {
		fail("%v", err)
	}
	return fonts
}

// evalPipeline is the real path a letter takes: the importer's extraction (pdftotext with the
// margin column apart, Tesseract for scanned pages), the importer's cut into letters,
// redact.Letter with the OCR confidence, and the classifier on the redacted text.
func evalPipeline(t *testing.T) lettergen.Pipeline {
	c, err := classify.New()
	if err != nil {
		t.Fatal(err)
	}
	return lettergen.Pipeline{
		Extract: func(ctx context.Context, name string, pdf []byte) ([]lettergen.Extracted, error) {
			doc, err := importer.ExtractBytes(ctx, name, pdf, importer.Limits{})
			if err != nil {
				return nil, err
			}
			var out []lettergen.Extracted
			for _, l := range importer.Split(doc) {
				e := lettergen.Extracted{Text: l.Text}
				if l.OCR {
					e.OCRConfidence = l.Confidence
				}
				out = append(out, e)
			}
			return out, nil
		},
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

// TestRedactionMeasured is issue 12 point 4: 40 generated letters (seed 12; some scanned, some
// several to a PDF, some with several j.nr.) go through the importer's real extraction and
// redact.Letter; every planted CPR number must be gone, ≥ 99 % of planted names and
// addresses, ≥ 98 % of the other words kept, and the classifier's outcome on the redacted
// text must equal the label. Run it with -v for the table BENCHMARKS.md quotes.
func TestRedactionMeasured(t *testing.T) {
	fonts := evalTools(t)
	r, err := lettergen.Measure(t.Context(), lettergen.Generate(12, 40), fonts, evalPipeline(t))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.Print(&b)
	t.Log("\n" + b.String())
	if r.Letters < 40 || r.Scanned == 0 {
		t.Errorf("the test set has %d letters, %d scanned files; want ≥ 40 and some scanned", r.Letters, r.Scanned)
	}
	for _, p := range r.Check(lettergen.DefaultBars) {
		t.Error(p)
	}
}
