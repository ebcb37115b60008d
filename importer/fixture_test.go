package importer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// needTools skips a test when a Debian tool it needs is absent, except under CI, where the
// tools are installed by .ci/run and their absence is a failure.
func needTools(t *testing.T, tools ...string) {
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

const fontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

// testLetter is a fictitious letter from Ankestyrelsen as the tests write it: a margin column
// and a body of blocks (each block's lines, blocks separated by a blank line).
type testLetter struct {
	margin []string
	body   string
}

// fictitiousLetter is a letter with every kind of personal detail the redaction removes.
// All names, numbers and addresses are invented.
func fictitiousLetter(jnr, date string) testLetter {
	return testLetter{
		margin: []string{"Ankestyrelsen", "Teglholmsgade 3", "2450 København SV", "", "J.nr. " + jnr, "Dato: " + date, "", "Cpr.nr. 010190-1234"},
		body: `Frida Æbelø-Sørensen
Østergade 14, 2. tv.
8000 Aarhus C

Kære Frida Æbelø-Sørensen

Ankestyrelsens afgørelse i din klage om sygedagpenge

Du har klaget over Aarhus Kommunes afgørelse af 12. januar 2025 om ophør af sygedagpenge.

Resultat
Vi ændrer kommunens afgørelse. Det betyder, at du har ret til sygedagpenge.
Sagen indgår i vores statistik som en ændring.

Hvad lægger vi vægt på
Vi lægger vægt på, at kommunen ikke havde undersøgt dine helbredsforhold tilstrækkeligt.
Du kan læse mere i sygedagpengelovens § 24.

Med venlig hilsen
Jens Holm

Kopi til: Aarhus Kommune`,
	}
}

// writePDF writes letters as a text-layer PDF, one or more pages each, with the margin
// column on the right as Ankestyrelsen lays it out.
func writePDF(t testing.TB, path string, letters ...testLetter) {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	font, err := os.ReadFile(fontPath)
	if err != nil {
		t.Fatal(err)
	}
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	pdf.SetAutoPageBreak(false, 15)
	for _, l := range letters {
		pdf.AddPage()
		pdf.SetFont("dejavu", "", 9)
		y := 20.0
		for _, m := range l.margin {
			pdf.Text(155, y, m)
			y += 4.5
		}
		pdf.SetFont("dejavu", "", 11)
		y = 25
		for _, line := range strings.Split(l.body, "\n") {
			if y > 270 {
				pdf.AddPage()
				y = 25
			}
			if line == "" {
				y += 3
				continue
			}
			pdf.Text(20, y, line)
			y += 5.5
		}
	}
	if err := pdf.OutputFileAndClose(path); err != nil {
		t.Fatal(err)
	}
}

// writeScannedPDF writes letters as a PDF of page images only (no text layer), the way a
// scanned paper letter arrives: each page is rendered by pdftoppm and placed as a picture.
func writeScannedPDF(t testing.TB, path string, letters ...testLetter) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.pdf")
	writePDF(t, src, letters...)
	if out, err := exec.Command("pdftoppm", "-r", "200", "-gray", "-png", src, filepath.Join(dir, "pg")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	imgs, _ := filepath.Glob(filepath.Join(dir, "pg*.png"))
	pdf := fpdf.New("P", "mm", "A4", "")
	for _, img := range imgs {
		pdf.AddPage()
		pdf.ImageOptions(img, 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	if err := pdf.OutputFileAndClose(path); err != nil {
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
