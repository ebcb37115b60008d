package lettergen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// DefaultFontDir is where Debian's fonts-dejavu-core puts DejaVu Sans, the TrueType font the
// PDFs embed so æ, ø and å are written as Unicode text.
const DefaultFontDir = "/usr/share/fonts/truetype/dejavu"

// Fonts holds the TrueType files the PDFs embed.
type Fonts struct {
	Regular, Bold []byte
}

// LoadFonts reads DejaVu Sans and DejaVu Sans Bold from dir (DefaultFontDir when empty), with
// a clear error when the fonts are not installed.
func LoadFonts(dir string) (Fonts, error) {
	if dir == "" {
		dir = DefaultFontDir
	}
	reg, err := os.ReadFile(filepath.Join(dir, "DejaVuSans.ttf"))
	if err != nil {
		return Fonts{}, fmt.Errorf("lettergen: the DejaVu Sans font is missing (install fonts-dejavu-core): %w", err)
	}
	bold, err := os.ReadFile(filepath.Join(dir, "DejaVuSans-Bold.ttf"))
	if err != nil {
		return Fonts{}, fmt.Errorf("lettergen: the DejaVu Sans Bold font is missing (install fonts-dejavu-core): %w", err)
	}
	return Fonts{reg, bold}, nil
}

// page geometry in millimetres (A4)
const (
	pageW, pageH = 210.0, 297.0
	left         = 22.0
	marginX      = 150.0 // the right-hand column
	lineH        = 5.2
	bottom       = 25.0
)

// PDF writes the document's letters as one PDF with a text layer. Each letter starts on a new
// page and numbers its own pages ("Side 1 af 2") bottom right, as concatenated real letters do.
func (d Document) PDF(fonts Fonts) ([]byte, error) {
	counts := make([]int, len(d.Letters))
	for i, l := range d.Letters {
		n, err := renderLetters(fonts, []*Letter{l}, nil, nil)
		if err != nil {
			return nil, err
		}
		counts[i] = n
	}
	var buf bytes.Buffer
	if _, err := renderLetters(fonts, d.Letters, counts, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// renderLetters lays the letters out and returns the page count of the last letter; with out
// set it writes the PDF there, with counts set it numbers pages "Side n af total".
func renderLetters(fonts Fonts, letters []*Letter, counts []int, out *bytes.Buffer) (int, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetModificationDate(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.AddUTF8FontFromBytes("dejavu", "", fonts.Regular)
	pdf.AddUTF8FontFromBytes("dejavu", "B", fonts.Bold)
	pdf.SetAutoPageBreak(true, bottom)
	var startPage, total int
	pdf.SetFooterFunc(func() {
		pdf.SetFont("dejavu", "", 8.5)
		pdf.SetXY(pageW-60, pageH-15)
		n := pdf.PageNo() - startPage + 1
		txt := fmt.Sprintf("Side %d", n)
		if total > 0 {
			txt = fmt.Sprintf("Side %d af %d", n, total)
		}
		pdf.CellFormat(40, 4, txt, "", 0, "R", false, 0, "")
	})
	last := 0
	for i, l := range letters {
		pdf.SetMargins(left, 20, left)
		pdf.AddPage() // draws the previous letter's last footer with its own numbers
		startPage = pdf.PageNo()
		total = 0
		if counts != nil {
			total = counts[i]
		}
		bodyW := pageW - 2*left
		pdf.SetFont("dejavu", "", 10)
		if l.MarginColumn {
			y := 20.0
			for k, s := range l.margin {
				if k == 0 {
					pdf.SetFont("dejavu", "B", 10)
				} else {
					pdf.SetFont("dejavu", "", 9)
				}
				pdf.SetXY(marginX, y)
				pdf.CellFormat(pageW-marginX-12, 4.4, s, "", 0, "L", false, 0, "")
				y += 4.4
			}
			bodyW = marginX - left - 10
		} else {
			pdf.SetFont("dejavu", "B", 14)
			pdf.SetXY(left, 14)
			pdf.CellFormat(80, 6, "Ankestyrelsen", "", 0, "L", false, 0, "")
		}
		// the address block
		pdf.SetFont("dejavu", "", 10)
		y := 45.0
		if l.blockTop > 0 {
			y = l.blockTop
		}
		for _, s := range l.block {
			pdf.SetXY(left, y)
			pdf.CellFormat(90, lineH, s, "", 0, "L", false, 0, "")
			y += lineH
		}
		y += 2 * lineH
		if !l.MarginColumn {
			// the same lines inline, under the address block
			for _, s := range l.margin[6:] {
				if s == "" {
					continue
				}
				pdf.SetXY(left, y)
				pdf.CellFormat(90, lineH, s, "", 0, "L", false, 0, "")
				y += lineH
			}
			y += lineH
		}
		pdf.SetXY(left, max(y, 95))
		pdf.SetRightMargin(pageW - left - bodyW)
		for _, p := range l.body {
			if p.bold {
				pdf.SetFont("dejavu", "B", 10.5)
				pdf.Ln(1.5)
			} else {
				pdf.SetFont("dejavu", "", 10)
			}
			for _, ln := range strings.Split(p.text, "\n") {
				pdf.MultiCell(bodyW, lineH, ln, "", "L", false)
			}
			if !p.bold {
				pdf.Ln(lineH * 0.8)
			}
		}
		last = pdf.PageNo() - startPage + 1
		// the next letter gets a fresh footer count; the margin after a letter's last page
		// is reset by AddPage
		pdf.SetRightMargin(left)
	}
	if err := pdf.Error(); err != nil {
		return 0, fmt.Errorf("lettergen: %w", err)
	}
	if out != nil {
		if err := pdf.Output(out); err != nil {
			return 0, fmt.Errorf("lettergen: writing the PDF: %w", err)
		}
	} else {
		pdf.Close()
	}
	return last, nil
}
