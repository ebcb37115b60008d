package server

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// formToken is the CSRF token the import and review forms carry (field "csrf"). It is empty
// until the sign-in work's CSRF protection is wired here.
func (s *Server) formToken(w http.ResponseWriter, r *http.Request) string { return "" }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// uploadName shows an uploaded file's own name without the number the upload gave it.
func uploadName(p string) string {
	b := filepath.Base(p)
	if len(b) > 4 && b[3] == '-' && strings.Trim(b[:3], "0123456789") == "" {
		return b[4:]
	}
	return b
}

// pagesText is a letter's pages: "3" or "1–2".
func pagesText(p []int) string {
	switch len(p) {
	case 0:
		return "–"
	case 1:
		return strconv.Itoa(p[0])
	}
	return strconv.Itoa(p[0]) + "–" + strconv.Itoa(p[len(p)-1])
}

// resultText is what became of a letter, in Danish.
func resultText(r string) string {
	switch r {
	case "new":
		return "gemt"
	case "new-version":
		return "gemt som ny version"
	case "duplicate":
		return "fandtes allerede"
	case "review":
		return "venter på gennemsyn"
	case "review-duplicate":
		return "venter allerede på gennemsyn"
	}
	return "afvist"
}
