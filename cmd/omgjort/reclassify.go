package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	"omgjort"
	"omgjort/classify"
	"omgjort/ingest"
	"omgjort/store"
)

// rulesFlag is the --rules flag of every command that classifies, so a legal professional can
// try an edited rules file without a new build. Empty means the built-in rules.
type rulesFlag struct{ path string }

func (r *rulesFlag) register(fs *flag.FlagSet) {
	fs.StringVar(&r.path, "rules", "", "classifier rules file in the rules.txt format (default: the built-in rules)")
}

// classifier loads the chosen rules.
func (r *rulesFlag) classifier() (*classify.Classifier, error) {
	if r.path == "" {
		return classify.New()
	}
	return classify.Load(r.path)
}

// apply puts the chosen rules into a and re-labels every stored decision that was classified
// with other rules, so the store and the index never mix rules versions after a change. It is
// what serve and crawl call right after openApp.
func (r *rulesFlag) apply(a *app) error {
	cls, err := r.classifier()
	if err != nil {
		return err
	}
	a.SetClassifier(cls)
	res, err := a.reclassify(true)
	if err != nil {
		return err
	}
	if res.Relabelled > 0 {
		a.log.Info("decisions re-labelled with new classifier rules", "rules", cls.Version(), "relabelled", res.Relabelled, "checked", res.Checked)
	}
	return nil
}

// reclassifyResult counts what a reclassification did.
type reclassifyResult struct {
	Checked    int // decisions looked at
	Relabelled int // decisions whose stored labels changed
	Unchanged  int // decisions whose labels were already right
}

// reclassify runs every stored decision (or, with onlyStale, those labelled by other rules)
// through enrich again, stores it with PutDecision (which reports store.Relabelled when only the
// labels changed) and updates the index for every changed decision.
func (a *app) reclassify(onlyStale bool) (reclassifyResult, error) {
	var res reclassifyResult
	// Pick the decisions from the stamps alone (they carry the rules version), so a start with
	// unchanged rules reads no decision at all.
	stamps, err := a.db.Stamps()
	if err != nil {
		return res, fmt.Errorf("reclassify: %w", err)
	}
	var todo []string
	for id, st := range stamps {
		if !onlyStale || omgjort.StampRules(st) != a.Classifier().Version() {
			todo = append(todo, id)
		}
	}
	sort.Strings(todo)
	// In batches: read, label, store in one transaction, index what changed.
	for len(todo) > 0 {
		n := min(len(todo), ingest.ReconcileBatch)
		ds, err := a.db.GetMany(todo[:n])
		if err != nil {
			return res, fmt.Errorf("reclassify: %w", err)
		}
		todo = todo[n:]
		for _, d := range ds {
			a.Enrich(d)
		}
		chs, err := a.db.PutDecisions(ds)
		if err != nil {
			return res, fmt.Errorf("reclassify: %w", err)
		}
		var changed []*omgjort.Decision
		for i, ch := range chs {
			res.Checked++
			if ch == store.Unchanged {
				res.Unchanged++
				continue
			}
			res.Relabelled++
			changed = append(changed, ds[i])
		}
		if len(changed) > 0 {
			if err := a.Index().Put(changed...); err != nil {
				return res, fmt.Errorf("reclassify: index: %w", err)
			}
		}
	}
	return res, nil
}

func runReclassify(_ context.Context, env *environ, args []string) error {
	fs := newFlags(env, "reclassify", "reclassify [--data DIR] [--rules FILE] [--stale]")
	data := fs.String("data", defaultData, "data directory (bbolt store and search index)")
	stale := fs.Bool("stale", false, "only decisions labelled by other rules than the current ones")
	var rf rulesFlag
	rf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cls, err := rf.classifier()
	if err != nil {
		return err
	}
	a, err := openApp(*data, env.log)
	if err != nil {
		return err
	}
	defer a.Close()
	a.SetClassifier(cls)
	start := time.Now()
	res, err := a.reclassify(*stale)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Omklassificeret med regelversion %s: %d afgørelser gennemgået, %d fik nye labels, %d uændrede (%s)\n",
		cls.Version(), res.Checked, res.Relabelled, res.Unchanged, time.Since(start).Round(time.Millisecond))
	return nil
}
