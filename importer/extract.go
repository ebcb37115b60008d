// Package importer takes the municipality's own decision letters in: it extracts their text
// (PDF text layer, OCR of scans and images, DOCX, plain text, e-mail with the letter
// attached), splits a file into letters and a letter into cases, parses each letter's
// metadata, redacts personal details and decides whether a person must review the redaction
// before the letter may be stored and indexed. It imports only the root package; cmd and
// server wire it to the ingest pipeline.
package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Limits bound what one file may cost. A file beyond them gets a clear error of its own and
// stops nothing else.
type Limits struct {
	// MaxBytes is the largest file accepted (virk.dk allows 50 MB per PDF).
	MaxBytes int64
	// MaxPages is the most pages a PDF or a multi-page image may have.
	MaxPages int
	// MaxUnpacked is the most bytes a DOCX (zip) or an e-mail may unpack to: a decompression
	// bomb stops here.
	MaxUnpacked int64
	// ToolTimeout bounds each run of an external tool (pdftotext on a batch of pages, pdftoppm
	// and tesseract on one page).
	ToolTimeout time.Duration
	// OCRDPI is the resolution scanned pages are rendered at for Tesseract.
	OCRDPI int
}

// DefaultLimits are the limits the issue fixes: 50 MB, 500 pages, 50 MB unpacked.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 50 << 20, MaxPages: 500, MaxUnpacked: 50 << 20, ToolTimeout: 2 * time.Minute, OCRDPI: 300}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxUnpacked <= 0 {
		l.MaxUnpacked = d.MaxUnpacked
	}
	if l.ToolTimeout <= 0 {
		l.ToolTimeout = d.ToolTimeout
	}
	if l.OCRDPI <= 0 {
		l.OCRDPI = d.OCRDPI
	}
	return l
}

// Kinds of input file, as Document.Kind names them.
const (
	KindPDF   = "pdf"
	KindImage = "image"
	KindDOCX  = "docx"
	KindText  = "text"
	KindEmail = "eml"
)

// Page is one page's text. Text is the body in reading order: lines separated by "\n",
// blocks (paragraphs, the address block) by "\n\n". Margin is the right-hand column that
// Ankestyrelsen's letters carry (j.nr., date, sometimes the CPR line, page numbers), kept
// apart so it does not break the body's lines.
type Page struct {
	Number int
	Text   string
	Margin string
	// OCR is set when the text came from Tesseract rather than a text layer.
	OCR bool
	// Confidence is Tesseract's mean word confidence (0–100) for an OCR page, 100 for text
	// from a text layer, DOCX, text or e-mail.
	Confidence float64
}

// Document is the text of one input file.
type Document struct {
	// Name is the file's base name (never its directory, which may name a person).
	Name  string
	Kind  string
	Pages []Page
}

// Text is every character extracted from the document, page by page, each page's margin
// column first (its j.nr. and date head the letter) and then its body. This is what must be
// redacted: nothing extracted is outside it.
func (d Document) Text() string {
	var b strings.Builder
	for i, p := range d.Pages {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if m := strings.TrimSpace(p.Margin); m != "" {
			b.WriteString(m)
			b.WriteString("\n\n")
		}
		b.WriteString(strings.TrimSpace(p.Text))
	}
	return b.String()
}

// MinConfidence is the lowest OCR confidence among the pages (100 without OCR).
func (d Document) MinConfidence() float64 {
	m := 100.0
	for _, p := range d.Pages {
		if p.Confidence < m {
			m = p.Confidence
		}
	}
	return m
}

// OCR reports whether any page was read by OCR.
func (d Document) OCR() bool {
	for _, p := range d.Pages {
		if p.OCR {
			return true
		}
	}
	return false
}

// Errors a file can get. Each is wrapped with detail; Message turns any of them into the
// Danish sentence the import report and the upload page show.
var (
	ErrTooLarge    = errors.New("file too large")
	ErrTooManyPage = errors.New("too many pages")
	ErrBomb        = errors.New("unpacks to too much data")
	ErrEncrypted   = errors.New("password-protected")
	ErrDamaged     = errors.New("damaged or unreadable file")
	ErrUnsupported = errors.New("unsupported file type")
	ErrEmpty       = errors.New("no text found")
	ErrToolMissing = errors.New("required tool is not installed")
	ErrTimeout     = errors.New("tool timed out")
)

// Message is the Danish explanation of an import error, for the report and the page. It never
// includes the file's content.
func Message(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrTooLarge):
		return "Filen er for stor (højst 50 MB)."
	case errors.Is(err, ErrTooManyPage):
		return "Filen har for mange sider (højst 500)."
	case errors.Is(err, ErrBomb):
		return "Filen pakker ud til alt for meget data og er afvist."
	case errors.Is(err, ErrEncrypted):
		return "Filen er beskyttet med adgangskode. Gem den uden adgangskode, og prøv igen."
	case errors.Is(err, ErrDamaged):
		return "Filen er beskadiget eller kan ikke læses."
	case errors.Is(err, ErrUnsupported):
		return "Filtypen understøttes ikke (brug PDF, DOCX, TXT, EML, PNG, JPG eller TIFF)."
	case errors.Is(err, ErrEmpty):
		return "Der blev ikke fundet nogen tekst i filen (tom side eller ulæselig scanning)."
	case errors.Is(err, ErrToolMissing):
		return "Et nødvendigt program mangler på serveren: " + toolOf(err) + "."
	case errors.Is(err, ErrTimeout):
		return "Det tog for lang tid at læse filen."
	case errors.Is(err, ErrNotLetter):
		return "Filen ligner ikke en afgørelse fra Ankestyrelsen."
	case errors.Is(err, ErrUnknownLayout):
		return "Brevets opbygning blev ikke genkendt."
	}
	return "Filen kunne ikke læses."
}

// toolError names a missing tool and the Debian package that has it.
type toolError struct{ tool, pkg string }

func (e *toolError) Error() string {
	return fmt.Sprintf("%s not found (install the Debian package %s)", e.tool, e.pkg)
}
func (e *toolError) Unwrap() error { return ErrToolMissing }

func toolOf(err error) string {
	var te *toolError
	if errors.As(err, &te) {
		return te.tool + " (Debian-pakken " + te.pkg + ")"
	}
	return "ukendt"
}

// Extract reads the text of the file at path. The kind is told by the content first and the
// name second. Any failure is one of the errors above, wrapped with detail.
func Extract(ctx context.Context, path string, lim Limits) (Document, error) {
	lim = lim.withDefaults()
	fi, err := os.Stat(path)
	if err != nil {
		return Document{}, fmt.Errorf("extract: %w", err)
	}
	if fi.Size() > lim.MaxBytes {
		return Document{}, fmt.Errorf("extract: %d bytes: %w", fi.Size(), ErrTooLarge)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Document{}, fmt.Errorf("extract: %w", err)
	}
	return extract(ctx, filepath.Base(path), data, path, lim)
}

// ExtractBytes is Extract for a file held in memory (an upload); name gives its extension.
func ExtractBytes(ctx context.Context, name string, data []byte, lim Limits) (Document, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return Document{}, fmt.Errorf("extract: %d bytes: %w", len(data), ErrTooLarge)
	}
	return extract(ctx, filepath.Base(name), data, "", lim)
}

// extract dispatches on the kind. path is the file on disk when there is one (the PDF tools
// read it), else "" and the data is written to a private temporary file when a tool needs it.
func extract(ctx context.Context, name string, data []byte, path string, lim Limits) (Document, error) {
	kind := kindOf(name, data)
	doc := Document{Name: name, Kind: kind}
	var err error
	switch kind {
	case KindPDF:
		err = withFile(data, path, ".pdf", func(p string) error {
			doc.Pages, err = extractPDF(ctx, p, lim)
			return err
		})
	case KindImage:
		err = withFile(data, path, filepath.Ext(name), func(p string) error {
			doc.Pages, err = ocrImage(ctx, p, lim)
			return err
		})
	case KindDOCX:
		doc.Pages, err = extractDOCX(data, lim)
	case KindText:
		doc.Pages = []Page{{Number: 1, Text: normaliseText(decodeText(data)), Confidence: 100}}
	case KindEmail:
		doc.Pages, err = extractEmail(ctx, data, lim)
	default:
		err = fmt.Errorf("%q: %w", filepath.Ext(name), ErrUnsupported)
	}
	if err != nil {
		return Document{}, fmt.Errorf("extract %s: %w", kind, err)
	}
	if strings.TrimSpace(doc.Text()) == "" {
		return Document{}, fmt.Errorf("extract %s: %w", kind, ErrEmpty)
	}
	return doc, nil
}

// kindOf tells the file's kind by its first bytes, then its extension.
func kindOf(name string, data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return KindPDF
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return KindImage
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return KindPDF // no %PDF- header: extractPDF reports it damaged
	case ".png", ".jpg", ".jpeg", ".tif", ".tiff":
		return KindImage
	case ".docx":
		return KindDOCX
	case ".txt", ".text":
		return KindText
	case ".eml":
		return KindEmail
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return KindDOCX
	}
	return ""
}

// withFile runs fn on a file holding data: path itself when given, else a private temporary
// file removed afterwards.
func withFile(data []byte, path, ext string, fn func(string) error) error {
	if path != "" {
		return fn(path)
	}
	f, err := os.CreateTemp("", "omgjort-import-*"+ext)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return fn(f.Name())
}

// Errors of a letter's content, found after its text was read.
var (
	// ErrNotLetter: the text is not a decision from Ankestyrelsen.
	ErrNotLetter = errors.New("not a decision letter from Ankestyrelsen")
	// ErrUnknownLayout: the letter's parts (j.nr., date, result) were not found.
	ErrUnknownLayout = errors.New("unknown letter layout")
)
