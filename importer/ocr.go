package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ocrImage reads an image file (PNG, JPEG, TIFF — a multi-page TIFF gives several pages)
// with Tesseract's Danish model. Word boxes place the blocks, so the margin column is split
// off as for a text layer, and the words' confidences give the page's.
func ocrImage(ctx context.Context, path string, lim Limits) ([]Page, error) {
	out, stderr, err := runTool(ctx, lim, "tesseract-ocr-dan", "tesseract", path, "stdout", "-l", "dan", "--psm", "3", "tsv")
	if err != nil {
		if errors.Is(err, ErrToolMissing) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrBomb) {
			return nil, err
		}
		if strings.Contains(string(stderr), "Failed loading language") {
			return nil, &toolError{tool: "tesseract -l dan", pkg: "tesseract-ocr-dan"}
		}
		return nil, fmt.Errorf("tesseract: %w: %w", err, ErrDamaged)
	}
	return parseTSV(string(out), lim)
}

// parseTSV turns Tesseract's TSV (level, page, block, paragraph, line, word, box, conf, text)
// into pages. Each paragraph is a block placed at its own left edge.
func parseTSV(tsv string, lim Limits) ([]Page, error) {
	type pageAcc struct {
		l     *layout
		sum   float64
		words int
	}
	var pages []*pageAcc
	var cur *pageAcc
	for i, row := range strings.Split(tsv, "\n") {
		if i == 0 || row == "" {
			continue
		}
		f := strings.Split(row, "\t")
		if len(f) < 12 {
			continue
		}
		num := func(k int) float64 { v, _ := strconv.Atoi(f[k]); return float64(v) }
		switch f[0] {
		case "1":
			if len(pages) >= lim.MaxPages {
				return nil, fmt.Errorf("more than %d pages: %w", lim.MaxPages, ErrTooManyPage)
			}
			cur = &pageAcc{l: &layout{width: num(8)}}
			pages = append(pages, cur)
		case "5":
			text := strings.TrimSpace(f[11])
			if cur == nil || text == "" {
				continue
			}
			if conf, err := strconv.ParseFloat(f[10], 64); err == nil && conf >= 0 {
				cur.sum += conf
				cur.words++
			}
			cur.l.add(f[2]+"."+f[3]+"."+f[4], num(6), num(7), num(6)+num(8), num(7)+num(9), text)
		}
	}
	out := make([]Page, 0, len(pages))
	for i, p := range pages {
		body, margin := p.l.text()
		conf := 0.0
		if p.words > 0 {
			conf = p.sum / float64(p.words)
		}
		out = append(out, Page{Number: i + 1, Text: body, Margin: margin, OCR: true, Confidence: conf})
	}
	return out, nil
}
