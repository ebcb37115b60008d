package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"omgjort"
)

// Store is where imported letters go: certain ones become own decisions (classified, stored
// and indexed by the ingest pipeline), uncertain ones wait in the review queue. cmd wires it.
type Store interface {
	// Save stores an own decision once only and says what happened: "new", "new-version" or
	// "duplicate".
	Save(d *omgjort.Decision) (string, error)
	// Queue adds a review entry unless its key is queued already; added reports which.
	Queue(key string, entry []byte) (added bool, err error)
}

// LetterReport is what happened to one letter.
type LetterReport struct {
	Pages []int
	// ID is the stored decision's ID, or the review entry's key.
	ID string
	// Result is "new", "new-version", "duplicate", "review", "review-duplicate" or "error".
	Result string
	// Message is the Danish explanation of an error or of why the letter is reviewed.
	Message string
	// Statistic is Ankestyrelsen's own outcome statement, Outcome the classifier's (set for
	// stored letters), so the import can count how often they agree.
	Statistic, Outcome omgjort.Outcome
}

// FileReport is what happened to one file.
type FileReport struct {
	// File is the path as given (shown to the operator only, never logged).
	File    string
	Letters []LetterReport
	// Err is the file's own error (unreadable, encrypted …); Message its Danish text.
	Err     error
	Message string
}

// Report sums up an import.
type Report struct {
	Files, FilesFailed                         int
	Letters, New, Versions, Duplicates, Review int
	LetterErrors                               int
	StatisticCompared, StatisticAgreed         int
	Elapsed                                    time.Duration
	Reports                                    []FileReport
}

// Files lists the importable files of paths in a stable order: files as given, folders walked
// (hidden files skipped).
func Files(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(q string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(e.Name(), ".") && q != p {
				if e.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !e.IsDir() {
				found = append(found, q)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// Run imports files one by one: each is read, split, redacted and parsed; its certain letters
// are saved, its uncertain ones queued for review. A file's error or a letter's error is
// reported and stops nothing else; only a store failure (or ctx) ends the run, and since each
// letter is saved in one transaction and saved once only, running the same import again
// after a crash or a kill finishes the work without duplicates. Every letter's fate is
// written to audit (never a name, a file name or a text). progress, when set, is called after
// each file.
func Run(ctx context.Context, files []string, opts Options, st Store, audit omgjort.AuditLogger, user string, progress func(done int, r FileReport)) (Report, error) {
	start := time.Now()
	if audit == nil {
		audit = omgjort.NopAudit{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var rep Report
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		fr, err := importFile(ctx, f, opts, st, audit, user, &rep)
		rep.Reports = append(rep.Reports, fr)
		if progress != nil {
			progress(i+1, fr)
		}
		if err != nil {
			rep.Elapsed = time.Since(start)
			return rep, err
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func importFile(ctx context.Context, path string, opts Options, st Store, audit omgjort.AuditLogger, user string, rep *Report) (FileReport, error) {
	fr := FileReport{File: path}
	rep.Files++
	rec := func(id, outcome, detail string) error {
		return audit.Record(ctx, omgjort.AuditEntry{Time: time.Now().UTC(), User: user, Action: omgjort.AuditImport,
			DecisionID: id, Outcome: outcome, Detail: detail})
	}
	items, err := Letters(ctx, path, opts)
	if err != nil {
		if ctx.Err() != nil {
			return fr, ctx.Err()
		}
		rep.FilesFailed++
		fr.Err, fr.Message = err, Message(err)
		return fr, rec("", omgjort.AuditFailed, "fil afvist: "+fr.Message)
	}
	for _, it := range items {
		rep.Letters++
		lr := LetterReport{Pages: it.Pages}
		switch {
		case it.Err != nil:
			rep.LetterErrors++
			lr.Result, lr.Message = "error", Message(it.Err)
			if err := rec("", omgjort.AuditFailed, "brev afvist: "+lr.Message); err != nil {
				return fr, err
			}
		case len(it.Review) > 0:
			b, err := EntryOf(it, opts.Team, opts.Now()).Marshal()
			if err != nil {
				return fr, err
			}
			added, err := st.Queue(it.Key, b)
			if err != nil {
				return fr, fmt.Errorf("import: queue for review: %w", err)
			}
			lr.ID, lr.Result, lr.Message = it.Key, "review", strings.Join(it.Review, " ")
			if !added {
				lr.Result = "review-duplicate"
			} else {
				rep.Review++
			}
			if err := rec("", omgjort.AuditOK, "til gennemsyn: "+it.Key); err != nil {
				return fr, err
			}
		default:
			d := it.Decision
			res, err := st.Save(d)
			if err != nil {
				return fr, fmt.Errorf("import: save: %w", err)
			}
			lr.ID, lr.Result, lr.Statistic = d.ID, res, d.Statistic
			switch res {
			case "new":
				rep.New++
			case "new-version":
				rep.Versions++
			default:
				rep.Duplicates++
			}
			if res != "duplicate" {
				lr.Outcome = d.Outcome
				if d.Statistic != "" {
					rep.StatisticCompared++
					if d.Statistic == d.Outcome {
						rep.StatisticAgreed++
					}
				}
			}
			if err := rec(d.ID, omgjort.AuditOK, "importeret: "+res); err != nil {
				return fr, err
			}
		}
		fr.Letters = append(fr.Letters, lr)
	}
	return fr, nil
}

// ErrNoRedactor is returned when an import is started without a redactor: nothing may be
// stored unredacted.
var ErrNoRedactor = errors.New("import: no redactor")
