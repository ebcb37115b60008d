package digest

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"omgjort"
)

//go:embed templates/mail.html templates/mail.txt
var templateFS embed.FS

// Renderer turns a digest into the HTML and plain-text bodies of the mail. Build it once with
// NewRenderer; it is safe for concurrent use.
type Renderer struct {
	html *htmltemplate.Template
	text *texttemplate.Template
	loc  *time.Location
}

// NewRenderer parses the embedded mail templates, so a broken template fails at start-up.
func NewRenderer(loc *time.Location) (*Renderer, error) {
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Europe/Copenhagen"); err != nil {
			return nil, fmt.Errorf("digest: renderer: %w", err)
		}
	}
	r := &Renderer{loc: loc}
	funcs := map[string]any{
		"date":      DanishDate,
		"when":      func(t time.Time) string { return DanishWhen(t, loc) },
		"thousands": omgjort.Thousands,
		"laws":      func(l []string) string { return strings.Join(l, ", ") },
		"outcome":   func(o omgjort.Outcome) string { return o.Label() },
		"typeLabel": func(t omgjort.ErrorType) string { return t.Label() },
		"count":     omgjort.CountOf,
	}
	var err error
	r.html, err = htmltemplate.New("mail.html").Funcs(funcs).ParseFS(templateFS, "templates/mail.html")
	if err != nil {
		return nil, fmt.Errorf("digest: parse mail.html: %w", err)
	}
	r.text, err = texttemplate.New("mail.txt").Funcs(funcs).ParseFS(templateFS, "templates/mail.txt")
	if err != nil {
		return nil, fmt.Errorf("digest: parse mail.txt: %w", err)
	}
	return r, nil
}

// Render renders d into both bodies and stores them on d.Rendered.
func (r *Renderer) Render(d *omgjort.Digest) (*omgjort.RenderedDigest, error) {
	var h, t bytes.Buffer
	if err := r.html.Execute(&h, d); err != nil {
		return nil, fmt.Errorf("digest: render html %s: %w", d.WeekName, err)
	}
	if err := r.text.Execute(&t, d); err != nil {
		return nil, fmt.Errorf("digest: render text %s: %w", d.WeekName, err)
	}
	d.Rendered = &omgjort.RenderedDigest{HTML: h.String(), Text: wrapText(t.String(), 76)}
	return d.Rendered, nil
}

var (
	danishMonths = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli",
		"august", "september", "oktober", "november", "december"}
	danishDays = [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}
)

// DanishDate formats YYYY-MM-DD as "9. januar 2026"; anything else is returned unchanged.
func DanishDate(ymd string) string {
	t, err := time.Parse(time.DateOnly, ymd)
	if err != nil {
		return ymd
	}
	return fmt.Sprintf("%d. %s %d", t.Day(), danishMonths[t.Month()-1], t.Year())
}

// DanishWhen formats an instant in loc as "mandag 24. november kl. 06.15".
func DanishWhen(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "aldrig"
	}
	t = t.In(loc)
	return fmt.Sprintf("%s %d. %s kl. %02d.%02d", danishDays[t.Weekday()], t.Day(), danishMonths[t.Month()-1], t.Hour(), t.Minute())
}

// FreshnessLine is the digest's sentence on one source: when it last succeeded and what this
// digest has from it ("Kilden ast.dk blev sidst hentet med succes mandag 24. november kl.
// 06.15. Ugebrevet har 2 nye afgørelser derfra."), or a warning when it failed, went stale or
// never succeeded. Its counts are the digest's own lists, so no line contradicts another.
func FreshnessLine(s omgjort.SourceCheck, now time.Time, loc *time.Location) string {
	var b strings.Builder
	if s.LastOK.IsZero() {
		fmt.Fprintf(&b, "ADVARSEL: Kilden %s er endnu ikke hentet med succes.", s.Name)
	} else {
		n := "ingen nye afgørelser"
		if s.New > 0 {
			n = omgjort.CountOf(s.New, "ny afgørelse", "nye afgørelser")
		}
		fmt.Fprintf(&b, "Kilden %s blev sidst hentet med succes %s. Ugebrevet har %s derfra.", s.Name, DanishWhen(s.LastOK, loc), n)
		if s.Stale {
			fmt.Fprintf(&b, " ADVARSEL: Ingen vellykket hentning i %d dage – ugebrevet kan mangle afgørelser.", int(now.Sub(s.LastOK).Hours()/24))
		}
	}
	if s.Failed {
		b.WriteString(" ADVARSEL: Den seneste hentning mislykkedes – se driftsstatus.")
	}
	return b.String()
}

// wrapText wraps the plain-text body's long lines at width for mail clients that do not, keeping
// URLs whole and the indentation of list items.
func wrapText(s string, width int) string {
	var out strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " ")
		if len([]rune(line)) <= width {
			out.WriteString(line + "\n")
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		if strings.HasPrefix(strings.TrimLeft(line, " "), "- ") {
			indent += "  "
		}
		cur := ""
		for _, word := range strings.Fields(line) {
			if cur == "" {
				cur = line[:len(line)-len(strings.TrimLeft(line, " "))] + word
				continue
			}
			if len([]rune(cur))+1+len([]rune(word)) > width {
				out.WriteString(cur + "\n")
				cur = indent + word
				continue
			}
			cur += " " + word
		}
		out.WriteString(cur + "\n")
	}
	return strings.TrimRight(out.String(), "\n") + "\n"
}
