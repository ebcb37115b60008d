package crawler

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"omgjort"
)

// SourceRetsinfo is the omgjort.Decision.Source value of a decision read from
// retsinformation.dk.
const SourceRetsinfo = "retsinformation"

// ErrNotOurs is wrapped by ParseLexDania's error for a well-formed document that is not an
// Ankestyrelsen KEN (a law, an order, another authority's decision): the feed carries many,
// and they are skipped, not counted as parse failures.
var ErrNotOurs = errors.New("not a decision of Ankestyrelsen")

// lexMeta is the <Meta> block of a LexDania 2.1 document (source-astdk.md §2.1).
type lexMeta struct {
	DocumentType            string   `xml:"DocumentType"`
	AccessionNumber         string   `xml:"AccessionNumber"`
	DocumentTitle           string   `xml:"DocumentTitle"`
	Year                    string   `xml:"Year"`
	DiesSigni               string   `xml:"DiesSigni"`
	DiesEdicti              string   `xml:"DiesEdicti"`
	Status                  string   `xml:"Status"`
	Number                  string   `xml:"Number"`
	RefText                 []string `xml:"Ref_Text"`
	JournalNumber           string   `xml:"JournalNumber"`
	AdministrativeAuthority string   `xml:"AdministrativeAuthority"`
}

// xnode is a generic XML element, enough to walk the LexDania body.
type xnode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []xnode    `xml:",any"`
}

func (n *xnode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *xnode) child(name string) *xnode {
	for i := range n.Nodes {
		if n.Nodes[i].XMLName.Local == name {
			return &n.Nodes[i]
		}
	}
	return nil
}

type lexDoc struct {
	XMLName xml.Name
	Meta    lexMeta `xml:"Meta"`
	Titel   xnode   `xml:"TitelGruppe"`
	Body    xnode   `xml:"DokumentIndhold"`
}

// ParseLexDania reads one retsinformation.dk LexDania XML document (the /eli/…/xml form of a
// principmeddelelse, 2013 or current format) into a Decision. docURL is the document's
// human ELI address when known, else where it was fetched. A document that is not an
// Ankestyrelsen KEN gives an error wrapping ErrNotOurs; one without number or text, an error
// wrapping ErrImplausible. As with ParseDetail, labels are left to the classifier.
func ParseLexDania(docURL string, body []byte) (*omgjort.Decision, error) {
	var doc lexDoc
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("crawler: parse %s: XML: %w", docURL, err)
	}
	if doc.XMLName.Local != "Dokument" {
		return nil, fmt.Errorf("crawler: parse %s: root element <%s>, want <Dokument>: %w", docURL, doc.XMLName.Local, ErrImplausible)
	}
	m := doc.Meta
	typ := strings.ToUpper(strings.TrimSpace(m.DocumentType))
	if !strings.HasPrefix(typ, "KEN") || !strings.EqualFold(strings.TrimSpace(m.AdministrativeAuthority), "Ankestyrelsen") {
		return nil, fmt.Errorf("crawler: parse %s: document type %q by %q: %w", docURL, m.DocumentType, m.AdministrativeAuthority, ErrNotOurs)
	}
	d := &omgjort.Decision{Source: SourceRetsinfo, URL: docURL}
	d.Title = collapseSpace(m.DocumentTitle)
	if d.Title == "" {
		d.Title = collapseSpace(strings.Join(charTexts(&doc.Titel), " "))
	}
	d.Number = findNumber(d.Title)
	if d.Number == "" {
		return nil, fmt.Errorf("crawler: parse %s: no principmeddelelse number in the title %q: %w", docURL, d.Title, ErrImplausible)
	}
	d.ID = omgjort.NormalizeNumber(d.Number)
	d.Signed = isoOrEmpty(m.DiesSigni)
	d.Published = isoOrEmpty(m.DiesEdicti)
	d.Journal = strings.TrimSpace(m.JournalNumber)
	d.Status = omgjort.StatusGaeldende
	if s := strings.TrimSpace(m.Status); s != "" && !strings.EqualFold(s, "Valid") {
		d.Status = omgjort.StatusHistorisk
	}
	d.Laws = []string{}
	for _, t := range m.RefText {
		if law := lawName(t); law != "" {
			d.Laws = append(d.Laws, law)
		}
	}
	d.Keywords = TitleKeywords(d.Title)
	d.Paragraphs = []string{}
	d.Numbers = []string{d.Number}

	var sections []rawSection
	var cur *rawSection
	concrete := false
	for _, part := range []string{"Resume", "TekstGruppe"} {
		p := doc.Body.child(part)
		if p == nil {
			continue
		}
		for _, b := range lexBlocks(p) {
			if b.bold && !concrete {
				sections = append(sections, rawSection{heading: b.text})
				cur = &sections[len(sections)-1]
				concrete = concreteHeadRe.MatchString(cur.heading)
				continue
			}
			if cur == nil {
				sections = append(sections, rawSection{})
				cur = &sections[len(sections)-1]
			}
			cur.blocks = append(cur.blocks, b.block)
		}
	}
	return finish(d, sections, docURL)
}

// isoOrEmpty accepts the XML's YYYY-MM-DD dates and drops anything else.
func isoOrEmpty(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	return isoDate(s)
}

// lawName turns a Concerns/Ref_Text title ("Bekendtgørelse af lov om en børne- og
// ungeydelse") into the law's name ("Lov om en børne- og ungeydelse").
func lawName(refText string) string {
	t := collapseSpace(refText)
	low := strings.ToLower(t)
	for _, p := range []string{"bekendtgørelse af ", "lovbekendtgørelse af "} {
		if strings.HasPrefix(low, p) {
			t = t[len(p):]
			break
		}
	}
	if t == "" {
		return ""
	}
	r := []rune(t)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// TitleKeywords returns the keywords a title lists after its number ("… 11-23 om børne- og
// ungeydelse - ligedeling - nye regler" → "børne- og ungeydelse", "ligedeling", "nye
// regler"). Separators are en dashes, spaced hyphens and commas, as published. A title
// without " om " has none. It never returns nil.
func TitleKeywords(title string) []string {
	out := []string{}
	i := strings.Index(title, " om ")
	if i < 0 {
		return out
	}
	rest := title[i+len(" om "):]
	rest = strings.NewReplacer(" – ", "\x00", " — ", "\x00", " - ", "\x00", ", ", "\x00").Replace(rest)
	seen := map[string]bool{}
	for _, k := range strings.Split(rest, "\x00") {
		k = strings.Trim(collapseSpace(k), "-–, ")
		if k == "" || seen[strings.ToLower(k)] {
			continue
		}
		seen[strings.ToLower(k)] = true
		out = append(out, k)
	}
	return out
}

// lexBlock is a block of LexDania text; bold marks a main heading, which starts a section.
type lexBlock struct {
	block
	bold bool
}

// lexBlocks flattens a Resume or TekstGruppe into blocks: each <Exitus> is a paragraph (its
// <Linea>s are lines), a paragraph whose text is all bold or all italic is a heading, and
// each <Indentatio> of an <Index> is a list item. Empty <Exitus/> separators vanish.
func lexBlocks(n *xnode) []lexBlock {
	var out []lexBlock
	var walk func(n *xnode)
	walk = func(n *xnode) {
		for i := range n.Nodes {
			c := &n.Nodes[i]
			switch c.XMLName.Local {
			case "Exitus":
				if idx := c.child("Index"); idx != nil {
					for j := range idx.Nodes {
						it := &idx.Nodes[j]
						if it.XMLName.Local != "Indentatio" {
							continue
						}
						var parts []string
						for k := range it.Nodes {
							if it.Nodes[k].XMLName.Local == "Explicatus" {
								continue
							}
							if t := cleanLines(strings.Join(lineTexts(&it.Nodes[k]), "\n")); t != "" {
								parts = append(parts, t)
							}
						}
						if t := strings.Join(parts, "\n"); t != "" {
							out = append(out, lexBlock{block: block{kind: blockItem, text: t}})
						}
					}
				}
				lines, format := exitusLines(c)
				text := cleanLines(strings.Join(lines, "\n"))
				if text == "" {
					continue
				}
				switch format {
				case "Bold", "Italic":
					out = append(out, lexBlock{block: block{kind: blockHeading, text: collapseSpace(text)}, bold: format == "Bold"})
				default:
					out = append(out, lexBlock{block: block{kind: blockPara, text: text}})
				}
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return out
}

// exitusLines returns the text of each <Linea> directly in an <Exitus>, and the formaChar
// shared by all its non-empty <Char>s ("" when mixed or plain).
func exitusLines(e *xnode) ([]string, string) {
	var lines []string
	format, first := "", true
	for i := range e.Nodes {
		l := &e.Nodes[i]
		if l.XMLName.Local != "Linea" {
			continue
		}
		var b strings.Builder
		for j := range l.Nodes {
			ch := &l.Nodes[j]
			t := charText(ch)
			if strings.TrimSpace(t) == "" {
				continue
			}
			f := ch.attr("formaChar")
			if first {
				format, first = f, false
			} else if f != format {
				format = ""
			}
			b.WriteString(t)
		}
		lines = append(lines, b.String())
	}
	if format == "Underline" {
		format = ""
	}
	return lines, format
}

// lineTexts returns the text of every <Linea> below n, one per line.
func lineTexts(n *xnode) []string {
	var out []string
	if n.XMLName.Local == "Linea" {
		return []string{strings.Join(charTexts(n), "")}
	}
	for i := range n.Nodes {
		out = append(out, lineTexts(&n.Nodes[i])...)
	}
	return out
}

// charTexts returns the text of every <Char> below n in document order.
func charTexts(n *xnode) []string {
	var out []string
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.XMLName.Local == "Char" {
			out = append(out, charText(c))
			continue
		}
		out = append(out, charTexts(c)...)
	}
	return out
}

// charText is a <Char>'s text including any nested markup's text.
func charText(c *xnode) string {
	if len(c.Nodes) == 0 {
		return c.Text
	}
	var b strings.Builder
	b.WriteString(c.Text)
	for i := range c.Nodes {
		b.WriteString(charText(&c.Nodes[i]))
	}
	return b.String()
}
