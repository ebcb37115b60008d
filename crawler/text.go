package crawler

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockKind tells how a block of text was marked up, because headings and list items are
// rendered differently in the plain text and headings can start a case letter.
type blockKind int

const (
	blockPara blockKind = iota
	blockHeading
	blockItem
)

// block is one paragraph-level piece of text: a <p>, a heading, a list item or loose text
// between blocks. Text is already whitespace-normalised; a <br> survives as "\n".
type block struct {
	kind blockKind
	text string
}

// skipElements are never part of a decision's text: page chrome, scripts and the accordion
// buttons (their text is the section heading, read separately).
var skipElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Footer: true, atom.Header: true, atom.Nav: true, atom.Form: true,
	atom.Button: true, atom.Svg: true, atom.Iframe: true, atom.Head: true,
}

// blockElements end the running paragraph when they open or close.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Thead: true, atom.Tbody: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Blockquote: true, atom.Pre: true, atom.Address: true, atom.Figure: true,
	atom.Figcaption: true, atom.Aside: true, atom.Hr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

func isHeadingAtom(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// blockWriter collects inline text until a block boundary and then emits it as a block.
type blockWriter struct {
	buf    strings.Builder
	kind   blockKind
	blocks []block
}

func (w *blockWriter) flush() {
	t := cleanLines(w.buf.String())
	w.buf.Reset()
	if t != "" {
		w.blocks = append(w.blocks, block{kind: w.kind, text: t})
	}
	w.kind = blockPara
}

// blocksOf returns the paragraph-level text blocks under the given nodes, in document order.
// Entities are decoded by the HTML parser; chrome elements (footer, nav …) are skipped.
func blocksOf(nodes ...*html.Node) []block {
	w := &blockWriter{}
	for _, n := range nodes {
		walkBlocks(w, n)
		w.flush()
	}
	return w.blocks
}

func walkBlocks(w *blockWriter, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.buf.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipElements[n.DataAtom] {
			return
		}
		if n.DataAtom == atom.Br {
			w.buf.WriteString("\n")
			return
		}
		if blockElements[n.DataAtom] {
			w.flush()
			switch {
			case isHeadingAtom(n.DataAtom):
				w.kind = blockHeading
			case n.DataAtom == atom.Li:
				w.kind = blockItem
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walkBlocks(w, c)
			}
			// The kind applies to the text directly inside this element; a nested block
			// has already flushed its own text.
			switch {
			case isHeadingAtom(n.DataAtom):
				w.kind = blockHeading
			case n.DataAtom == atom.Li:
				w.kind = blockItem
			}
			w.flush()
			return
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkBlocks(w, c)
	}
}

// cleanLines collapses every run of whitespace to one space, keeps the "\n" of <br> as line
// breaks, and trims each line; empty lines are dropped.
func cleanLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = collapseSpace(l)
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// collapseSpace turns every run of white space (including no-break and other Unicode spaces)
// into a single space and trims the ends.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2007', '\u202f', '\u2009', '\u200a',
		'\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2008', '\u3000', '\u200b', '\ufeff':
		return true
	}
	return false
}

// renderBlocks turns blocks into the plain text form of omgjort.Section and omgjort.Case:
// paragraphs separated by "\n\n", list items prefixed "• ".
func renderBlocks(bs []block) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		if b.kind == blockItem {
			parts = append(parts, "• "+b.text)
		} else {
			parts = append(parts, b.text)
		}
	}
	return strings.Join(parts, "\n\n")
}

// nodeText is the whitespace-collapsed text content of n (for titles, tags and buttons).
func nodeText(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return collapseSpace(b.String())
}

// HTMLText is the plain text of any HTML page (a letter saved as HTML, a page that is not in
// ast.dk's markup), in the form the classifier reads: paragraphs and headings separated by a
// blank line, list items prefixed "• ", scripts, styles and page chrome left out.
func HTMLText(body []byte) (string, error) {
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	return renderBlocks(blocksOf(doc)), nil
}
