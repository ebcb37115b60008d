package importer

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// marginFrom is where the right-hand metadata column starts, as a share of the page width:
// Ankestyrelsen's letters keep j.nr., date and page numbers in roughly the right 24 %.
const marginFrom = 0.66

// minLayerLetters is how many letters a page's text layer must have to be used; a page with
// fewer (a scan, or a scan with a few stray characters) is read by OCR.
const minLayerLetters = 25

// pdfBatch is how many pages one pdftotext run reads, so memory stays bounded on a 500-page
// file.
const pdfBatch = 25

// maxToolOutput caps what is read from one tool run.
const maxToolOutput = 64 << 20

// runTool runs a tool with the limits' timeout and returns its standard output. A missing
// tool, a timeout and output beyond maxToolOutput are errors of their own.
func runTool(ctx context.Context, lim Limits, pkg, tool string, args ...string) ([]byte, []byte, error) {
	if _, err := exec.LookPath(tool); err != nil {
		return nil, nil, &toolError{tool: tool, pkg: pkg}
	}
	ctx, cancel := context.WithTimeout(ctx, lim.ToolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	// One thread per tool run: imports run files in parallel, one per core.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var out, errb limitedBuffer
	out.max, errb.max = maxToolOutput, 64<<10
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, nil, fmt.Errorf("%s: %w", tool, ErrTimeout)
	}
	if out.over {
		return nil, nil, fmt.Errorf("%s: output beyond %d bytes: %w", tool, maxToolOutput, ErrBomb)
	}
	if err != nil {
		return out.Bytes(), errb.Bytes(), fmt.Errorf("%s: %w: %s", tool, err, firstLine(errb.String()))
	}
	return out.Bytes(), errb.Bytes(), nil
}

// limitedBuffer keeps at most max bytes and notes that there was more.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.over = true
		return 0, errors.New("output limit")
	}
	return b.Buffer.Write(p)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// pdfInfo reads the page count, telling a password-protected or damaged file apart.
func pdfInfo(ctx context.Context, path string, lim Limits) (pages int, err error) {
	out, stderr, err := runTool(ctx, lim, "poppler-utils", "pdfinfo", path)
	if err != nil {
		if errors.Is(err, ErrToolMissing) || errors.Is(err, ErrTimeout) {
			return 0, err
		}
		if bytes.Contains(stderr, []byte("password")) {
			return 0, fmt.Errorf("pdfinfo: %w", ErrEncrypted)
		}
		return 0, fmt.Errorf("pdfinfo: %s: %w", firstLine(string(stderr)), ErrDamaged)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			pages, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if pages <= 0 {
		return 0, fmt.Errorf("pdfinfo: no pages: %w", ErrDamaged)
	}
	return pages, nil
}

// extractPDF reads each page's text layer with pdftotext's word boxes, splits off the
// right-hand margin column, and reads by OCR every page without a usable text layer.
func extractPDF(ctx context.Context, path string, lim Limits) ([]Page, error) {
	head := make([]byte, 5)
	if f, err := os.Open(path); err == nil {
		io.ReadFull(f, head)
		f.Close()
	}
	if string(head) != "%PDF-" {
		return nil, fmt.Errorf("no PDF header: %w", ErrDamaged)
	}
	n, err := pdfInfo(ctx, path, lim)
	if err != nil {
		return nil, err
	}
	if n > lim.MaxPages {
		return nil, fmt.Errorf("%d pages: %w", n, ErrTooManyPage)
	}
	var pages []Page
	for first := 1; first <= n; first += pdfBatch {
		last := min(first+pdfBatch-1, n)
		out, stderr, err := runTool(ctx, lim, "poppler-utils", "pdftotext", "-bbox-layout", "-enc", "UTF-8",
			"-f", strconv.Itoa(first), "-l", strconv.Itoa(last), path, "-")
		if err != nil {
			if errors.Is(err, ErrToolMissing) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrBomb) {
				return nil, err
			}
			if bytes.Contains(stderr, []byte("password")) {
				return nil, fmt.Errorf("pdftotext: %w", ErrEncrypted)
			}
			return nil, fmt.Errorf("pdftotext: %w: %w", err, ErrDamaged)
		}
		layouts, err := parseBBox(out)
		if err != nil {
			return nil, fmt.Errorf("pdftotext: %w: %w", err, ErrDamaged)
		}
		for i, l := range layouts {
			num := first + i
			if l.letters() >= minLayerLetters {
				body, margin := l.text()
				pages = append(pages, Page{Number: num, Text: body, Margin: margin, Confidence: 100})
				continue
			}
			p, err := ocrPDFPage(ctx, path, num, lim)
			if err != nil {
				return nil, err
			}
			pages = append(pages, p)
		}
	}
	return pages, nil
}

// ocrPDFPage renders one page with pdftoppm and reads it with Tesseract. The page is written
// as an uncompressed PGM, not a PNG: compressing a real scan's noise with zlib cost pdftoppm
// about 8 CPU seconds a page, three times what Tesseract needs, and Tesseract reads the two
// alike (the same words and boxes).
func ocrPDFPage(ctx context.Context, path string, num int, lim Limits) (Page, error) {
	dir, err := os.MkdirTemp("", "omgjort-ocr-*")
	if err != nil {
		return Page{}, err
	}
	defer os.RemoveAll(dir)
	prefix := filepath.Join(dir, "p")
	if _, _, err := runTool(ctx, lim, "poppler-utils", "pdftoppm", "-r", strconv.Itoa(lim.OCRDPI), "-gray",
		"-f", strconv.Itoa(num), "-l", strconv.Itoa(num), "-singlefile", path, prefix); err != nil {
		if errors.Is(err, ErrToolMissing) || errors.Is(err, ErrTimeout) {
			return Page{}, err
		}
		return Page{}, fmt.Errorf("pdftoppm page %d: %w: %w", num, err, ErrDamaged)
	}
	pages, err := ocrImage(ctx, prefix+".pgm", lim)
	if err != nil {
		return Page{}, err
	}
	if len(pages) == 0 {
		return Page{Number: num, OCR: true}, nil
	}
	p := pages[0]
	p.Number = num
	return p, nil
}

// layout is one page's words, placed: body blocks of lines, and the lines of the right-hand
// margin column apart. Words are added in reading order with their boxes; a word that starts
// in the margin zone at the start of a line or after a wide gap moves the rest of its line
// to the margin (OCR often joins the body's and the margin's words into one line).
type layout struct {
	width  float64
	blocks []block
	margin []marginLine
	// state of the line being built
	curLine        string
	lastX1         float64
	prevY0, prevY1 float64
	inMargin       bool
	lineStarted    bool
}

type block struct {
	lines [][]string
}

type marginLine struct {
	y     float64
	words []string
}

// add places one word. lineKey identifies its line; body lines are grouped into blocks by
// vertical gaps (a gap taller than most of a line starts a new block), which works the same
// for a text layer and for OCR, whatever blocks the tool itself found.
func (l *layout) add(lineKey string, x0, y0, x1, y1 float64, text string) {
	newLine := lineKey != l.curLine
	if newLine {
		l.curLine, l.inMargin, l.lineStarted = lineKey, false, false
	}
	zone := l.width > 0 && x0 >= marginFrom*l.width
	if zone && !l.inMargin && (!l.lineStarted || x0-l.lastX1 > marginGap*l.width) {
		l.inMargin = true
		l.margin = append(l.margin, marginLine{y: y0})
	}
	l.lastX1 = x1
	if l.inMargin {
		m := &l.margin[len(l.margin)-1]
		m.words = append(m.words, text)
		return
	}
	if !l.lineStarted {
		l.lineStarted = true
		h := l.prevY1 - l.prevY0
		if len(l.blocks) == 0 || y0-l.prevY1 > 0.8*h || y0 < l.prevY0 {
			l.blocks = append(l.blocks, block{})
		}
		b := &l.blocks[len(l.blocks)-1]
		b.lines = append(b.lines, nil)
		l.prevY0, l.prevY1 = y0, y1
	}
	if y1 > l.prevY1 {
		l.prevY1 = y1
	}
	b := &l.blocks[len(l.blocks)-1]
	b.lines[len(b.lines)-1] = append(b.lines[len(b.lines)-1], text)
}

// marginGap is the horizontal gap, as a share of the page width, that separates a body word
// from a margin word on the same line (a word space is about 0.5 %).
const marginGap = 0.04

func (l *layout) letters() int {
	n := 0
	count := func(ws []string) {
		for _, w := range ws {
			for _, r := range w {
				if unicode.IsLetter(r) {
					n++
				}
			}
		}
	}
	for _, b := range l.blocks {
		for _, ln := range b.lines {
			count(ln)
		}
	}
	for _, m := range l.margin {
		count(m.words)
	}
	return n
}

// text renders the page: body blocks in reading order, and the margin lines top to bottom
// (a gap between margin lines becomes a blank line).
func (l *layout) text() (body, margin string) {
	var parts []string
	for _, b := range l.blocks {
		if s := b.render(); s != "" {
			parts = append(parts, s)
		}
	}
	ms := append([]marginLine(nil), l.margin...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].y < ms[j].y })
	var mlines []string
	for _, m := range ms {
		if s := strings.TrimSpace(strings.Join(m.words, " ")); s != "" {
			mlines = append(mlines, s)
		}
	}
	return strings.Join(parts, "\n\n"), strings.Join(mlines, "\n")
}

func (b block) render() string {
	var lines []string
	for _, ln := range b.lines {
		if s := strings.TrimSpace(strings.Join(ln, " ")); s != "" {
			lines = append(lines, s)
		}
	}
	return strings.Join(lines, "\n")
}

// parseBBox reads pdftotext -bbox-layout's XHTML: pages of flows of blocks of lines of words.
func parseBBox(data []byte) ([]*layout, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var pages []*layout
	var cur *layout
	var nBlock, nLine int
	var inWord bool
	var wx0, wy0, wx1, wy1 float64
	var word strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "page":
				cur = &layout{width: attrF(t, "width")}
				pages = append(pages, cur)
			case "block":
				nBlock++
			case "line":
				nLine++
			case "word":
				inWord = true
				wx0, wy0, wx1, wy1 = attrF(t, "xMin"), attrF(t, "yMin"), attrF(t, "xMax"), attrF(t, "yMax")
				word.Reset()
			}
		case xml.CharData:
			if inWord {
				word.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local == "word" && inWord {
				inWord = false
				if cur != nil {
					cur.add(strconv.Itoa(nBlock)+"."+strconv.Itoa(nLine), wx0, wy0, wx1, wy1, word.String())
				}
			}
		}
	}
	return pages, nil
}

func attrF(t xml.StartElement, name string) float64 {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			f, _ := strconv.ParseFloat(a.Value, 64)
			return f
		}
	}
	return 0
}
