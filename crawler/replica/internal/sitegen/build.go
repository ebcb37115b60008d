package sitegen

import (
	"fmt"
	"strings"
	"time"

	"omgjort"
)

// block is one element inside a rich-text div.
type block struct {
	tag   string // "p", "h3" or "ul"
	text  string
	items []string
}

func p(s string) block          { return block{tag: "p", text: s} }
func h3(s string) block         { return block{tag: "h3", text: s} }
func ul(items ...string) block  { return block{tag: "ul", items: items} }
func (b block) plain() string   { return strings.Join(append([]string{b.text}, b.items...), " ") }
func (b block) isHeading() bool { return b.tag == "h3" }

// section is one accordion item: the button heading and the rich-text blocks.
type section struct {
	heading string
	blocks  []block
}

// page is one generated principmeddelelse, ready to render.
type page struct {
	number    string
	folder    string
	slug      string
	title     string
	laws      []string
	keywords  []string
	status    omgjort.Status
	authority string
	sections  []section
	signed    string // dd.mm.yyyy or ""
	published time.Time
	lastmod   string
	paragraf  string
	journal   string
	note      string
	numbers   []string
	cases     []ExpectedCase
}

func (p *page) path() string {
	return "/for-myndigheder/principmeddelelser/" + p.folder + "/" + p.slug
}

func (p *page) expected() ExpectedDecision {
	outs := make([]omgjort.Outcome, 0, len(p.cases))
	for _, c := range p.cases {
		outs = append(outs, c.Outcome)
	}
	roll, _ := omgjort.RollUp(outs)
	signed := ""
	if p.signed != "" {
		t, _ := time.Parse("02.01.2006", p.signed)
		signed = isoDate(t)
	}
	cases := p.cases
	if cases == nil {
		cases = []ExpectedCase{}
	}
	return ExpectedDecision{
		Number: p.number, ID: omgjort.NormalizeNumber(p.number), Title: p.title, Path: p.path(),
		Status: string(p.status), Journal: p.journal, Published: isoDate(p.published), Signed: signed,
		Lastmod: p.lastmod, Laws: p.laws, Keywords: p.keywords, Authority: p.authority,
		Numbers: p.numbers, Outcome: roll, Cases: cases,
	}
}

// inst holds the words for the first instance in one letter.
type inst struct {
	name, gen   string // "X Kommune", "X Kommunes"
	short, gens string // "kommunen", "kommunens"
}

func (i inst) vars() map[string]string {
	return map[string]string{
		"{mun}": i.name, "{muns}": i.gen, "{inst}": i.short, "{insts}": i.gens,
		"{Inst}": upper(i.short), "{Insts}": upper(i.gens),
	}
}

func upper(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' || r[0] == 'æ' || r[0] == 'ø' || r[0] == 'å' {
		return strings.ToUpper(string(r[0])) + string(r[1:])
	}
	return s
}

func fill(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// caseSpec describes one letter on a page.
type caseSpec struct {
	out       omgjort.Outcome
	kritik    string // "", "partshoering", "begrundelse", "genvurdering"
	long      bool   // add the apology for the long case-processing time
	afvistWhy int    // which afvisning reason (0: too late, 1: no decision)
}

// spec describes one page to generate.
type spec struct {
	number    string
	topic     string
	published string // YYYY-MM-DD
	folder    string // "" = the publication year
	cases     []caseSpec
	status    omgjort.Status
	flat      bool   // letters with sub-heads inline in one <p>
	inlineSag bool   // later case headings inline at the end of the previous letter (multi-case)
	extra     string // an extra fact sentence in the first letter
	noParas   bool   // empty Paragraf in the metadata box
	noSigned  bool   // no "Dato for underskrift"
	republish string // for the old page: the new number; for the new page: the old number
	repDate   string // the republication date
	isNew     bool   // this is the republished (Gældende) page
	lastmod   string // "" = the publication date
}

var outcomePast = map[omgjort.Outcome]string{
	omgjort.OutcomeStadfaestet: "stadfæstede", omgjort.OutcomeAendret: "ændrede",
	omgjort.OutcomeOphaevet: "ophævede", omgjort.OutcomeHjemvist: "hjemviste",
}

func buildPages() ([]*page, error) {
	var pages []*page
	seen := map[string]bool{}
	for _, s := range specs() {
		t, ok := topics[s.topic]
		if !ok {
			return nil, fmt.Errorf("sitegen: %s: unknown topic %q", s.number, s.topic)
		}
		if seen[s.number] {
			return nil, fmt.Errorf("sitegen: duplicate number %s", s.number)
		}
		seen[s.number] = true
		pg, err := build(s, t)
		if err != nil {
			return nil, fmt.Errorf("sitegen: %s: %w", s.number, err)
		}
		pages = append(pages, pg)
	}
	return pages, nil
}

// build turns a spec into a page. The text is seeded by the original number, so a
// republished page reads exactly like the page it replaces.
func build(s spec, t *topic) (*page, error) {
	seedNum := s.number
	if s.isNew {
		seedNum = s.republish
	}
	r := newRnd(seedNum)
	pub := day(s.published)
	contentPub := pub
	if s.isNew {
		// The content (dates in the letters) is that of the original publication.
		var orig spec
		for _, o := range specs() {
			if o.number == s.republish {
				orig = o
			}
		}
		contentPub = day(orig.published)
	}
	folder := s.folder
	if folder == "" {
		folder = fmt.Sprint(pub.Year())
	}
	signedT := contentPub.AddDate(0, 0, -r.between(6, 21))

	pg := &page{number: s.number, folder: folder, status: s.status, authority: t.authority,
		laws: t.laws, keywords: t.keywords, published: pub, numbers: []string{s.number}}
	if pg.status == "" {
		pg.status = omgjort.StatusGaeldende
	}
	// Title: keywords joined by a mix of separators, as on the real site.
	seps := []string{" – ", " – ", " - ", ", "}
	var title strings.Builder
	title.WriteString("Ankestyrelsens principmeddelelse " + s.number + " om ")
	for i, k := range t.titleKws {
		if i > 0 {
			title.WriteString(pick(r, seps))
		}
		title.WriteString(k)
	}
	pg.title = title.String()
	pg.slug = "ankestyrelsens-principmeddelelse-" + s.number + "-om-" + slugify(strings.Join(t.titleKws, " "))
	if s.isNew {
		pg.slug += "-2"
	}
	if !s.noSigned {
		pg.signed = shortDate(signedT)
	}
	if !s.noParas {
		pg.paragraf = strings.Join(t.paras, " ")
	}
	pg.lastmod = s.lastmod
	if pg.lastmod == "" {
		pg.lastmod = isoDate(pub)
	}
	if s.republish != "" {
		oldNum, newNum := s.number, s.republish
		if s.isNew {
			oldNum, newNum = s.republish, s.number
		}
		pg.note = fmt.Sprintf("Principmeddelelsen er tidligere offentliggjort som %s, men er den %s genudgivet som %s. Indholdet i meddelelsen er det samme.",
			oldNum, longDate(day(s.repDate)), newNum)
		pg.numbers = append(pg.numbers, s.republish)
	}

	switch t.kind {
	case kindRewrite:
		pg.sections = rewriteSections(t, r)
		pg.journal = fmt.Sprintf("%02d-%05d", contentPub.Year()%100-1, r.between(10000, 99999))
		return pg, nil
	case kindJudgment:
		pg.sections, pg.journal = judgmentSections(t, r, contentPub)
		pg.cases = []ExpectedCase{{ID: "1", Journal: pg.journal, Outcome: omgjort.OutcomeUkendt}}
		return pg, nil
	}

	// Letters.
	multi := len(s.cases) > 1
	type letterOut struct {
		heading string
		blocks  []block
	}
	var letters []letterOut
	var summaries []string
	headStyle := r.intn(3) // single letter: 0 none, 1 "Sag j.nr.", 2 "Sag nr. 1, j.nr."
	for i, cs := range s.cases {
		lr := newRnd(fmt.Sprintf("%s/%d", seedNum, i))
		decided := signedT.AddDate(0, 0, -lr.between(140, 320))
		journal := fmt.Sprintf("%02d-%d", decided.Year()%100, lr.between(10000, 129999))
		in := inst{name: "X Kommune", gen: "X Kommunes", short: "kommunen", gens: "kommunens"}
		if t.authority == "Udbetaling Danmark" {
			in = inst{name: "Udbetaling Danmark", gen: "Udbetaling Danmarks", short: "Udbetaling Danmark", gens: "Udbetaling Danmarks"}
		} else if lr.intn(4) == 0 {
			in = inst{name: "A Kommune", gen: "A Kommunes", short: "kommunen", gens: "kommunens"}
		}
		extra := ""
		if i == 0 {
			extra = s.extra
		}
		blocks, summary := letter(t, cs, in, lr, decided, extra)
		ec := ExpectedCase{ID: fmt.Sprint(i + 1), Outcome: cs.out, Kritik: cs.kritik != ""}
		heading := ""
		switch {
		case multi:
			heading = fmt.Sprintf("Sag nr. %d, j.nr. %s", i+1, journal)
		case headStyle == 1:
			heading = "Sag j.nr. " + journal
		case headStyle == 2:
			heading = "Sag nr. 1, j.nr. " + journal
		}
		if heading != "" {
			ec.Journal = journal
		}
		if i == 0 {
			pg.journal = journal
		}
		pg.cases = append(pg.cases, ec)
		if s.flat {
			blocks = flatten(blocks)
		}
		letters = append(letters, letterOut{heading, blocks})
		if multi {
			summaries = append(summaries, fmt.Sprintf("I sag nr. %d %s", i+1, summary))
		} else {
			summaries = append(summaries, "I den konkrete sag "+summary)
		}
	}

	// Sections before the letters.
	holding := pickN(r, t.holding, 1+r.intn(len(t.holding)))
	var first []block
	for _, h := range holding {
		first = append(first, p(h))
	}
	if multi {
		first = append(first, h3("De konkrete sager"), p(strings.Join(summaries, " ")))
	} else {
		first = append(first, h3("Den konkrete sag"), p(summaries[0]))
	}
	pg.sections = append(pg.sections, section{"Principmeddelelsen fastslår", first})
	if r.intn(5) != 0 {
		n := "sagen"
		if multi {
			n = []string{"", "", "to sager", "tre sager"}[len(s.cases)]
		}
		head := pick(r, []string{"Baggrund for at offentliggøre", "Baggrund for at offentliggøre", "Baggrund for at behandle sagen principielt"})
		if multi && strings.HasSuffix(head, "sagen principielt") {
			head = "Baggrund for at behandle sagerne principielt"
		}
		pg.sections = append(pg.sections, section{head, []block{p(fmt.Sprintf(
			"Ankestyrelsen har behandlet %s principielt. Det har vi gjort for at %s. %s", n, pick(r, t.purpose),
			pick(r, []string{
				"Vi har erfaret, at der er usikkerhed om praksis på området.",
				"Principmeddelelsen præciserer den praksis, som Ankestyrelsen allerede følger.",
				"Der er tale om en præcisering af gældende praksis.",
				"Vi har i flere klagesager set, at reglerne anvendes forskelligt.",
			})))}})
	}
	pg.sections = append(pg.sections, rulesSection(t, r))

	var body []block
	for i, l := range letters {
		if l.heading != "" && !(s.inlineSag && i > 0) {
			body = append(body, h3(l.heading))
		}
		lb := l.blocks
		if s.inlineSag && i > 0 {
			// The heading and the first paragraph run on at the end of the previous letter's
			// last paragraph, as on some real pages.
			last := &body[len(body)-1]
			last.text += " " + l.heading + " " + strings.TrimSpace(lb[0].text)
			lb = lb[1:]
		}
		body = append(body, lb...)
	}
	head := "Den konkrete afgørelse"
	if multi {
		head = "De konkrete afgørelser"
	}
	pg.sections = append(pg.sections, section{head, body})
	return pg, nil
}

func rulesSection(t *topic, r *rnd) section {
	bl := []block{h3("Love og bekendtgørelser"), p(t.lawRef)}
	if t.practice != "" && r.intn(4) != 0 {
		bl = append(bl, h3("Praksis"), p("Følgende principmeddelelser er brugt ved afgørelsen og gælder stadig: "+t.practice))
	} else {
		bl = append(bl, h3("Praksis"), p("Ankestyrelsen har ikke andre principmeddelelser på området."))
	}
	return section{"Reglerne", bl}
}

// letter writes one concrete decision letter and the one-line summary used under
// "Den konkrete sag".
func letter(t *topic, cs caseSpec, in inst, r *rnd, decided time.Time, extra string) ([]block, string) {
	vars := in.vars()
	event := decided.AddDate(0, 0, -r.between(20, 90))
	complaint := decided.AddDate(0, 0, r.between(8, 24))
	if cs.out == omgjort.OutcomeAfvist && cs.afvistWhy == 0 {
		complaint = decided.AddDate(0, 0, r.between(45, 80))
	}
	vars["{d0}"] = longDate(event)
	vars["{d1}"] = longDate(decided)
	vars["{d2}"] = longDate(complaint)
	vars["{amt}"] = fmt.Sprintf("%d.%03d", r.between(2, 38), r.between(0, 999))
	vars["{hours}"] = fmt.Sprint(r.between(6, 19) * 10)
	vars["{weeks}"] = fmt.Sprint(r.between(6, 11))
	vars["{n}"] = fmt.Sprint(r.between(2, 9))
	vars["{dayamt}"] = fmt.Sprint(r.between(9, 19) * 50)
	vars["{rent}"] = fmt.Sprintf("%d.%d00", r.between(3, 6), r.between(0, 9))
	vars["{age}"] = fmt.Sprint(r.between(38, 61))
	vars["{childAge}"] = fmt.Sprint(r.between(7, 15))
	vars["{job}"] = pick(r, []string{"lagerarbejder", "social- og sundhedshjælper", "tømrer", "buschauffør", "kok", "rengøringsassistent", "pædagogmedhjælper"})
	f := func(s string) string { return fill(s, vars) }

	board := "Ankestyrelsen"
	if t.employment {
		board = "Ankestyrelsens Beskæftigelsesudvalg"
	}
	var bl []block
	intro := f(fmt.Sprintf("Du har klaget over {muns} afgørelse %s. {mun} afgjorde sagen den {d1}. %s har nu afgjort din sag.", t.subject, board))
	bl = append(bl, p(" "+intro))
	bl = append(bl, h3("Resultatet er:"))

	if cs.out == omgjort.OutcomeAfvist {
		a := afvisning[cs.afvistWhy]
		bl = append(bl, ul(a.result), p(f(a.formula)))
		bl = append(bl, h3("Begrundelse for afgørelsen"), h3("Sådan vurderer vi sagen"), p(f(a.assess)),
			h3("Hvad er afgørende for resultatet"), p(f(a.decisive)), h3("Om reglerne"), p(f(a.rules)),
			h3("Mødebehandling"), p(pick(r, meetings)))
		return bl, f("afviste Ankestyrelsen at behandle klagen, " + a.summary + ".")
	}

	ot, ok := t.out[cs.out]
	if !ok {
		panic(fmt.Sprintf("sitegen: topic %s has no text for outcome %s", t.key, cs.out))
	}
	bl = append(bl, ul(f(pick(r, ot.result))))
	res := f(pick(r, formulas[cs.out]))
	if cs.kritik != "" {
		k := kritikText[cs.kritik]
		res += " " + f(k.sentence)
		if cs.out == omgjort.OutcomeStadfaestet || cs.out == omgjort.OutcomeAendret {
			res += " Det fører dog ikke til et andet resultat."
		}
	}
	bl = append(bl, p(res))
	if cs.long {
		bl = append(bl, p("Vi beklager den lange sagsbehandlingstid."))
	}
	bl = append(bl, h3("Begrundelse for afgørelsen"), h3("Sådan vurderer vi sagen"),
		p(f(fmt.Sprintf("%s vurderer, at %s.", board, pick(r, ot.assess)))))

	facts := pickN(r, t.facts, 3)
	var dec strings.Builder
	if subordinateOK(facts[0]) {
		dec.WriteString(f("Det fremgår af sagen, at " + lowerFirst(facts[0])))
	} else {
		dec.WriteString(f("Af sagens oplysninger fremgår følgende: " + facts[0]))
	}
	for _, x := range facts[1:] {
		dec.WriteString(" " + f(x))
	}
	if extra != "" {
		dec.WriteString(" " + f(extra))
	}
	reasons := pickN(r, ot.decisive, len(ot.decisive))
	dec.WriteString(" " + f("Vi lægger vægt på, at "+reasons[0]+"."))
	if len(reasons) > 1 {
		dec.WriteString(" " + f(pick(r, []string{"Vi lægger også vægt på, at ", "Vi har desuden lagt vægt på, at ", "Derudover lægger vi vægt på, at "})+reasons[1]+"."))
	}
	head := pick(r, []string{"Hvad er afgørende for resultatet", "Hvad er afgørende for resultatet", "Hvad er afgørende for sagen"})
	bl = append(bl, h3(head), p(dec.String()))
	if cs.out == omgjort.OutcomeHjemvist {
		bl = append(bl, h3(f("Hvad skal {inst} gøre")), p(f(ot.todo)))
	}
	bl = append(bl, h3("Om reglerne"), p(f(t.rules)))
	if cs.kritik != "" {
		k := kritikText[cs.kritik]
		bl = append(bl, h3(f("Bemærkninger til {inst}")), h3(k.head), p(f(k.detail)))
	}
	bl = append(bl, h3("Mødebehandling"), p(pick(r, meetings)))

	verb := outcomePast[cs.out]
	return bl, f(fmt.Sprintf("%s Ankestyrelsen {insts} afgørelse, %s.", verb, ot.summary))
}

// flatten keeps the intro, "Resultatet er:" and its result as they are and runs every later
// heading and paragraph together into one paragraph, as some real pages do.
func flatten(bl []block) []block {
	cut := -1
	for i, b := range bl {
		if b.tag == "h3" && b.text == "Begrundelse for afgørelsen" {
			cut = i
			break
		}
	}
	if cut < 0 {
		return bl
	}
	parts := make([]string, 0, len(bl)-cut)
	for _, b := range bl[cut:] {
		parts = append(parts, b.plain())
	}
	return append(append([]block(nil), bl[:cut]...), p(strings.Join(parts, " ")))
}

// subordinateOK reports whether a fact written as a main clause still reads correctly after
// "Det fremgår af sagen, at": not when an adverb follows the verb ("Du mødte ikke op"), since
// Danish moves it in a subordinate clause.
func subordinateOK(fact string) bool {
	w := strings.Fields(fact)
	for i := 2; i < 4 && i < len(w); i++ {
		switch w[i] {
		case "ikke", "tidligere", "i", "efter", "på", "også":
			return false
		}
	}
	return true
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && r[0] >= 'A' && r[0] <= 'Z' && r[1] != ' ' && !(r[1] >= 'A' && r[1] <= 'Z') {
		return strings.ToLower(string(r[0])) + string(r[1:])
	}
	return s
}

func rewriteSections(t *topic, r *rnd) []section {
	var first []block
	for _, h := range t.holding {
		first = append(first, p(h))
	}
	return []section{
		{"Principmeddelelsen fastslår", first},
		{"Baggrund for at offentliggøre", []block{p(t.purpose[0])}},
		rulesSection(t, r),
	}
}

func judgmentSections(t *topic, r *rnd, pub time.Time) ([]section, string) {
	journal := fmt.Sprintf("%02d-%d", pub.Year()%100-1, r.between(10000, 99999))
	var first []block
	for _, h := range t.holding {
		first = append(first, p(h))
	}
	first = append(first, h3("Den konkrete sag"), p(t.facts[0]))
	var body []block
	body = append(body, h3("Sag j.nr. "+journal))
	for _, x := range t.facts[1:] {
		body = append(body, p(x))
	}
	return []section{
		{"Principmeddelelsen fastslår", first},
		{"Baggrund for at offentliggøre", []block{p(t.purpose[0])}},
		rulesSection(t, r),
		{"Den konkrete afgørelse", body},
	}, journal
}
