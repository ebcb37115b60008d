package omgjort

import (
	"net/url"
	"strings"
)

// Act is a Danish act that Ankestyrelsen's decisions cite, with every name legal staff use for
// it: the short name, the long name and the abbreviations. One table serves the citation
// extractor (which act a "§" belongs to), the search (`§:"sdpl § 54"`, the thesaurus that lets
// "LAS" find "aktivloven") and the decision page (the act's name and its link).
type Act struct {
	// Key is the act's short name in lower case ("aktivloven"): the normalised Citation.Act.
	Key string
	// Names are the other written names (lower case): long forms and older names.
	Names []string
	// Abbrevs are the abbreviations used in practice ("LAS").
	Abbrevs []string
}

// Title is the act's name as shown: the short name with its first letter in capitals.
func (a Act) Title() string {
	if a.Key == "" {
		return ""
	}
	return strings.ToUpper(a.Key[:1]) + a.Key[1:]
}

// URL is a search for the act on retsinformation.dk, where its current consolidation is found.
func (a Act) URL() string {
	name := a.Key
	if len(a.Names) > 0 {
		name = a.Names[0]
	}
	return "https://www.retsinformation.dk/documents?t=" + url.QueryEscape(name)
}

// Acts lists the acts the decisions cite most (the employment and social areas). Names are
// matched in lower case; genitive forms ("aktivlovens") are found by ActByName.
var Acts = []Act{
	{Key: "aktivloven", Names: []string{"lov om aktiv socialpolitik"}, Abbrevs: []string{"las"}},
	{Key: "beskæftigelsesloven", Names: []string{"lov om en aktiv beskæftigelsesindsats", "lov om aktiv beskæftigelsesindsats", "lov om beskæftigelsesindsatsen", "lab-loven"}, Abbrevs: []string{"lab", "bel"}},
	{Key: "retssikkerhedsloven", Names: []string{"lov om retssikkerhed og administration på det sociale område"}, Abbrevs: []string{"rsl"}},
	{Key: "forvaltningsloven", Abbrevs: []string{"fvl"}},
	{Key: "sygedagpengeloven", Names: []string{"lov om sygedagpenge"}, Abbrevs: []string{"sdpl", "sdl"}},
	{Key: "serviceloven", Names: []string{"lov om social service"}, Abbrevs: []string{"sel"}},
	{Key: "barnets lov", Abbrevs: []string{"bl"}},
	{Key: "pensionsloven", Names: []string{"lov om social pension"}, Abbrevs: []string{"pl"}},
	{Key: "boligstøtteloven", Names: []string{"lov om individuel boligstøtte"}, Abbrevs: []string{"bsl"}},
	{Key: "arbejdsskadesikringsloven", Names: []string{"lov om arbejdsskadesikring"}, Abbrevs: []string{"asl"}},
	{Key: "offentlighedsloven", Names: []string{"lov om offentlighed i forvaltningen"}, Abbrevs: []string{"offl"}},
	{Key: "integrationsloven", Names: []string{"lov om integration af udlændinge i danmark"}, Abbrevs: []string{"inl"}},
	{Key: "barselsloven", Names: []string{"lov om ret til orlov og dagpenge ved barsel"}, Abbrevs: []string{"barsl"}},
	{Key: "lov om arbejdsløshedsforsikring", Names: []string{"arbejdsløshedsforsikringsloven"}, Abbrevs: []string{"alf"}},
	{Key: "lov om kompensation til handicappede i erhverv", Names: []string{"kompensationsloven"}, Abbrevs: []string{"khl"}},
}

// ActByName returns the act a name, long form, abbreviation or genitive form refers to
// ("sdpl", "sygedagpengelovens", "lov om aktiv socialpolitik"), case-insensitively.
func ActByName(name string) (Act, bool) {
	n := strings.Join(strings.Fields(strings.ToLower(strings.TrimSpace(name))), " ")
	n = strings.TrimSuffix(strings.TrimSuffix(n, "."), ":")
	if n == "" {
		return Act{}, false
	}
	for _, cand := range []string{n, genitiveBase(n)} {
		for _, a := range Acts {
			if a.Key == cand {
				return a, true
			}
			for _, x := range a.Names {
				if x == cand {
					return a, true
				}
			}
			for _, x := range a.Abbrevs {
				if x == cand {
					return a, true
				}
			}
		}
	}
	return Act{}, false
}

// genitiveBase turns "aktivlovens" into "aktivloven" and "barnets lovs" into "barnets lov".
func genitiveBase(n string) string {
	for _, s := range actSuffixes {
		if strings.HasSuffix(n, s.gen) {
			return strings.TrimSuffix(n, s.gen) + s.base
		}
	}
	return n
}

// NormalizeAct returns the key of a known act, or the name as given (lower case) when it is not
// in Acts.
func NormalizeAct(name string) string {
	if a, ok := ActByName(name); ok {
		return a.Key
	}
	return strings.ToLower(strings.TrimSpace(name))
}

// ActOfLaw returns the act a decision's law tag names ("Sygedagpengeloven", "Lov om en aktiv
// beskæftigelsesindsats"), for the bare provisions of the Paragraf metadata.
func ActOfLaw(law string) (Act, bool) { return ActByName(law) }

// Provision is one cited provision split into its parts, so that a search for
// `§:"sygedagpengeloven 54"` finds "§ 54, stk. 1" of that act and no other act's § 54.
type Provision struct {
	// Act is the act's key (see Acts) or the act as written; "" when neither the text nor the
	// decision's law tags say which act.
	Act string `json:"act,omitempty"`
	// Section is the paragraph number ("54", "13 f"); a list or range keeps its words
	// ("109 og 110", "22-24").
	Section string `json:"section"`
	Stk     string `json:"stk,omitempty"`
	Nr      string `json:"nr,omitempty"`
	Pkt     string `json:"pkt,omitempty"`
	// Text is the provision as written ("sygedagpengelovens § 54, stk. 1").
	Text string `json:"text"`
	// Meta is true for a provision of the page's Paragraf list rather than its text.
	Meta bool `json:"meta,omitempty"`
}

// ParseParagraph splits a normalised paragraph ("§ 14, stk. 1 og 2", "§§ 109 og 110",
// "§ 13, stk. 7, nr. 2, 2. pkt.") into a Provision without act. ok is false when p has no
// paragraph number.
func ParseParagraph(p string) (Provision, bool) {
	s := strings.TrimSpace(p)
	if !strings.HasPrefix(s, "§") {
		s = "§ " + s
	}
	c, _, ok := paragraphAt(s, 0)
	if !ok {
		return Provision{}, false
	}
	out := Provision{Text: strings.TrimSpace(p)}
	parts := strings.Split(c.Paragraph, ", ")
	out.Section = strings.TrimSpace(strings.TrimLeft(parts[0], "§ "))
	for _, q := range parts[1:] {
		switch {
		case strings.HasPrefix(q, "stk. "):
			out.Stk = strings.TrimPrefix(q, "stk. ")
		case strings.HasPrefix(q, "nr. "):
			out.Nr = strings.TrimPrefix(q, "nr. ")
		case strings.HasSuffix(q, ". pkt."):
			out.Pkt = strings.TrimSuffix(q, ". pkt.")
		}
	}
	if c.Act != "" {
		out.Act = NormalizeAct(c.Act)
	}
	return out, true
}

// numbersOf expands "109 og 110", "22-24", "1 og 2" into its numbers (a paragraph letter
// stays with its number: "13 f").
func numbersOf(s string) []string {
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, " eller ", " og "), ", ", " og "), " og ") {
		part = strings.TrimSpace(part)
		if a, b, ok := strings.Cut(part, "-"); ok {
			lo, hi := atoiSmall(a), atoiSmall(b)
			if lo > 0 && hi >= lo && hi-lo <= 50 {
				for n := lo; n <= hi; n++ {
					out = append(out, itoa(n))
				}
				continue
			}
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

func atoiSmall(s string) int {
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if r < '0' || r > '9' || n > 100000 {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Keys are the search terms of a provision: "act|§" and, when given, "act|§|stk. N" for each
// paragraph and stk. it names, so `§:"aktivloven 14"` and `§:"aktivloven § 14, stk. 2"` both
// find "aktivlovens § 14, stk. 1 og 2". An act-less provision has the act "".
func (p Provision) Keys() []string {
	var out []string
	for _, sec := range numbersOf(p.Section) {
		base := p.Act + "|" + sec
		out = append(out, base)
		for _, stk := range numbersOf(p.Stk) {
			out = append(out, base+"|stk. "+stk)
		}
	}
	return out
}

// ProvisionsOf returns the provisions a decision cites: those in its text with the act the text
// names, and those of its Paragraf list, whose act is the decision's law tag when its tags name
// exactly one act, or else the act the text names for the same paragraph.
func ProvisionsOf(d *Decision) []Provision {
	var out []Provision
	byPara := map[string]string{}
	cits := d.Citations
	if cits == nil {
		cits = ExtractCitations(d.Text())
	}
	for _, c := range cits {
		if c.Kind != CitationParagraph {
			continue
		}
		p, ok := ParseParagraph(c.Paragraph)
		if !ok {
			continue
		}
		p.Text = c.Text
		if c.Act != "" {
			p.Act = NormalizeAct(c.Act)
			for _, sec := range numbersOf(p.Section) {
				if _, seen := byPara[sec]; !seen {
					byPara[sec] = p.Act
				}
			}
		}
		out = append(out, p)
	}
	var lawAct string
	acts := map[string]bool{}
	for _, l := range d.Laws {
		if a, ok := ActOfLaw(l); ok {
			acts[a.Key] = true
			lawAct = a.Key
		}
	}
	if len(acts) != 1 {
		lawAct = ""
	}
	for _, para := range d.Paragraphs {
		p, ok := ParseParagraph(para)
		if !ok {
			continue
		}
		p.Meta = true
		if p.Act == "" {
			p.Act = lawAct
			if secs := numbersOf(p.Section); p.Act == "" && len(secs) > 0 {
				p.Act = byPara[secs[0]]
			}
		}
		out = append(out, p)
	}
	return out
}
