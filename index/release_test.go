package index_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"omgjort"
	"omgjort/index"
)

// indexRSS is the resident size (KB) of this process's mappings of files under dir.
func indexRSS(t *testing.T, dir string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in, kb := false, 0
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && strings.HasPrefix(fields[5], dir)
			continue
		}
		if in && strings.HasPrefix(line, "Rss:") && len(fields) >= 2 {
			n, _ := strconv.Atoi(fields[1])
			kb += n
		}
	}
	return kb
}

// TestReleaseMemoryWhileSearchingAndWriting releases the index's mapped pages over and over while
// searches run and new decisions are written (so segments are built, merged and closed): every
// search must keep giving the right total, and the release must drop the resident pages.
func TestReleaseMemoryWhileSearchingAndWriting(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ReleaseMemory only acts on Linux")
	}
	dir := filepath.Join(t.TempDir(), "index")
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.SetCacheSize(0)
	ds := synthCorpus(t, 600)
	if err := x.Put(ds[:300]...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	count := func(q string) uint64 {
		res, err := x.Search(ctx, omgjort.SearchRequest{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	want := count("kommunen")
	if want == 0 {
		t.Fatal("no hits for kommunen")
	}
	// Bleve writes its segment files in the background: wait until searches read them.
	before := 0
	for range 100 {
		if count("kommunen") != want {
			t.Fatal("kommunen: the total changed")
		}
		if before = indexRSS(t, dir); before > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := x.ReleaseMemory(); err != nil {
		t.Fatal(err)
	}
	if after := indexRSS(t, dir); before == 0 || after >= before {
		t.Errorf("resident index pages: %d KB before the release, %d KB after", before, after)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if n := count("kommunen"); n < want {
				t.Errorf("kommunen: %d hits during the releases, at least %d before", n, want)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 300; i < 600; i += 20 {
			if err := x.Put(ds[i : i+20]...); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 200 {
		if err := x.ReleaseMemory(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if n, m := count("kommunen"), count("-kommunen"); n+m != 600 {
		t.Errorf("after: kommunen %d + not %d hits, want 600 decisions", n, m)
	}
}

// TestReleaseStoredKeepsPostingsMapped drops the mapped pages of the stored documents only: the
// resident index pages shrink, but less than with ReleaseMemory, and searches give the same
// hits and snippets afterwards.
func TestReleaseStoredKeepsPostingsMapped(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the releases only act on Linux")
	}
	dir := filepath.Join(t.TempDir(), "index")
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.SetCacheSize(0)
	if err := x.Put(synthCorpus(t, 400)...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	page := func(q string, from int) *omgjort.SearchResult {
		res, err := x.Search(ctx, omgjort.SearchRequest{Query: q, From: from, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// Read every stored document (pages of "kommunen" and of its negation) and wait until
	// the searches read the segment files Bleve writes in the background.
	read := func() []*omgjort.SearchResult {
		var out []*omgjort.SearchResult
		for _, q := range []string{"kommunen", "-kommunen"} {
			for from := 0; from < 400; from += 100 {
				out = append(out, page(q, from))
			}
		}
		return out
	}
	var before []*omgjort.SearchResult
	rss := 0
	for range 100 {
		before = read()
		if rss = indexRSS(t, dir); rss > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := index.ReleaseStored(x); err != nil {
		t.Fatal(err)
	}
	stored := indexRSS(t, dir)
	if err := x.ReleaseMemory(); err != nil {
		t.Fatal(err)
	}
	all := indexRSS(t, dir)
	if !(stored < rss && all < stored) {
		t.Errorf("resident index pages: %d KB after the searches, %d KB after releasing the stored documents, %d KB after releasing all", rss, stored, all)
	}
	after := read()
	for i := range before {
		b, a := before[i], after[i]
		if a.Total != b.Total || len(a.Hits) != len(b.Hits) {
			t.Fatalf("search %d: %d hits (%d shown) after the release, %d (%d) before", i, a.Total, len(a.Hits), b.Total, len(b.Hits))
		}
		for j := range b.Hits {
			if a.Hits[j].ID != b.Hits[j].ID || strings.Join(a.Hits[j].Snippets, "") != strings.Join(b.Hits[j].Snippets, "") {
				t.Fatalf("search %d hit %d: %s %q after the release, %s %q before", i, j, a.Hits[j].ID, a.Hits[j].Snippets, b.Hits[j].ID, b.Hits[j].Snippets)
			}
		}
	}
}
