package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"omgjort"
	"omgjort/classify"
	"omgjort/importer"
	"omgjort/lettergen"
	"omgjort/redact"
)

// runRedactEval measures the redaction (issue 12 point 4): generated letters with planted
// personal details go through the importer's extraction and redact.Letter, and the report
// says per category what was removed, how many other words were kept, and whether the
// classifier's outcome on the redacted text equals the label.
func runRedactEval(ctx context.Context, env *environ, args []string) error {
	fs := newFlags(env, "redact-eval", "redact-eval [--n 40] [--seed 12] [--check] [--out DIR]")
	n := fs.Int("n", 40, "number of generated letters")
	seed := fs.Uint64("seed", 12, "generator seed (the same seed gives the same letters)")
	check := fs.Bool("check", false, "fail below the targets: 100 % CPR, ≥ 99 % names and addresses removed, ≥ 98 % other words kept, every outcome right")
	out := fs.String("out", "", "also write the generated PDFs (scanned ones as scanned) and their planted details (JSON) to this directory")
	fontDir := fs.String("font-dir", lettergen.DefaultFontDir, "directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf (Debian fonts-dejavu-core)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n <= 0 {
		return fmt.Errorf("%w: --n must be positive", errUsage)
	}
	fonts, err := lettergen.LoadFonts(*fontDir)
	if err != nil {
		return err
	}
	docs := lettergen.Generate(*seed, *n)
	if *out != "" {
		if err := writeLetters(ctx, *out, docs, fonts); err != nil {
			return err
		}
	}
	cls, err := classify.New()
	if err != nil {
		return err
	}
	r, err := lettergen.Measure(ctx, docs, fonts, redactionPipeline(cls))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "== Redaction of %d generated letters (seed %d) through the importer's extraction\n", *n, *seed)
	r.Print(env.stdout)
	if *check {
		if fails := r.Check(lettergen.DefaultBars); len(fails) > 0 {
			return errors.New("under målet: " + strings.Join(fails, "; "))
		}
		fmt.Fprintln(env.stdout, "Alle mål er nået.")
	}
	return nil
}

// redactionPipeline is the path an imported letter takes: the importer's extraction, the importer's
// cut into letters, redact.Letter with the OCR confidence, and the classifier.
func redactionPipeline(cls *classify.Classifier) lettergen.Pipeline {
	return lettergen.Pipeline{
		Extract: func(ctx context.Context, name string, pdf []byte) ([]lettergen.Extracted, error) {
			doc, err := importer.ExtractBytes(ctx, name, pdf, importer.Limits{})
			if err != nil {
				return nil, err
			}
			var out []lettergen.Extracted
			for _, l := range importer.Split(doc) {
				e := lettergen.Extracted{Text: l.Text}
				if l.OCR {
					e.OCRConfidence = l.Confidence
				}
				out = append(out, e)
			}
			return out, nil
		},
		Redact: func(text string, conf float64) (string, bool) {
			res := redact.Letter(text, redact.Options{OCRConfidence: conf})
			return res.Text, res.Uncertain()
		},
		Outcomes: func(text string) []omgjort.Outcome {
			var outs []omgjort.Outcome
			for _, c := range classify.SplitCases(text) {
				outs = append(outs, cls.ClassifyCase(c.Text).Outcome)
			}
			return outs
		},
	}
}

// writeLetters writes each document's PDF and a JSON file with its letters' planted details
// and outcomes, for a look at the letters or a manual import.
func writeLetters(ctx context.Context, dir string, docs []lettergen.Document, fonts lettergen.Fonts) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("redact-eval: %w", err)
	}
	for i, d := range docs {
		pdf, err := d.PDF(fonts)
		if err != nil {
			return err
		}
		if d.Scanned {
			if pdf, err = lettergen.Scan(ctx, pdf, uint64(i+1)); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, d.Name), pdf, 0o644); err != nil {
			return fmt.Errorf("redact-eval: %w", err)
		}
		meta, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			return fmt.Errorf("redact-eval: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, strings.TrimSuffix(d.Name, ".pdf")+".json"), meta, 0o644); err != nil {
			return fmt.Errorf("redact-eval: %w", err)
		}
	}
	return nil
}
