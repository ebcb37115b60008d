package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
)

// The relevance set: realistic queries of legal staff with the decisions judged relevant to
// each, on the demo corpus (the embedded replica) and the real ast.dk pages together
// (testdata/relevance.tsv: query TAB relevant numbers, comma-separated TAB why). TestRelevance
// prints precision@10 and nDCG@10 per query and their means:
//
//	go test ./cmd/omgjort -run TestRelevance -v
//
// Precision@10 divides by min(10, relevant decisions), so a query with three relevant decisions
// scores 1 when all three come first. It also prints the precision of all hits (up to 100),
// which shows over-reach beyond the first page. It fails when the means fall below the floors recorded in BENCHMARKS.md, so a change that
// hurts the ranking is noticed.
const (
	relevanceFile   = "testdata/relevance.tsv"
	minPrecision10  = 0.95
	minNDCG10       = 0.95
	relevanceCutoff = 10
)

type judged struct {
	query    string
	relevant map[string]bool
}

func loadRelevance(t *testing.T) []judged {
	t.Helper()
	f, err := os.Open(relevanceFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []judged
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 2 {
			t.Fatalf("%s: bad line %q", relevanceFile, line)
		}
		j := judged{query: parts[0], relevant: map[string]bool{}}
		for _, n := range strings.Split(parts[1], ",") {
			if n = strings.TrimSpace(n); n != "" {
				j.relevant[omgjort.NormalizeNumber(n)] = true
			}
		}
		out = append(out, j)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// relevanceApp crawls the demo replica and the real pages of ../shared into one data directory.
func relevanceApp(t *testing.T) *app {
	t.Helper()
	root := filepath.Join("..", "..", "..", "shared", "replica", "astdk")
	manifest, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if err != nil {
		t.Skipf("../shared replica not available (%v): the relevance set needs the real pages", err)
	}
	var files map[string]struct{ File, Type string }
	if err := json.Unmarshal(manifest, &files); err != nil {
		t.Fatal(err)
	}
	real := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.Type)
		http.ServeFile(w, r, filepath.Join(root, f.File))
	}))
	defer real.Close()
	demo, demoURL, err := replica.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, base := range []string{demoURL, real.URL} {
		run, err := a.crawl(context.Background(), crawler.Config{BaseURL: base, Delay: crawler.NoDelay, Timeout: 10 * time.Second})
		if err != nil || run.Result != omgjort.RunOK {
			t.Fatalf("crawl %s: %v %+v", base, err, run)
		}
	}
	return a
}

// precisionNDCG scores one ranked list against binary judgments at k.
func precisionNDCG(ranked []string, relevant map[string]bool, k int) (p, ndcg float64) {
	var dcg, ideal float64
	hits := 0
	for i := 0; i < k && i < len(ranked); i++ {
		if relevant[ranked[i]] {
			hits++
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	for i := 0; i < k && i < len(relevant); i++ {
		ideal += 1 / math.Log2(float64(i+2))
	}
	p = float64(hits) / float64(min(k, len(relevant)))
	if ideal > 0 {
		ndcg = dcg / ideal
	}
	return p, ndcg
}

func TestPrecisionNDCG(t *testing.T) {
	rel := map[string]bool{"a": true, "b": true}
	if p, n := precisionNDCG([]string{"a", "b", "c"}, rel, 10); p != 1 || math.Abs(n-1) > 1e-12 {
		t.Errorf("perfect ranking: p=%v ndcg=%v", p, n)
	}
	if p, n := precisionNDCG([]string{"c", "a"}, rel, 10); p != 0.5 || n >= 1 || n <= 0 {
		t.Errorf("one of two, second: p=%v ndcg=%v", p, n)
	}
	if p, n := precisionNDCG(nil, rel, 10); p != 0 || n != 0 {
		t.Errorf("nothing found: p=%v ndcg=%v", p, n)
	}
}

func TestRelevance(t *testing.T) {
	set := loadRelevance(t)
	if len(set) < 40 && os.Getenv("OMGJORT_RELEVANCE_DUMP") == "" {
		t.Fatalf("%d judged queries, want at least 40", len(set))
	}
	a := relevanceApp(t)
	if os.Getenv("OMGJORT_RELEVANCE_DUMP") != "" {
		dumpCorpus(t, a)
	}
	var sumP, sumN, sumAll float64
	for _, j := range set {
		res, err := a.Index().Search(context.Background(), omgjort.SearchRequest{Query: j.query, Size: 100, NoSnippets: true})
		var ranked []string
		if err != nil {
			t.Errorf("%q: %v", j.query, err)
		} else {
			for _, h := range res.Hits {
				ranked = append(ranked, h.ID)
			}
		}
		// The hit set's precision shows over-reach beyond the first page ("læge" finding every
		// "lægger"): relevant hits among all hits (0 when nothing was found).
		all := 0.0
		if len(ranked) > 0 {
			rel := 0
			for _, id := range ranked {
				if j.relevant[id] {
					rel++
				}
			}
			all = float64(rel) / float64(len(ranked))
		}
		sumAll += all
		p, n := precisionNDCG(ranked, j.relevant, relevanceCutoff)
		sumP += p
		sumN += n
		ranked = ranked[:min(len(ranked), relevanceCutoff)]
		var missing, wrong []string
		for _, id := range ranked {
			if !j.relevant[id] {
				wrong = append(wrong, id)
			}
		}
		got := map[string]bool{}
		for _, id := range ranked {
			got[id] = true
		}
		for id := range j.relevant {
			if !got[id] {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		var total uint64
		if res != nil {
			total = res.Total
		}
		t.Logf("P@10 %.2f nDCG@10 %.2f P@all %.2f total %3d  %-40q not relevant %v missing %v", p, n, all, total, j.query, wrong, missing)
	}
	mp, mn := sumP/float64(len(set)), sumN/float64(len(set))
	fmt.Printf("relevance: %d queries, mean precision@10 %.3f, mean nDCG@10 %.3f, mean precision of all hits %.3f\n", len(set), mp, mn, sumAll/float64(len(set)))
	if mp < minPrecision10 || mn < minNDCG10 {
		t.Errorf("mean precision@10 %.3f / nDCG@10 %.3f below the floors %.2f / %.2f", mp, mn, minPrecision10, minNDCG10)
	}
}

// dumpCorpus prints each decision's number, laws and title, to judge queries by.
func dumpCorpus(t *testing.T, a *app) {
	err := a.db.ForEach(func(d *omgjort.Decision) error {
		fmt.Printf("%s\t%v\t%v\t%v\t%s\n", d.ID, d.Laws, d.Keywords, d.Paragraphs, d.Title)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
