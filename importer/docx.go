package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// extractDOCX reads word/document.xml's paragraphs (w:p) of runs (w:t, w:tab, w:br). The
// part is read through a limit, so a zip whose headers lie about its size stops at
// MaxUnpacked like an honest one.
func extractDOCX(data []byte, lim Limits) ([]Page, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("docx: %w: %w", err, ErrDamaged)
	}
	var total uint64
	var doc *zip.File
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if total > uint64(lim.MaxUnpacked) {
		return nil, fmt.Errorf("docx: %d bytes unpacked: %w", total, ErrBomb)
	}
	if doc == nil {
		return nil, fmt.Errorf("docx: no word/document.xml: %w", ErrDamaged)
	}
	rc, err := doc.Open()
	if err != nil {
		return nil, fmt.Errorf("docx: %w: %w", err, ErrDamaged)
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: lim.MaxUnpacked + 1}
	dec := xml.NewDecoder(lr)
	var paras []string
	var p strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if lr.N <= 0 {
			return nil, fmt.Errorf("docx: document.xml beyond %d bytes: %w", lim.MaxUnpacked, ErrBomb)
		}
		if err != nil {
			return nil, fmt.Errorf("docx: %w: %w", err, ErrDamaged)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				p.WriteByte(' ')
			case "br", "cr":
				p.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				paras = append(paras, strings.TrimSpace(p.String()))
				p.Reset()
			}
		case xml.CharData:
			if inText {
				p.Write(t)
			}
		}
	}
	// Consecutive non-empty paragraphs are lines of one block (an address block is written
	// as one paragraph per line); an empty paragraph ends a block.
	var blocks []string
	var cur []string
	for _, s := range append(paras, "") {
		if s == "" {
			if len(cur) > 0 {
				blocks = append(blocks, strings.Join(cur, "\n"))
				cur = nil
			}
			continue
		}
		cur = append(cur, s)
	}
	return []Page{{Number: 1, Text: strings.Join(blocks, "\n\n"), Confidence: 100}}, nil
}

// decodeText reads text as UTF-8, or as Windows-1252 (a superset of Latin-1, what older
// Danish systems write) when it is not valid UTF-8.
func decodeText(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if utf8.Valid(b) {
		return string(b)
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
	}
	return string(s)
}

// normaliseText makes line ends "\n" and collapses runs of blank lines to one.
func normaliseText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\f", "\n\n")
	lines := strings.Split(s, "\n")
	var out []string
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if strings.TrimSpace(l) == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// extractEmail reads an e-mail: the letter is its attachments (PDF, DOCX, images, text), in
// order; without one, the text body is the letter. Headers (sender, recipient, subject) are
// left out: they name people and are not part of the decision.
func extractEmail(ctx context.Context, data []byte, lim Limits) ([]Page, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("eml: %w: %w", err, ErrDamaged)
	}
	var attached, bodies []Page
	budget := lim.MaxUnpacked
	var walk func(h map[string][]string, r io.Reader, depth int) error
	walk = func(h map[string][]string, r io.Reader, depth int) error {
		if depth > 10 {
			return fmt.Errorf("eml: nested too deep: %w", ErrDamaged)
		}
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		ctype, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			ctype, params = "text/plain", map[string]string{}
		}
		if strings.HasPrefix(ctype, "multipart/") {
			mr := multipart.NewReader(r, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return fmt.Errorf("eml: %w: %w", err, ErrDamaged)
				}
				if err := walk(part.Header, part, depth+1); err != nil {
					return err
				}
			}
		}
		var body io.Reader = r
		switch strings.ToLower(get("Content-Transfer-Encoding")) {
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, newlineStripper{r})
		case "quoted-printable":
			body = quotedprintable.NewReader(r)
		}
		lr := &io.LimitedReader{R: body, N: budget + 1}
		content, err := io.ReadAll(lr)
		if err != nil {
			return fmt.Errorf("eml: %w: %w", err, ErrDamaged)
		}
		budget -= int64(len(content))
		if budget < 0 {
			return fmt.Errorf("eml: beyond %d bytes unpacked: %w", lim.MaxUnpacked, ErrBomb)
		}
		name := ""
		if _, dp, err := mime.ParseMediaType(get("Content-Disposition")); err == nil {
			name = dp["filename"]
		}
		if name == "" {
			name = params["name"]
		}
		if name != "" || !strings.HasPrefix(ctype, "text/") {
			if name == "" {
				exts, _ := mime.ExtensionsByType(ctype)
				if len(exts) > 0 {
					name = "vedhæftet" + exts[0]
				}
			}
			if kindOf(name, content) == "" || kindOf(name, content) == KindEmail && depth > 5 {
				return nil // a logo, a signature file: not the letter
			}
			d, err := extract(ctx, filepath.Base(name), content, "", lim)
			if err != nil {
				if errors.Is(err, ErrEmpty) {
					return nil
				}
				return err
			}
			attached = append(attached, d.Pages...)
			return nil
		}
		text := decodeText(content)
		if ctype == "text/html" {
			return nil // the plain part of an alternative says the same
		}
		if cs := strings.ToLower(params["charset"]); cs == "iso-8859-1" || cs == "windows-1252" {
			if s, err := charmap.Windows1252.NewDecoder().Bytes(content); err == nil {
				text = string(s)
			}
		}
		bodies = append(bodies, Page{Text: normaliseText(text), Confidence: 100})
		return nil
	}
	if err := walk(msg.Header, msg.Body, 0); err != nil {
		return nil, err
	}
	pages := attached
	if len(pages) == 0 {
		pages = bodies
	}
	for i := range pages {
		pages[i].Number = i + 1
	}
	return pages, nil
}

// newlineStripper drops line breaks so base64 of any line length decodes.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
