package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"omgjort"
	"omgjort/importer"
	"omgjort/redact"
)

// runImport is `omgjort import --data DIR [--team NAME] FILE|DIR...`: the municipality's own
// decision letters in, redacted before anything is stored; certain letters become own
// decisions, uncertain ones wait in the review queue.
func runImport(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "import", "import [--data DIR] [--team NAME] [--teams A,B] FILE|DIR...")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	o := importFlags(fs)
	user := fs.String("user", "", "who imports, for the audit log (default: the operating-system user)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: name the files or folders to import", errUsage)
	}
	opts, err := o.options()
	if err != nil {
		return err
	}
	files, err := importer.Files(fs.Args())
	if err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	name := *user
	if name == "" {
		name = osUser()
	}
	fmt.Fprintf(env.stdout, "Importerer %d filer\n", len(files))
	rep, err := a.importFiles(ctx, files, opts, a.auditLog(), name, func(done int, r importer.FileReport) {
		fmt.Fprintf(env.stdout, "[%d/%d] %s\n", done, len(files), describeFile(r))
	})
	printImport(env, rep)
	return err
}

// importOpts are the import flags shared by the command and the server's upload.
type importOpts struct {
	team, teams   string
	minConfidence float64
	timeout       time.Duration
}

// importFlagSet is a flag set or serve's skipFlags (serve has no --team).
type importFlagSet interface {
	StringVar(p *string, name, value, usage string)
	Float64Var(p *float64, name string, value float64, usage string)
	DurationVar(p *time.Duration, name string, value time.Duration, usage string)
}

// Float64Var registers a float flag unless skipped.
func (s skipFlags) Float64Var(p *float64, name string, value float64, usage string) {
	*p = value
	if !s.skip[name] {
		s.fs.Float64Var(p, name, value, usage)
	}
}

func importFlags(fs importFlagSet) *importOpts {
	o := &importOpts{}
	fs.StringVar(&o.team, "team", "", "the team the letters belong to (one of --teams when that is set)")
	fs.StringVar(&o.teams, "teams", "", "the municipality's teams, comma-separated (the list a letter's team is chosen from)")
	fs.Float64Var(&o.minConfidence, "min-confidence", importer.DefaultMinConfidence, "OCR confidence (0–100) below which a letter goes to the review queue")
	fs.DurationVar(&o.timeout, "tool-timeout", importer.DefaultLimits().ToolTimeout, "longest run of pdftotext, pdftoppm or tesseract on one file or page")
	return o
}

// teamList is the configured teams.
func (o *importOpts) teamList() []string {
	var out []string
	for _, t := range strings.Split(o.teams, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (o *importOpts) options() (importer.Options, error) {
	if err := checkTeam(o.team, o.teamList()); err != nil {
		return importer.Options{}, err
	}
	lim := importer.DefaultLimits()
	lim.ToolTimeout = o.timeout
	return importer.Options{Team: o.team, Limits: lim, Redactor: redactor{}, MinConfidence: o.minConfidence}, nil
}

// checkTeam accepts an empty team or one from the list (any team when no list is configured).
func checkTeam(team string, list []string) error {
	if team == "" || len(list) == 0 {
		return nil
	}
	for _, t := range list {
		if t == team {
			return nil
		}
	}
	return fmt.Errorf("%w: team %q is not one of the configured teams (%s)", errUsage, team, strings.Join(list, ", "))
}

// importFiles runs an import into the app's store, index and review queue.
func (a *app) importFiles(ctx context.Context, files []string, opts importer.Options, audit omgjort.AuditLogger, user string, progress func(int, importer.FileReport)) (importer.Report, error) {
	return importer.Run(ctx, files, opts, importStore{a}, audit, user, progress)
}

// importStore is the importer's way into the pipeline (own decisions) and the review queue.
type importStore struct{ a *app }

func (s importStore) Save(d *omgjort.Decision) (string, error) {
	ch, err := s.a.SaveOwn(d)
	return ch.String(), err
}

func (s importStore) Queue(key string, entry []byte) (bool, error) {
	return s.a.db.PutReview(key, entry)
}

// redactor is the redact package as the importer's Redactor.
type redactor struct{}

func (redactor) Redact(text string, conf float64) importer.Redaction {
	r := redact.Letter(text, redact.Options{OCRConfidence: conf})
	out := importer.Redaction{Text: r.Text, Removals: make([]importer.Removal, 0, len(r.Removals))}
	for _, x := range r.Removals {
		out.Removals = append(out.Removals, importer.Removal{Category: string(x.Category), Start: x.Start, End: x.End})
	}
	seen := map[string]bool{}
	for _, x := range r.Reasons {
		if m := x.Danish(); !seen[m] {
			seen[m] = true
			out.Reasons = append(out.Reasons, m)
		}
	}
	return out
}

// resultNames are the Danish words for what happened to a letter.
var resultNames = map[string]string{"new": "ny", "new-version": "ny version", "duplicate": "findes allerede",
	"review": "til gennemsyn", "review-duplicate": "allerede til gennemsyn", "error": "afvist"}

func describeFile(r importer.FileReport) string {
	if r.Err != nil {
		return r.File + ": " + r.Message
	}
	var parts []string
	for _, l := range r.Letters {
		s := fmt.Sprintf("sider %s: %s", pagesText(l.Pages), resultNames[l.Result])
		if l.ID != "" && l.Result != "review" && l.Result != "review-duplicate" {
			s += " (" + l.ID + ")"
		}
		if l.Message != "" {
			s += " – " + l.Message
		}
		parts = append(parts, s)
	}
	n := len(r.Letters)
	word := "breve"
	if n == 1 {
		word = "brev"
	}
	return fmt.Sprintf("%s: %d %s; %s", r.File, n, word, strings.Join(parts, "; "))
}

func pagesText(p []int) string {
	switch len(p) {
	case 0:
		return "-"
	case 1:
		return fmt.Sprint(p[0])
	}
	return fmt.Sprintf("%d–%d", p[0], p[len(p)-1])
}

func printImport(env *environ, r importer.Report) {
	fmt.Fprintf(env.stdout, "Import færdig på %s: %d filer (%d afvist), %d breve: %d nye, %d nye versioner, %d fandtes allerede, %d til gennemsyn, %d afvist\n",
		r.Elapsed.Round(time.Millisecond), r.Files, r.FilesFailed, r.Letters, r.New, r.Versions, r.Duplicates, r.Review, r.LetterErrors)
	if r.StatisticCompared > 0 {
		fmt.Fprintf(env.stdout, "Klassifikatorens udfald stemmer med Ankestyrelsens statistikregistrering i %d af %d breve\n", r.StatisticAgreed, r.StatisticCompared)
	}
}
