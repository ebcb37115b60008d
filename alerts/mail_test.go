package alerts

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// plain decodes a received multipart/alternative mail into its plain-text and HTML bodies,
// one after the other, so a test sees what either part says.
func plain(data string) string {
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		return "unreadable: " + err.Error()
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return "unreadable: " + err.Error()
	}
	var out strings.Builder
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		var r io.Reader = p
		switch strings.ToLower(p.Header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			r = quotedprintable.NewReader(p)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, p)
		}
		b, _ := io.ReadAll(r)
		out.Write(b)
		out.WriteString("\n")
	}
	return out.String()
}

// mimeDecode decodes an encoded header such as the Subject.
func mimeDecode(s string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}
