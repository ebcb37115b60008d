package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

func TestExtractPDFTextLayerKeepsMarginApart(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	p := filepath.Join(t.TempDir(), "brev.pdf")
	writePDF(t, p, fictitiousLetter("25-12345", "3. marts 2025"))
	d := extractT(t, p)
	if d.Kind != KindPDF || len(d.Pages) != 1 || d.OCR() {
		t.Fatalf("kind %s, %d pages, ocr %v", d.Kind, len(d.Pages), d.OCR())
	}
	pg := d.Pages[0]
	if !strings.Contains(pg.Margin, "J.nr. 25-12345") || !strings.Contains(pg.Margin, "Cpr.nr. 010190-1234") {
		t.Errorf("margin column not found:\n%s", pg.Margin)
	}
	if strings.Contains(pg.Text, "25-12345") {
		t.Errorf("margin text mixed into the body:\n%s", pg.Text)
	}
	flat := strings.Join(strings.Fields(pg.Text), " ")
	if !strings.Contains(pg.Text, "Frida Æbelø-Sørensen\nØstergade 14, 2. tv.\n8000 Aarhus C") {
		t.Errorf("address block not kept as lines:\n%s", pg.Text)
	}
	for _, want := range []string{"Du har klaget over Aarhus Kommunes afgørelse af 12. januar 2025", "forhindrer dig i at arbejde. Du kan læse mere"} {
		if !strings.Contains(flat, want) {
			t.Errorf("body lacks %q:\n%s", want, pg.Text)
		}
	}
	if !strings.Contains(d.Text(), "010190-1234") {
		t.Error("Text() must hold the margin too (it is what gets redacted)")
	}
}

func TestExtractScannedPDFByOCR(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdftoppm", "tesseract")
	p := filepath.Join(t.TempDir(), "scan.pdf")
	writeScannedPDF(t, p, fictitiousLetter("25-12345", "3. marts 2025"))
	d := extractT(t, p)
	if !d.OCR() || len(d.Pages) != 1 {
		t.Fatalf("want one OCR page, got %d pages, ocr %v", len(d.Pages), d.OCR())
	}
	if c := d.Pages[0].Confidence; c < 60 || c > 100 {
		t.Errorf("confidence %.1f", c)
	}
	text := d.Text()
	for _, want := range []string{"25-12345", "Æbelø-Sørensen", "afgørelse", "sygedagpenge"} {
		if !strings.Contains(text, want) {
			t.Errorf("OCR text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(d.Pages[0].Margin, "25-12345") {
		t.Errorf("OCR margin column:\n%s", d.Pages[0].Margin)
	}
}

func TestExtractDOCXTextAndEmail(t *testing.T) {
	dir := t.TempDir()
	docx := filepath.Join(dir, "brev.docx")
	os.WriteFile(docx, makeDOCX(t, []string{"Frida Æbelø-Sørensen", "Østergade 14", "", "Du har klaget over Aarhus Kommunes afgørelse."}, 0), 0o600)
	d := extractT(t, docx)
	if d.Kind != KindDOCX || d.Pages[0].Text != "Frida Æbelø-Sørensen\nØstergade 14\n\nDu har klaget over Aarhus Kommunes afgørelse." {
		t.Errorf("docx: %q", d.Pages[0].Text)
	}

	txt := filepath.Join(dir, "brev.txt")
	os.WriteFile(txt, []byte("\xef\xbb\xbfKære Ib Ærø\r\n\r\n\r\nVi stadfæster  \r\n"), 0o600)
	d = extractT(t, txt)
	if d.Pages[0].Text != "Kære Ib Ærø\n\nVi stadfæster" {
		t.Errorf("text: %q", d.Pages[0].Text)
	}
	// Not UTF-8 at all: read as Windows-1252.
	os.WriteFile(txt, []byte("Vi stadf\xe6ster"), 0o600)
	if d = extractT(t, txt); d.Pages[0].Text != "Vi stadfæster" {
		t.Errorf("cp1252: %q", d.Pages[0].Text)
	}

	eml := filepath.Join(dir, "brev.eml")
	raw := makeDOCX(t, []string{"Kære Ib Ærø", "", "Vi stadfæster kommunens afgørelse."}, 0)
	msg := fmt.Sprintf("From: post@ast.dk\r\nTo: jobcenter@kommune.dk\r\nSubject: Afgørelse\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSe vedhæftede brev.\r\n--XX\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\nContent-Disposition: attachment; filename=\"afg.docx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--XX--\r\n", wrap76(base64.StdEncoding.EncodeToString(raw)))
	os.WriteFile(eml, []byte(msg), 0o600)
	d = extractT(t, eml)
	if d.Kind != KindEmail || d.Text() != "Kære Ib Ærø\n\nVi stadfæster kommunens afgørelse." {
		t.Errorf("eml: %q", d.Text())
	}
	if strings.Contains(d.Text(), "jobcenter@") || strings.Contains(d.Text(), "vedhæftede") {
		t.Error("headers or the cover note leaked into the letter")
	}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// makeDOCX writes a minimal DOCX: one w:p per line; pad adds a stored part of that many
// bytes (for the bomb test).
func makeDOCX(t testing.TB, lines []string, pad int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, l := range lines {
		fmt.Fprintf(w, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, l)
	}
	fmt.Fprint(w, `</w:body></w:document>`)
	if pad > 0 {
		w, _ := zw.Create("word/media/pad.bin")
		w.Write(make([]byte, pad))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractBadFilesGetClearErrors(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	dir := t.TempDir()
	small := Limits{MaxBytes: 1 << 20, MaxPages: 3, MaxUnpacked: 1 << 20}

	damaged := filepath.Join(dir, "damaged.pdf")
	os.WriteFile(damaged, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage"), 0o600)
	notPDF := filepath.Join(dir, "x.pdf")
	os.WriteFile(notPDF, []byte("this is not a pdf"), 0o600)

	big := filepath.Join(dir, "big.pdf")
	os.WriteFile(big, append([]byte("%PDF-1.4\n"), make([]byte, 2<<20)...), 0o600)

	many := filepath.Join(dir, "many.pdf")
	var ls []testLetter
	for range 4 {
		ls = append(ls, fictitiousLetter("25-1", "1. maj 2025"))
	}
	writePDF(t, many, ls...)

	enc := filepath.Join(dir, "enc.pdf")
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetProtection(fpdf.CnProtectPrint, "hemmelig", "ejer")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Text(20, 20, "Du har klaget over kommunens afgoerelse.")
	if err := pdf.OutputFileAndClose(enc); err != nil {
		t.Fatal(err)
	}

	bomb := filepath.Join(dir, "bomb.docx")
	os.WriteFile(bomb, makeDOCX(t, []string{"x"}, 8<<20), 0o600) // 8 MB of zeros deflates to a few KB

	blank := filepath.Join(dir, "blank.txt")
	os.WriteFile(blank, []byte(" \n\n "), 0o600)
	odd := filepath.Join(dir, "brev.xyz")
	os.WriteFile(odd, []byte("hello"), 0o600)

	for _, c := range []struct {
		path string
		want error
	}{
		{damaged, ErrDamaged}, {notPDF, ErrDamaged}, {big, ErrTooLarge}, {many, ErrTooManyPage},
		{enc, ErrEncrypted}, {bomb, ErrBomb}, {blank, ErrEmpty}, {odd, ErrUnsupported},
	} {
		_, err := Extract(context.Background(), c.path, small)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", filepath.Base(c.path), err, c.want)
			continue
		}
		if m := Message(err); m == "" || m == Message(errors.New("x")) {
			t.Errorf("%s: no specific Danish message: %q", filepath.Base(c.path), m)
		}
	}
}

func TestExtractImageAndEmailWithPDF(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdftoppm", "tesseract")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.pdf")
	writePDF(t, src, fictitiousLetter("25-77777", "9. juni 2025"))
	if out, err := exec.Command("pdftoppm", "-r", "200", "-gray", "-singlefile", "-png", src, filepath.Join(dir, "brev")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	d := extractT(t, filepath.Join(dir, "brev.png"))
	if d.Kind != KindImage || !d.OCR() || !strings.Contains(d.Text(), "25-77777") || !strings.Contains(d.Text(), "afgørelse") {
		t.Errorf("png: kind %s ocr %v:\n%s", d.Kind, d.OCR(), d.Text())
	}
	// Low OCR confidence sends a letter to review, whatever the redaction says.
	items := LettersOf(d, Options{Redactor: zoneRedactor{}, MinConfidence: 99.9})
	if len(items) != 1 || len(items[0].Review) == 0 {
		t.Errorf("a letter read with confidence %.1f below 99.9 was not sent to review: %+v", d.MinConfidence(), items)
	}

	pdf, _ := os.ReadFile(src)
	msg := "From: post@ast.dk\r\nSubject: =?utf-8?q?Afg=C3=B8relse?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n" +
		"--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHermed afg=F8relsen.\r\n--b2\r\nContent-Type: text/html\r\n\r\n<p>Hermed</p>\r\n--b2--\r\n" +
		"--b1\r\nContent-Type: application/pdf; name=\"afg.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrap76(base64.StdEncoding.EncodeToString(pdf)) + "\r\n--b1--\r\n"
	eml := filepath.Join(dir, "brev.eml")
	os.WriteFile(eml, []byte(msg), 0o600)
	d = extractT(t, eml)
	if !strings.Contains(d.Text(), "J.nr. 25-77777") || strings.Contains(d.Text(), "Hermed") || d.OCR() {
		t.Errorf("eml with a PDF: %q", d.Text())
	}
	// Without an attachment, the body is the letter.
	os.WriteFile(eml, []byte("From: a@b.dk\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nVi stadf=E6ster kommunens afg=F8relse.\r\n"), 0o600)
	if d = extractT(t, eml); d.Text() != "Vi stadfæster kommunens afgørelse." {
		t.Errorf("eml body: %q", d.Text())
	}
}

func TestExtractBlankScan(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdftoppm", "tesseract")
	p := filepath.Join(t.TempDir(), "blank.pdf")
	writeScannedPDF(t, p, testLetter{body: " "})
	_, err := Extract(context.Background(), p, Limits{})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(Message(err), "ikke fundet nogen tekst") {
		t.Fatalf("a blank scan: %v (%s)", err, Message(err))
	}
}
