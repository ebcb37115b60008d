// Package sample writes clearly fictitious decision letters from Ankestyrelsen as real PDFs —
// with a text layer, or scanned (page images only) — for the importer's tests, the import
// command's tests and the demo. Every name, number and address in them is invented.
package sample

import (
	"context"
	"fmt"
	"os"

	"omgjort/lettergen"
)

// FontPath is the Debian font (fonts-dejavu-core) the letters are written in, for æ, ø and å.
const FontPath = lettergen.DefaultFontDir + "/DejaVuSans.ttf"

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
// on the right as Ankestyrelsen lays it out. The layout is lettergen's (Plain, Document.PDF),
// so these letters and the generated test set are rendered by the same code.
func WritePDF(path string, letters ...Letter) error {
	b, err := pdfOf(letters)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// WriteScannedPDF writes letters as a PDF of page images only (no text layer), the way a
// scanned paper letter arrives: lettergen.Scan renders each page with pdftoppm
// (poppler-utils) at 200 dpi, turns it slightly and adds mild noise.
func WriteScannedPDF(path string, letters ...Letter) error {
	b, err := pdfOf(letters)
	if err != nil {
		return err
	}
	scanned, err := lettergen.Scan(context.Background(), b, scanSeed)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	return os.WriteFile(path, scanned, 0o600)
}

// scanSeed fixes the skew and noise of the scanned letters, so every run scans alike.
const scanSeed = 7

func pdfOf(letters []Letter) ([]byte, error) {
	fonts, err := lettergen.LoadFonts("")
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	doc := lettergen.Document{}
	for _, l := range letters {
		doc.Letters = append(doc.Letters, lettergen.Plain(l.Margin, l.Body))
	}
	b, err := doc.PDF(fonts)
	if err != nil {
		return nil, fmt.Errorf("sample: %w", err)
	}
	return b, nil
}
