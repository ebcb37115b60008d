package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"omgjort/classify"
)

func runEval(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "eval", "eval [--rules FILE] [--check] [--real CORPUS_DIR] [--corrections DATA_DIR] [DIR]")
	check := fs.Bool("check", false, "fail when the gold set is below the targets (outcome accuracy 0.98, error micro-F1 0.90, macro-F1 0.80, precision 0.90 per label with support 4)")
	corrections := fs.String("corrections", "", "also score against the cases jurists corrected in this data directory (as `omgjort corrections export` writes them)")
	real := fs.String("real", "", "also evaluate the hand-labelled real decisions in this corpus directory (e.g. ../shared/corpus/astdk-real)")
	var rf rulesFlag
	rf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 && (fs.NArg() != 0 || *corrections == "") {
		return fmt.Errorf("%w: give one directory: gold letters (*.txt) or a corpus of crawled records (*.json)", errUsage)
	}
	cls, err := rf.classifier()
	if err != nil {
		return err
	}
	var failures []string
	evalDir := func(dir string, gold bool) error {
		var cases []classify.GoldCase
		var err error
		if classify.IsCorpusDir(dir) {
			cases, err = classify.LoadReal(dir)
			gold = false
		} else {
			cases, err = classify.LoadGold(dir)
		}
		if err != nil {
			return err
		}
		kind := "Mærkede breve"
		if !gold {
			kind = "Rigtige afgørelser (håndlabels i classify/real-labels.txt)"
		}
		fmt.Fprintf(env.stdout, "== %s: %s\n", kind, dir)
		r := cls.Evaluate(cases)
		r.Print(env.stdout)
		fmt.Fprintln(env.stdout)
		if gold && *check {
			for _, f := range r.Check(classify.GoldTargets) {
				failures = append(failures, dir+": "+f)
			}
		}
		return nil
	}
	if fs.NArg() == 1 {
		if err := evalDir(fs.Arg(0), true); err != nil {
			return err
		}
	}
	if *corrections != "" {
		if err := evalCorrections(env, cls, *corrections); err != nil {
			return err
		}
	}
	if *real != "" {
		if err := evalDir(*real, false); err != nil {
			return err
		}
	}
	if len(failures) > 0 {
		return errors.New("under målet: " + strings.Join(failures, "; "))
	}
	if *check {
		fmt.Fprintln(env.stdout, "Alle mål er nået.")
	}
	return nil
}
