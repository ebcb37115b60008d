package alerts

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"

	"omgjort"
	"omgjort/digest"
)

//go:embed templates/alert.html templates/alert.txt
var templateFS embed.FS

var funcs = map[string]any{
	"date":    digest.DanishDate,
	"outcome": func(o omgjort.Outcome) string { return o.Label() },
	"count":   omgjort.CountOf,
}

var (
	htmlTmpl = htmltemplate.Must(htmltemplate.New("alert.html").Funcs(funcs).ParseFS(templateFS, "templates/alert.html"))
	textTmpl = texttemplate.Must(texttemplate.New("alert.txt").Funcs(funcs).ParseFS(templateFS, "templates/alert.txt"))
)

// mailData is what the daily mail's templates show.
type mailData struct {
	Subject   string
	Alerts    []omgjort.DigestAlert
	ManageURL string
}

// render makes the daily mail of a planned outbox.
func (s *Service) render(ob *outbox) (*digest.Message, error) {
	data := mailData{Subject: subject(ob), Alerts: s.sections(ob), ManageURL: s.site() + "/gemte-soegninger"}
	var h, t bytes.Buffer
	if err := htmlTmpl.Execute(&h, data); err != nil {
		return nil, fmt.Errorf("alerts: render html: %w", err)
	}
	if err := textTmpl.Execute(&t, data); err != nil {
		return nil, fmt.Errorf("alerts: render text: %w", err)
	}
	return &digest.Message{From: s.cfg.From, To: ob.Email, Subject: data.Subject, MessageID: ob.MessageID,
		Date: s.now(), HTML: h.String(), Text: t.String(), Headers: s.headers(ob)}, nil
}
