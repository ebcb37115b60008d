package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"omgjort"
	"omgjort/importer"
)

// maxImportUpload bounds one upload: at most 200 MB in total (ast.dk's limit for an
// ankeskema's files), each file at most the importer's 50 MB.
const maxImportUpload = 200 << 20

// Imports is the upload and the review queue of the municipality's own letters; cmd wires the
// importer, the ingest pipeline and the store's review queue to it.
type Imports interface {
	// Teams is the configured list a letter's team is chosen from (empty: free text).
	Teams() []string
	// Start imports the files in dir (an upload, removed when the import is done) in the
	// background and returns the batch's ID.
	Start(ctx context.Context, dir string, team string) (string, error)
	// Batch is the progress and report of an upload.
	Batch(id string) (importer.BatchStatus, bool)
	// Reviews lists the review queue.
	Reviews(ctx context.Context) ([]importer.ReviewEntry, error)
	// Review returns one entry (omgjort.ErrNotFound when gone).
	Review(ctx context.Context, key string) (importer.ReviewEntry, error)
	// RemoveMore removes every occurrence of text from the entry's redacted text as category,
	// returning how many it removed.
	RemoveMore(ctx context.Context, key, text, category string) (int, error)
	// Approve stores the entry as an own decision (with team) and deletes it from the queue.
	Approve(ctx context.Context, key, team string) (string, error)
	// Reject deletes the entry for good.
	Reject(ctx context.Context, key string) error
	// SetTeam sets (or, with "", clears) the team of a stored own decision, audited with the
	// user in ctx; omgjort.ErrNotFound when the decision is gone.
	SetTeam(ctx context.Context, id, team string) error
}

// importPage is the upload page: the form, and a batch's progress and report.
type importPage struct {
	base
	CSRF    string
	Teams   []string
	Batch   *importer.BatchStatus
	Message string
	Refresh bool
}

// reviewListPage is the review queue.
type reviewListPage struct {
	base
	Entries []importer.ReviewEntry
}

// reviewPage is one entry: the text with removals marked, the reasons and the actions.
type reviewPage struct {
	base
	CSRF       string
	Entry      importer.ReviewEntry
	Parts      []reviewPart
	Teams      []string
	Categories []string
	Message    string
	Error      string
}

// reviewPart is a run of the redacted text: plain, or a placeholder that marks a removal.
type reviewPart struct {
	Text    string
	Removed bool
}

// importAllowed answers 403 (or 404 when imports are off) unless the signed-in user holds perm. The
// route table of the sign-in work checks the same; this keeps the pages safe on their own.
func (s *Server) importAllowed(w http.ResponseWriter, r *http.Request, perm omgjort.Permission) bool {
	if s.cfg.Imports == nil {
		s.notFound(w, r, "Der findes ingen side på denne adresse.")
		return false
	}
	if !omgjort.UserFrom(r.Context()).Can(perm) {
		s.errorHTML(w, r, http.StatusForbidden, "Ingen adgang", "Du har ikke ret til at se denne side. Log ind med en bruger, der må importere eller gennemse egne afgørelser.", true)
		return false
	}
	return true
}

// handleImportForm serves GET /admin/import: the upload form.
func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) {
	if !s.importAllowed(w, r, omgjort.PermAdminImports) {
		return
	}
	s.render(w, r, http.StatusOK, "import.html", importPage{base: base{Title: "Importér egne afgørelser", Fresh: s.freshness()},
		CSRF: s.formToken(w, r), Teams: s.cfg.Imports.Teams()})
}

// handleImportUpload serves POST /admin/import: several files at once, saved to a private
// folder and imported in the background; the browser is sent to the batch's progress page.
func (s *Server) handleImportUpload(w http.ResponseWriter, r *http.Request) {
	if !s.importAllowed(w, r, omgjort.PermAdminImports) {
		return
	}
	page := importPage{base: base{Title: "Importér egne afgørelser", Fresh: s.freshness()}, CSRF: s.formToken(w, r), Teams: s.cfg.Imports.Teams()}
	fail := func(status int, msg string) {
		page.Message = msg
		s.render(w, r, status, "import.html", page)
	}
	const tooBig = "Filerne er for store (højst 200 MB i alt) eller blev ikke sendt helt. Prøv igen med færre filer."
	dir, err := os.MkdirTemp("", "omgjort-upload-*")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	started := false
	defer func() {
		if !started {
			os.RemoveAll(dir)
		}
	}()
	n := 0
	save := func(name string, src io.Reader) error {
		name = filepath.Base(name)
		if name == "." || name == "/" || name == "" {
			return nil
		}
		n++
		// Numbered, so two files of the same name both arrive; the name keeps its extension.
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%03d-%s", n, name)), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, io.LimitReader(src, importer.DefaultLimits().MaxBytes+1))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	var team string
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		fail(http.StatusBadRequest, tooBig)
		return
	}
	if r.MultipartForm != nil {
		// Parsed here or already by the sign-in's CSRF check: small files wait in memory,
		// larger ones in temporary files that RemoveAll deletes.
		defer r.MultipartForm.RemoveAll()
		team = strings.TrimSpace(r.FormValue("team"))
		for _, fh := range r.MultipartForm.File["filer"] {
			f, err := fh.Open()
			if err != nil {
				fail(http.StatusBadRequest, tooBig)
				return
			}
			err = save(fh.Filename, f)
			f.Close()
			if err != nil {
				fail(http.StatusBadRequest, tooBig)
				return
			}
		}
	}
	if n == 0 {
		fail(http.StatusBadRequest, "Vælg en eller flere filer, og prøv igen.")
		return
	}
	if teams := s.cfg.Imports.Teams(); team != "" && len(teams) > 0 && !contains(teams, team) {
		fail(http.StatusBadRequest, "Vælg et team fra listen.")
		return
	}
	id, err := s.cfg.Imports.Start(context.WithoutCancel(r.Context()), dir, team)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	started = true
	http.Redirect(w, r, "/admin/import/"+id, http.StatusSeeOther)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// handleImportBatch serves GET /admin/import/{id}: the upload's progress (the page reloads
// itself every two seconds until the import is done) and then its report per file.
func (s *Server) handleImportBatch(w http.ResponseWriter, r *http.Request) {
	if !s.importAllowed(w, r, omgjort.PermAdminImports) {
		return
	}
	b, ok := s.cfg.Imports.Batch(r.PathValue("id"))
	if !ok {
		s.notFound(w, r, "Importen findes ikke (længere). Start en ny import.")
		return
	}
	title := "Import i gang"
	if b.Finished {
		title = "Import færdig"
	}
	s.render(w, r, http.StatusOK, "import.html", importPage{base: base{Title: title, Fresh: s.freshness()},
		CSRF: s.formToken(w, r), Teams: s.cfg.Imports.Teams(), Batch: &b, Refresh: !b.Finished})
}

// handleReviewList serves GET /admin/review: the queue of letters awaiting review.
func (s *Server) handleReviewList(w http.ResponseWriter, r *http.Request) {
	if !s.importAllowed(w, r, omgjort.PermReviewImports) {
		return
	}
	es, err := s.cfg.Imports.Reviews(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "review_list.html", reviewListPage{base: base{Title: "Til gennemsyn", Fresh: s.freshness()}, Entries: es})
}

// handleReview serves GET /admin/review/{key}: one letter, removals marked.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) {
	if !s.importAllowed(w, r, omgjort.PermReviewImports) {
		return
	}
	s.showReview(w, r, http.StatusOK, r.URL.Query().Get("besked"), "")
}

func (s *Server) showReview(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string) {
	e, err := s.cfg.Imports.Review(r.Context(), r.PathValue("key"))
	if errors.Is(err, omgjort.ErrNotFound) {
		s.notFound(w, r, "Brevet er ikke (længere) i køen til gennemsyn; det er godkendt eller afvist.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "review.html", reviewPage{base: base{Title: "Gennemse brev", Fresh: s.freshness()},
		CSRF: s.formToken(w, r), Entry: e, Parts: reviewParts(e.Redaction), Teams: s.cfg.Imports.Teams(),
		Categories: importer.Categories, Message: msg, Error: errMsg})
}

// reviewParts cuts the redacted text at its removals (character offsets).
func reviewParts(rd importer.Redaction) []reviewPart {
	runes := []rune(rd.Text)
	var out []reviewPart
	at := 0
	for _, x := range rd.Removals {
		if x.Start < at || x.End > len(runes) || x.Start >= x.End {
			continue
		}
		if x.Start > at {
			out = append(out, reviewPart{Text: string(runes[at:x.Start])})
		}
		out = append(out, reviewPart{Text: string(runes[x.Start:x.End]), Removed: true})
		at = x.End
	}
	if at < len(runes) {
		out = append(out, reviewPart{Text: string(runes[at:])})
	}
	return out
}

// handleReviewAction serves POST /admin/review/{key}: remove more, approve or reject.
func (s *Server) handleReviewAction(w http.ResponseWriter, r *http.Request) {
	if !s.importAllowed(w, r, omgjort.PermReviewImports) {
		return
	}
	key := r.PathValue("key")
	ctx := r.Context()
	switch r.PostFormValue("handling") {
	case "fjern":
		text := strings.TrimSpace(r.PostFormValue("tekst"))
		if text == "" {
			s.showReview(w, r, http.StatusBadRequest, "", "Skriv den tekst, der skal fjernes.")
			return
		}
		n, err := s.cfg.Imports.RemoveMore(ctx, key, text, r.PostFormValue("kategori"))
		switch {
		case errors.Is(err, omgjort.ErrNotFound):
			s.notFound(w, r, "Brevet er ikke (længere) i køen til gennemsyn.")
		case err != nil:
			s.showReview(w, r, http.StatusBadRequest, "", "Teksten kunne ikke fjernes: "+err.Error())
		case n == 0:
			s.showReview(w, r, http.StatusBadRequest, "", "Teksten findes ikke i brevet. Skriv den præcis, som den står.")
		default:
			msg := "Fjernet 1 sted."
			if n > 1 {
				msg = fmt.Sprintf("Fjernet %d steder.", n)
			}
			http.Redirect(w, r, "/admin/review/"+key+"?besked="+urlQueryEscape(msg), http.StatusSeeOther)
		}
	case "godkend":
		team := strings.TrimSpace(r.PostFormValue("team"))
		if teams := s.cfg.Imports.Teams(); team != "" && len(teams) > 0 && !contains(teams, team) {
			s.showReview(w, r, http.StatusBadRequest, "", "Vælg et team fra listen.")
			return
		}
		id, err := s.cfg.Imports.Approve(ctx, key, team)
		if errors.Is(err, omgjort.ErrNotFound) {
			s.notFound(w, r, "Brevet er ikke (længere) i køen til gennemsyn.")
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/d/"+id, http.StatusSeeOther)
	case "afvis":
		if err := s.cfg.Imports.Reject(ctx, key); err != nil && !errors.Is(err, omgjort.ErrNotFound) {
			s.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/review", http.StatusSeeOther)
	default:
		s.showReview(w, r, http.StatusBadRequest, "", "Vælg en handling: fjern mere, godkend eller afvis.")
	}
}
