package lettergen

import "strings"

// Plain is a letter written out by hand rather than generated: the right-hand margin column's
// lines, and a body whose first block (up to the first blank line) is the address block, the
// rest paragraphs separated by blank lines. Tests and the demo that need one particular letter
// use it, so every fictitious letter is rendered (Document.PDF) and scanned (Scan) by the same
// code. It plants nothing and knows no outcome: Planted and Cases are empty.
func Plain(margin []string, body string) *Letter {
	// The address block starts below the margin column, which a hand-written letter may make
	// long (a CPR line at the foot of it), so OCR never reads the two as one line.
	l := &Letter{MarginColumn: true, margin: append([]string(nil), margin...), blockTop: max(45, 20+4.4*float64(len(margin))+6)}
	blocks := strings.Split(body, "\n\n")
	if len(blocks) > 0 {
		l.block = strings.Split(blocks[0], "\n")
		blocks = blocks[1:]
	}
	for _, b := range blocks {
		if strings.TrimSpace(b) != "" {
			l.body = append(l.body, para{text: b})
		}
	}
	l.Text = strings.Join(margin, "\n") + "\n\n" + body
	return l
}
