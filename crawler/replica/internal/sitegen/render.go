package sitegen

import (
	"fmt"
	"strings"
)

// The page chrome copies the structure of the real ast.dk pages (see
// shared/replica/astdk/files): the crawler's parser must read both alike.

func head(b *strings.Builder, title, url string) {
	b.WriteString("<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(b, "<title>%s - Ankestyrelsen</title>\n", esc(title))
	if url != "" {
		fmt.Fprintf(b, "<meta property=\"og:title\" content=\"%s\">\n", esc(title))
		b.WriteString("<meta property=\"og:type\" content=\"article\">\n")
		fmt.Fprintf(b, "<meta property=\"og:url\" content=\"%s\">\n", esc(url))
		fmt.Fprintf(b, "<link rel=\"canonical\" href=\"%s\">\n", esc(url))
	}
	b.WriteString("</head>\n<body>\n")
	b.WriteString("<a class=\"skip-link\" href=\"#main\">Gå til indhold</a>\n")
	b.WriteString("<header class=\"site-header\"><a class=\"logo\" href=\"/\">Ankestyrelsen</a>\n")
	b.WriteString("<nav class=\"main-nav\"><ul><li><a href=\"/for-borgere\">For borgere</a></li><li><a href=\"/for-myndigheder\">For myndigheder</a></li><li><a href=\"/for-myndigheder/principmeddelelser\">Principmeddelelser</a></li></ul></nav>\n")
	b.WriteString("</header>\n<main id=\"main\">\n")
}

func foot(b *strings.Builder) {
	b.WriteString("</main>\n<footer class=\"site-footer\"><div class=\"rich-text\">\n")
	b.WriteString("<p>Ankestyrelsen<br>Teglholmsgade 3<br>2450 København SV</p>\n")
	b.WriteString("<p>EAN: 57 98 000 35 48 21 CVR: 1007 4002</p>\n")
	b.WriteString("<p>Telefon: 33 41 12 00 (mandag-torsdag 9-15, fredag 9-14)</p>\n")
	b.WriteString("<p><a href=\"/er-du-bekymret\">Er du bekymret for et barn/en ung?</a></p>\n")
	b.WriteString("</div></footer>\n</body>\n</html>\n")
}

func writeBlocks(b *strings.Builder, bl []block) {
	for _, x := range bl {
		switch x.tag {
		case "h3":
			fmt.Fprintf(b, "<h3>%s</h3>", esc(x.text))
		case "ul":
			b.WriteString("<ul>")
			for _, it := range x.items {
				fmt.Fprintf(b, "<li>%s</li>", esc(it))
			}
			b.WriteString("</ul>")
		default:
			fmt.Fprintf(b, "<p>%s</p>", esc(x.text))
		}
	}
}

func renderDetail(pg *page) []byte {
	var b strings.Builder
	url := Origin + pg.path()
	head(&b, pg.title, url)
	b.WriteString("<nav class=\"breadcrumb\" aria-label=\"Brødkrumme\"><a href=\"/\">Forside</a> / <a href=\"/for-myndigheder\">For myndigheder</a> / <a href=\"/for-myndigheder/principmeddelelser\">Principmeddelelser</a></nav>\n")
	b.WriteString("<article class=\"page-principle\">\n")
	fmt.Fprintf(&b, "  <h1>%s</h1>\n", esc(pg.title))
	b.WriteString("  <div class=\"tags\">\n")
	tags := append(append(append([]string(nil), pg.laws...), pg.keywords...), pg.status.Label(), pg.authority)
	for _, t := range tags {
		fmt.Fprintf(&b, "    <span class=\"label label-default\">%s</span>\n", esc(t))
	}
	b.WriteString("  </div>\n  <div class=\"accordion\">\n")
	for _, s := range pg.sections {
		b.WriteString("  <div class=\"accordion-item\">\n")
		fmt.Fprintf(&b, "    <h2 class=\"accordion-header\"><button class=\"accordion-button collapsed\" type=\"button\" aria-expanded=\"false\">%s</button></h2>\n", esc(s.heading))
		b.WriteString("    <div class=\"accordion-collapse collapse\"><div class=\"section-body\"><div class=\"rich-text\">")
		writeBlocks(&b, s.blocks)
		b.WriteString("</div></div></div>\n  </div>\n")
	}
	b.WriteString("  </div>\n")
	b.WriteString("  <div class=\"metadata\"><div class=\"rich-text\">")
	if pg.signed != "" {
		fmt.Fprintf(&b, "<p><strong>Dato for underskrift</strong><br>%s</p>", pg.signed)
	}
	fmt.Fprintf(&b, "<p><strong>Offentliggørelsesdato</strong><br>%s</p>", shortDate(pg.published))
	fmt.Fprintf(&b, "<p><strong>Paragraf</strong><br>%s</p>", esc(pg.paragraf))
	fmt.Fprintf(&b, "<p><strong>Journalnummer</strong><br>%s</p>", esc(pg.journal))
	b.WriteString("</div></div>\n")
	if pg.note != "" {
		fmt.Fprintf(&b, "  <div class=\"alert alert-info\"><div class=\"rich-text\"><p>%s</p></div></div>\n", esc(pg.note))
	} else {
		b.WriteString("  \n")
	}
	b.WriteString("</article>\n")
	foot(&b)
	return []byte(b.String())
}

func renderYear(year string, pages []*page) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\">")
	fmt.Fprintf(&b, "<title>Principmeddelelser %s - Ankestyrelsen</title></head><body><main id=\"main\">", year)
	fmt.Fprintf(&b, "<h1>Principmeddelelser %s</h1><ul class=\"list\">", year)
	for i, pg := range pages {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a> <span class=\"date\">%s</span></li>", esc(pg.path()), esc(pg.title), shortDate(pg.published))
	}
	b.WriteString("</ul></main></body></html>\n")
	return []byte(b.String())
}

func renderArticle() []byte {
	var b strings.Builder
	head(&b, "Nyt om klagefrister og digital post", "")
	b.WriteString("<article class=\"page-article\"><h1>Nyt om klagefrister og digital post</h1><div class=\"rich-text\">")
	writeBlocks(&b, []block{
		p("Mange borgere modtager i dag kommunens afgørelser i deres digitale postkasse. Vi oplever, at der er tvivl om, hvornår klagefristen begynder at løbe."),
		h3("Hvornår er en afgørelse kommet frem?"),
		p("En afgørelse anses som udgangspunkt for at være kommet frem, når den er tilgængelig i den digitale postkasse. Det gælder, selv om borgeren ikke har åbnet brevet."),
		p("Artiklen er ikke en principmeddelelse og indeholder ingen afgørelse."),
	})
	b.WriteString("</div></article>\n")
	foot(&b)
	return []byte(b.String())
}

func renderNews(pages []*page) []byte {
	var b strings.Builder
	head(&b, "Nye principmeddelelser fra Ankestyrelsen", "")
	b.WriteString("<article class=\"page-news\"><h1>Nye principmeddelelser fra Ankestyrelsen</h1><div class=\"rich-text\">")
	b.WriteString("<p>Ankestyrelsen har offentliggjort nye principmeddelelser. Her får du et kort overblik.</p>")
	for _, pg := range pages {
		if pg.published.Year() != 2026 {
			continue
		}
		summary := ""
		for _, bl := range pg.sections[0].blocks {
			if bl.tag == "p" {
				summary = bl.text
				break
			}
		}
		name := strings.TrimPrefix(pg.title, "Ankestyrelsens principmeddelelse ")
		fmt.Fprintf(&b, "<h2>Ankestyrelsens principmeddelelse %s</h2><p>%s</p><p><a href=\"%s\">Læs hele principmeddelelsen</a></p>",
			esc(name), esc(summary), esc(pg.path()))
	}
	b.WriteString("</div></article>\n")
	foot(&b)
	return []byte(b.String())
}
