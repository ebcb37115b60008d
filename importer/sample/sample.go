// Package sample writes clearly fictitious decision letters from Ankestyrelsen as real PDFs —
// with a text layer, or scanned (page images only) — for the importer's tests, the import
// command's tests and the demo. Every name, number and address in them is invented.
package sample

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// FontPath is the Debian font (fonts-dejavu-core) the letters are written in, for æ, ø and å.
const FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

// Letter is a letter as laid out: the right-hand margin column (Ankestyrelsen's address,
// j.nr., date) and the body, lines separated by "\n", blocks by a blank line.
type Letter struct {
	Margin []string
	Body   string
}

// Fictitious is a letter with every kind of personal detail the redaction must remove: CPR
// number, the citizen's name and address, the caseworker's name. outcome is "ændrer",
// "stadfæster" or "hjemviser".
func Fictitious(jnr, date, name, street, town, outcome string) Letter {
	stat := map[string]string{"ændrer": "en ændring", "stadfæster": "en stadfæstelse", "hjemviser": "en hjemvisning"}[outcome]
	result := map[string]string{
		"ændrer":     "Vi ændrer kommunens afgørelse. Det betyder, at du har ret til sygedagpenge.",
		"stadfæster": "Vi stadfæster kommunens afgørelse. Det betyder, at afgørelsen ikke ændres.",
		"hjemviser":  "Vi hjemviser sagen til kommunen. Det betyder, at kommunen skal behandle sagen igen.",
	}[outcome]
	reason := map[string]string{
		"ændrer":     "Vi lægger vægt på, at dine helbredsforhold efter lægens oplysninger forhindrer dig i at arbejde.",
		"stadfæster": "Vi lægger vægt på, at du ikke har givet de oplysninger, kommunen bad om.",
		"hjemviser":  "Vi lægger vægt på, at kommunen ikke havde undersøgt dine helbredsforhold tilstrækkeligt, før den traf afgørelsen.",
	}[outcome]
	return Letter{
		Margin: []string{"Ankestyrelsen", "Teglholmsgade 3", "2450 København SV", "", "J.nr. " + jnr, "Dato: " + date, "", "Cpr.nr. 010190-1234"},
		Body: fmt.Sprintf(`%s
%s
%s

Kære %s

Ankestyrelsens afgørelse i din klage om sygedagpenge

Du har klaget over Aarhus Kommunes afgørelse af 12. januar 2025 om ophør af sygedagpenge.

Resultat
%s
Sagen indgår i vores statistik som %s.

Hvad lægger vi vægt på
%s
Du kan læse mere i sygedagpengelovens § 24.

Med venlig hilsen
Jens Holm

Kopi til: Aarhus Kommune`, name, street, town, name, result, stat, reason),
	}
}

// WritePDF writes letters as a text-layer PDF, each from a new page, with the margin column
// on the right as Ankestyrelsen lays it out.
func WritePDF(path string, letters ...Letter) error {
	font, err := os.ReadFile(FontPath)
	if err != nil {
		return fmt.Errorf("sample: %w (install fonts-dejavu-core)", err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	pdf.SetAutoPageBreak(false, 15)
	for _, l := range letters {
		pdf.AddPage()
		pdf.SetFont("dejavu", "", 9)
		y := 20.0
		for _, m := range l.Margin {
			pdf.Text(155, y, m)
			y += 4.5
		}
		pdf.SetFont("dejavu", "", 11)
		y = 25
		for _, line := range strings.Split(l.Body, "\n") {
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
	return pdf.OutputFileAndClose(path)
}

// WriteScannedPDF writes letters as a PDF of page images only (no text layer), the way a
// scanned paper letter arrives: each page is rendered by pdftoppm (poppler-utils) at 200 dpi
// and placed as a picture.
func WriteScannedPDF(path string, letters ...Letter) error {
	dir, err := os.MkdirTemp("", "omgjort-sample-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "src.pdf")
	if err := WritePDF(src, letters...); err != nil {
		return err
	}
	if out, err := exec.Command("pdftoppm", "-r", "200", "-gray", "-png", src, filepath.Join(dir, "pg")).CombinedOutput(); err != nil {
		return fmt.Errorf("sample: pdftoppm: %v %s", err, out)
	}
	imgs, _ := filepath.Glob(filepath.Join(dir, "pg*.png"))
	pdf := fpdf.New("P", "mm", "A4", "")
	for _, img := range imgs {
		pdf.AddPage()
		pdf.ImageOptions(img, 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	return pdf.OutputFileAndClose(path)
}
