package server_test

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Realistic searches of legal staff, built from the words, laws, keywords, outcomes and error
// types that occur in the synthetic corpus: single words, two words, phrases, query-box fields,
// facet filters, date sort and page 2. benchPool returns them in a fixed order without repeats.
var (
	benchWords = []string{"kontanthjælp", "sanktion", "partshøring", "begrundelse", "sygedagpenge",
		"fleksjob", "boligstøtte", "tilbagebetaling", "hjælpemidler", "samlivsforhold", "førtidspension",
		"ressourceforløb", "arbejdsevnen", "merudgifter", "løntilskud", "klagefristen", "vejledning",
		"uarbejdsdygtighed", "rehabiliteringsteamet", "fradrag", "aktindsigt", "udeblivelse",
		"forsørgelse", "funktionsevne", "arbejdsprøvning", "pension", "digital", "formue", "bil",
		"aktivitetsparat", "samtaler", "kørestol", "vejlede", "oplysninger", "kommunen", "afgørelsen"}
	benchPhrases = []string{`"konkret vurdering"`, `"lægelige oplysninger"`, `"rimelig grund"`,
		`"tabt arbejdsfortjeneste"`, `"varigt nedsat arbejdsevne"`, `"gensidig forsørgelse"`,
		`"digital post"`, `"åbenbart formålsløst"`, `"ordinært arbejde"`, `"inddragelse af barnet"`}
	benchFields = []string{"lov:aktivloven", "lov:sygedagpengeloven", "udfald:hjemvist", "udfald:omgjort",
		"fejl:partshøring", "fejl:begrundelse", "fejl:sagsoplysning", "år:2020..2024", "år:>=2022",
		"§:19", "status:gældende", "emne:fleksjob", "titel:sanktion"}
	benchFilters = []string{"udfald=hjemvist", "udfald=stadfaestet", "udfald=aendret", "fejl=partshoering",
		"fejl=sagsoplysning", "fejl=begrundelse", "aar=2024", "aar=2019", "status=gaeldende",
		"lov=Aktivloven", "lov=Sygedagpengeloven", "myndighed=Udbetaling+Danmark"}
)

// benchPool returns n distinct search query strings (URL-encoded, for "/?"), the most typical
// first: they are later drawn with a Zipf-like distribution over this order.
func benchPool(n int) []string {
	r := rand.New(rand.NewPCG(5, 11))
	seen := map[string]bool{}
	var out []string
	add := func(q string, extra ...string) {
		v := url.Values{}
		v.Set("q", q)
		s := v.Encode()
		for _, e := range extra {
			s += "&" + e
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	for _, w := range benchWords {
		add(w)
	}
	for _, p := range benchPhrases {
		add(p)
	}
	for tries := 0; len(out) < n && tries < 100*n; tries++ {
		switch k := r.IntN(10); {
		case k < 3: // two words
			add(pick(benchWords) + " " + pick(benchWords))
		case k < 4: // word and phrase
			add(pick(benchWords) + " " + pick(benchPhrases))
		case k < 6: // word and a query-box field
			add(pick(benchWords) + " " + pick(benchFields))
		case k < 8: // word(s) and a facet filter
			add(pick(benchWords), pick(benchFilters))
		case k < 9: // page 2
			add(pick(benchWords), "side=2")
		default: // newest first, or excluding a word
			if r.IntN(2) == 0 {
				add(pick(benchWords), "sort=date")
			} else {
				add(pick(benchWords) + " -" + pick(benchWords))
			}
		}
	}
	return out[:min(n, len(out))]
}

// BenchmarkHTTPSearch runs searches with facets and highlights against a running `omgjort serve`
// named by OMGJORT_BENCH_URL, from 8 concurrent clients, and reports the p50 and p99 latency.
// It is skipped without the variable. OMGJORT_BENCH_MIX chooses the queries:
//
//   - "cold": every request is a different search (no result is ever asked twice, so the
//     server's result cache never helps): the cost of computing a search.
//   - "zipf" (default): requests drawn from 300 distinct searches with a Zipf-like
//     distribution (s = 1.1), as on a site where some searches are common and most are rare;
//     starts from a cold cache, so every first occurrence is computed.
//   - "file": the shared query mix of OMGJORT_BENCH_QUERIES (default ../shared/bench/queries.txt),
//     every search once; more requests than the file has read it again a page further on.
//
// It logs the latency per kind of search (queryKind) and the load average. With
// OMGJORT_BENCH_PID set to serve's process ID it also reports serve's CPU per request and its
// VmRSS, RssAnon and RssFile after the run.
//
// Run each mix on a freshly started server (the cold run's searches would otherwise be cached
// for the zipf run):
//
//	omgjort gen --n 100000 --load --data /tmp/b100k
//	omgjort serve --data /tmp/b100k --addr 127.0.0.1:8099 &
//	OMGJORT_BENCH_URL=http://127.0.0.1:8099 OMGJORT_BENCH_MIX=cold go test ./server -run XXX -bench HTTPSearch -benchtime 1000x
func BenchmarkHTTPSearch(b *testing.B) {
	base := os.Getenv("OMGJORT_BENCH_URL")
	if base == "" {
		b.Skip("set OMGJORT_BENCH_URL to a running `omgjort serve`")
	}
	if _, err := url.Parse(base); err != nil {
		b.Fatal(err)
	}
	if b.N == 1 {
		// testing runs every benchmark once with b.N = 1 before the b.N asked for (-benchtime
		// 3000x): that request would put the first search in the result cache.
		if f := flag.Lookup("test.benchtime"); f != nil && strings.HasSuffix(f.Value.String(), "x") && f.Value.String() != "1x" {
			return
		}
	}
	const clients = 8
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	mix := os.Getenv("OMGJORT_BENCH_MIX")
	var seq []string
	nDistinct := b.N
	switch mix {
	case "cold":
		pool := benchPool(b.N + 20)
		if len(pool) < b.N+20 {
			b.Fatalf("only %d distinct searches for %d requests", len(pool), b.N)
		}
		seq = pool[20:] // the first 20 (the most common) warm the connections and page cache
		for _, q := range pool[:20] {
			benchGet(b, client, base+"/api/search?"+q)
		}
	case "", "zipf":
		pool := benchPool(300)
		z := rand.NewZipf(rand.New(rand.NewPCG(7, 7)), 1.1, 1, uint64(len(pool)-1))
		seq = make([]string, b.N)
		distinct := map[string]bool{}
		for i := range seq {
			seq[i] = pool[z.Uint64()]
			distinct[seq[i]] = true
		}
		nDistinct = len(distinct)
		benchGet(b, client, base+"/status") // connections only; no search is warmed
	case "file":
		// The shared query mix (OMGJORT_BENCH_QUERIES, ../shared/bench/queries.txt): lines 1–20
		// warm the server, then the 1,000 distinct searches in order. Beyond them the file is
		// read again a page further on (pass 2 asks each search's next page, pass 3 the one
		// after), so every request is a search not made before: the result cache never answers
		// (the facet counts of a hit set already seen are reused, as for any page 2).
		lines, err := queryLines(os.Getenv("OMGJORT_BENCH_QUERIES"))
		if err != nil {
			b.Fatal(err)
		}
		if len(lines) < 21 {
			b.Fatalf("%d query lines", len(lines))
		}
		for _, q := range lines[:20] {
			benchGet(b, client, base+"/?"+q)
		}
		rest := lines[20:]
		seq = make([]string, b.N)
		for i := range seq {
			seq[i] = pageVariant(rest[i%len(rest)], i/len(rest))
		}
		nDistinct = b.N
	default:
		b.Fatalf("OMGJORT_BENCH_MIX=%q: use cold, zipf or file", mix)
	}
	pid := os.Getenv("OMGJORT_BENCH_PID")
	var cpu0, minflt0, majflt0 float64
	if pid != "" {
		cpu0, minflt0, majflt0 = procCPU(b, pid)
	}
	load0 := loadAvg()
	var mu sync.Mutex
	var lat []time.Duration
	kinds := map[string][]time.Duration{}
	took := make([]time.Duration, b.N) // by request, for the slowest
	next := make(chan int)
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			mineKind := map[string][]time.Duration{}
			for i := range next {
				start := time.Now()
				resp, err := client.Get(base + "/?" + seq[i])
				if err != nil {
					b.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("%s: status %d", seq[i], resp.StatusCode)
				}
				d := time.Since(start)
				mine = append(mine, d)
				took[i] = d
				k := queryKind(seq[i])
				mineKind[k] = append(mineKind[k], d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, ds := range mineKind {
				kinds[k] = append(kinds[k], ds...)
			}
			mu.Unlock()
		}()
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	p50, p99 := percentiles(lat)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
	// Distinct searches among the requests: each is computed once, the rest can be cached.
	b.ReportMetric(float64(nDistinct), "distinct")
	b.Logf("loadavg before %s, after %s", load0, loadAvg())
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		k50, k99 := percentiles(kinds[k])
		b.Logf("%-10s %5d requests  p50 %6.1f ms  p99 %6.1f ms", k, len(kinds[k]), k50, k99)
	}
	slowest := make([]int, len(took))
	for i := range slowest {
		slowest[i] = i
	}
	slices.SortFunc(slowest, func(a, c int) int { return cmp.Compare(took[c], took[a]) })
	for _, i := range slowest[:min(10, len(slowest))] {
		b.Logf("slow: #%d %6.1f ms  %s", i, float64(took[i].Microseconds())/1000, seq[i])
	}
	if pid != "" {
		// serve's CPU per request: independent of how many cores the load left it.
		cpu, minflt, majflt := procCPU(b, pid)
		b.ReportMetric((cpu-cpu0)/float64(len(lat)), "srv-cpu-ms/req")
		// Pages mapped again (mostly of the index files): the cost of releasing them.
		b.ReportMetric((minflt-minflt0)/float64(len(lat)), "srv-minflt/req")
		// Pages read from disk: index or store pages the kernel had dropped from its cache.
		b.ReportMetric(majflt-majflt0, "srv-majflt")
		for _, f := range []string{"VmRSS", "RssAnon", "RssFile"} {
			b.ReportMetric(procStatusMB(b, pid, f), f+"-MB")
		}
	}
}

// percentiles sorts ds and returns its p50 and p99 in milliseconds.
func percentiles(ds []time.Duration) (p50, p99 float64) {
	slices.Sort(ds)
	pct := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
	}
	return pct(0.50), pct(0.99)
}

// pageVariant returns the search query string q asked pass pages further on (side=N), so a
// pass over the query file after the first asks searches not made before.
func pageVariant(q string, pass int) string {
	if pass == 0 {
		return q
	}
	v, err := url.ParseQuery(q)
	if err != nil {
		return q
	}
	side, err := strconv.Atoi(v.Get("side"))
	if err != nil || side < 1 {
		side = 1
	}
	v.Set("side", strconv.Itoa(side+pass))
	return v.Encode()
}

// queryKind names the kind of a search for the per-kind latencies: a phrase of two or of three
// or more words, a query-box field, a facet filter, an exclusion, page 2 and on, date sort, or
// the number of free words. The first that applies names it.
func queryKind(q string) string {
	v, err := url.ParseQuery(q)
	if err != nil {
		return "other"
	}
	box := v.Get("q")
	if _, phrase, ok := strings.Cut(box, `"`); ok {
		phrase, _, _ = strings.Cut(phrase, `"`)
		if len(strings.Fields(phrase)) >= 3 {
			return "phrase3+"
		}
		return "phrase2"
	}
	for _, w := range strings.Fields(box) {
		if f, _, ok := strings.Cut(w, ":"); ok && f != "" {
			return "field"
		}
	}
	for _, w := range strings.Fields(box) {
		if strings.HasPrefix(w, "-") {
			return "exclude"
		}
	}
	for k := range v {
		if k != "q" && k != "side" && k != "sort" {
			return "filter"
		}
	}
	if s := v.Get("side"); s != "" && s != "1" {
		return "page2+"
	}
	if v.Get("sort") != "" {
		return "datesort"
	}
	return fmt.Sprintf("words%d", len(strings.Fields(box)))
}

// procCPU reads a process's user and system CPU time in milliseconds and its minor and major
// page faults from /proc/PID/stat.
func procCPU(b *testing.B, pid string) (cpuMS, minflt, majflt float64) {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name (in parentheses, which may hold spaces): minflt, majflt,
	// utime and stime are the 10th, 12th, 14th and 15th of the line, the 8th, 10th, 12th and
	// 13th after the name.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		b.Fatalf("/proc/%s/stat: %q", pid, s)
	}
	mi, _ := strconv.ParseFloat(f[7], 64)
	mf, _ := strconv.ParseFloat(f[9], 64)
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) * 10, mi, mf // clock ticks of 1/100 s
}

// procStatusMB reads one kB field of /proc/PID/status in MB.
func procStatusMB(b *testing.B, pid, field string) float64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	b.Fatalf("/proc/%s/status has no %s", pid, field)
	return 0
}

// loadAvg is the first three fields of /proc/loadavg, or "?".
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// queryLines reads the query strings of a queries.txt file, without comments and blank lines.
func queryLines(path string) ([]string, error) {
	if path == "" {
		path = filepath.Join("..", "..", "shared", "bench", "queries.txt")
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(body), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		l = strings.TrimPrefix(strings.TrimPrefix(l, "/api/search?"), "/?")
		out = append(out, l)
	}
	return out, nil
}

func benchGet(b *testing.B, client *http.Client, u string) {
	b.Helper()
	resp, err := client.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: status %d", u, resp.StatusCode)
	}
}
