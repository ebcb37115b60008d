package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"omgjort"
	"omgjort/classify"
)

func runEval(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "eval", "eval [--rules FILE] [--check] [--real CORPUS_DIR] [--corrections DATA_DIR] DIR\n       eval --corrections DATA_DIR\n       eval --reliability DIR...\n       eval --calibrate FILE DIR...\n       eval --train-model FILE DIR...\n       eval --train-letter-model FILE DIR...\n       eval --letter-replay K DIR...\n       eval --cv DIR...")
	check := fs.Bool("check", false, "fail when the gold set is below the targets (outcome accuracy 0.98, error micro-F1 0.90, macro-F1 0.80, precision 0.90 per label with support 4)")
	corrections := fs.String("corrections", "", "also score against the cases jurists corrected in this data directory (as `omgjort corrections export` writes them)")
	real := fs.String("real", "", "also evaluate the hand-labelled real decisions in this corpus directory (e.g. ../shared/corpus/astdk-real)")
	reliability := fs.Bool("reliability", false, "print the reliability table of the confidences (predicted vs observed per bin) over the labelled letters of every DIR")
	calibrate := fs.String("calibrate", "", "fit the confidence calibration on the labelled letters of every DIR and write it to FILE (classify/calibration.txt)")
	trainModel := fs.String("train-model", "", "learn the sentence model from the labelled letters of every DIR and write it to FILE (classify/model.txt)")
	trainLetter := fs.String("train-letter-model", "", "learn the letter model (the outcome's second reading) from the labelled letters of every DIR and write it to FILE (classify/letter-model.txt)")
	replay := fs.Int("letter-replay", 0, "measure the letter model on held-out letters as first scored: learn it from the first K DIRs only and apply it to the first scores (FIRST-SCORE.txt) of the others")
	cv := fs.Bool("cv", false, "cross-validate the sentence model: each DIR is classified with a model trained on the other DIRs; prints the pooled scores with and without the model")
	threshold := fs.Float64("model-threshold", classify.DefaultModelOptions.Threshold, "with --train-model or --cv: the probability from which a sentence sets its error type")
	veto := fs.Float64("model-veto", classify.DefaultModelVeto, "the sentence model's probability for a rule label's type below which the label is only suggested (0: keep every rule label)")
	var rf rulesFlag
	rf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cls, err := rf.classifier()
	if err != nil {
		return err
	}
	cls = cls.WithModelVeto(*veto)
	if *trainLetter != "" || *replay > 0 {
		return trainOrReplayLetter(env, cls, fs.Args(), *trainLetter, *replay)
	}
	if *trainModel != "" || *cv {
		return trainOrValidate(env, cls, fs.Args(), *trainModel, *threshold)
	}
	if *reliability || *calibrate != "" {
		if fs.NArg() == 0 {
			return fmt.Errorf("%w: give one or more directories of labelled letters (*.txt)", errUsage)
		}
		if *calibrate != "" {
			// Held-out sets scored before they were tuned on say how right the labels are on
			// new text: the confidences are scaled to it.
			text, n, err := cls.CalibrationForDirs("", fs.Args())
			if err != nil {
				return err
			}
			if err := os.WriteFile(*calibrate, []byte(text), 0o644); err != nil {
				return fmt.Errorf("eval: write calibration: %w", err)
			}
			fmt.Fprintf(env.stdout, "Kalibrering skrevet til %s (%d breve)\n", *calibrate, n)
			return nil
		}
		var all []classify.GoldCase
		for _, dir := range fs.Args() {
			cases, err := classify.LoadGold(dir)
			if err != nil {
				return err
			}
			all = append(all, cases...)
		}
		oc, ec := cls.ReliabilityTable(all)
		fmt.Fprintf(env.stdout, "Pålidelighed (regelversion %s, %d breve fra %s)\n", cls.Version(), len(all), strings.Join(fs.Args(), ", "))
		printReliability(env, "Udfald", oc)
		printReliability(env, "Fejltyper", ec)
		return nil
	}
	if fs.NArg() != 1 && (fs.NArg() != 0 || *corrections == "") {
		return fmt.Errorf("%w: give one directory: gold letters (*.txt) or a corpus of crawled records (*.json)", errUsage)
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

// printReliability writes one reliability table: per confidence bin, how many labels, their
// mean confidence and the share that were right.
func printReliability(env *environ, title string, rows []classify.Reliability) {
	fmt.Fprintf(env.stdout, "\n%s\n%-11s %6s %10s %9s\n", title, "konfidens", "antal", "forventet", "observeret")
	for _, r := range rows {
		fmt.Fprintf(env.stdout, "%.1f–%.1f     %6d %10.3f %9.3f\n", r.Lo, r.Hi, r.N, r.MeanConfidence, r.Observed)
	}
}

// trainOrValidate writes the sentence model learned from dirs to file, or, with no file,
// prints its cross-validated scores.
func trainOrValidate(env *environ, cls *classify.Classifier, dirs []string, file string, threshold float64) error {
	if len(dirs) == 0 {
		return fmt.Errorf("%w: give one or more directories of labelled letters (*.txt)", errUsage)
	}
	opt := classify.DefaultModelOptions
	opt.Threshold = threshold
	var groups [][]classify.GoldCase
	var all []classify.GoldCase
	for _, dir := range dirs {
		cases, err := classify.LoadGold(dir)
		if err != nil {
			return err
		}
		groups = append(groups, cases)
		all = append(all, cases...)
	}
	if file != "" {
		if err := os.WriteFile(file, []byte(cls.TrainModel(all, opt, dirs)), 0o644); err != nil {
			return fmt.Errorf("eval: write model: %w", err)
		}
		fmt.Fprintf(env.stdout, "Sætningsmodel skrevet til %s (%d breve)\n", file, len(all))
		return nil
	}
	with, without, alone := cls.CrossValidate(groups, opt)
	fmt.Fprintf(env.stdout, "Krydsvalidering over %d mapper, %d breve (hver mappe med en model lært af de andre)\n", len(groups), with.Cases)
	for _, r := range []struct {
		name string
		rep  *classify.Report
	}{{"regler alene", without}, {"model alene", alone}, {"regler + model", with}} {
		fmt.Fprintf(env.stdout, "%-15s udfald %.3f  fejltyper micro-F1 %.3f (præcision %.3f, genkald %.3f)\n", r.name, r.rep.OutcomeAccuracy(), r.rep.MicroF1(), r.rep.Micro.Precision(), r.rep.Micro.Recall())
	}
	fmt.Fprintln(env.stdout, "regler + model:", with.SignalsLine())
	for _, t := range omgjort.ErrorTypes {
		a, b := without.Errors[t], with.Errors[t]
		fmt.Fprintf(env.stdout, "  %-18s P %.3f→%.3f  R %.3f→%.3f\n", t, a.Precision(), b.Precision(), a.Recall(), b.Recall())
	}
	return nil
}

// trainOrReplayLetter writes the letter model learned from dirs to file, or, with k > 0,
// measures it: learned from the first k dirs, applied to the first scores of the others.
func trainOrReplayLetter(env *environ, cls *classify.Classifier, dirs []string, file string, k int) error {
	if len(dirs) == 0 || k >= len(dirs) {
		return fmt.Errorf("%w: give directories of labelled letters (*.txt), with --letter-replay K more than K of them", errUsage)
	}
	var all []classify.GoldCase
	groups := make([][]classify.GoldCase, len(dirs))
	first := make([]*classify.FirstScore, len(dirs))
	for i, dir := range dirs {
		cases, err := classify.LoadGold(dir)
		if err != nil {
			return err
		}
		all, groups[i] = append(all, cases...), cases
		if file != "" {
			continue
		}
		f, ok, err := classify.LoadFirstScore(dir)
		if err != nil {
			return err
		}
		if ok {
			first[i] = &f
		}
	}
	if file != "" {
		if err := os.WriteFile(file, []byte(cls.TrainLetterModel(all, classify.DefaultLetterModelOptions, dirs)), 0o644); err != nil {
			return fmt.Errorf("eval: write letter model: %w", err)
		}
		fmt.Fprintf(env.stdout, "Brevmodel skrevet til %s (%d breve)\n", file, len(all))
		return nil
	}
	r := cls.ReplayLetterModel(groups, first, k, classify.DefaultLetterModelOptions)
	fmt.Fprintf(env.stdout, "Brevmodellen lært af %d breve (%d mapper), prøvet på de første scorer af %d mapper (%d breve)\n", r.Trained, k, r.Sets, r.Letters)
	if r.SetsSkipped > 0 {
		fmt.Fprintf(env.stdout, "(%d mapper udeladt: ingen første score af reglerne alene)\n", r.SetsSkipped)
	}
	if r.Letters == 0 {
		return errors.New("ingen af mapperne efter de første K har en første score af reglerne alene")
	}
	fmt.Fprintf(env.stdout, "Udfald ved første score: %d/%d (%.3f)\n", r.FirstRight, r.Letters, float64(r.FirstRight)/float64(r.Letters))
	fmt.Fprintf(env.stdout, "Med brevmodellen:        %d/%d (%.3f)\n", r.Right, r.Letters, float64(r.Right)/float64(r.Letters))
	fmt.Fprintf(env.stdout, "  hvor reglerne intet udfald fandt: %d gange, %d rigtige\n", r.Fallbacks, r.FallbacksRight)
	fmt.Fprintf(env.stdout, "  hvor modellen var uenig:          %d gange, %d rigtige; %d rigtige udfald ændret\n", r.Overrides, r.OverridesRight, r.Broken)
	fmt.Fprintf(env.stdout, "  hvor modellen pegede på et andet udfald uden at afgøre: %d gange, reglerne forkert i %d\n", r.Leans, r.LeansRulesWrong)
	return nil
}
