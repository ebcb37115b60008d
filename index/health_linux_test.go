package index_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"omgjort"
	"omgjort/index"
)

// limitFileSize makes every write past n bytes of a file fail with EFBIG, as a full disk makes
// it fail with ENOSPC, for the rest of the test (Go ignores the SIGXFSZ that comes with it).
// It works on any Linux machine, without a small file system or privileges.
func limitFileSize(t *testing.T, n uint64) (restore func()) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("cannot limit the file size: %v", err)
	}
	done := false
	restore = func() {
		if !done {
			done = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(restore)
	return restore
}

// TestWriteFailureKeepsSearching: when Bleve cannot persist a segment (the disk is full), the
// write fails and is reported (Health), searches keep answering from the last snapshot on disk
// instead of panicking, and once space returns the missing decisions are indexed again and
// the index is repaired.
func TestWriteFailureKeepsSearching(t *testing.T) {
	if inOwnProcess(t) {
		return
	}
	ds := synthCorpus(t, 300)
	x, err := index.Open(t.TempDir() + "/idx")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.Put(ds[:150]...); err != nil {
		t.Fatal(err)
	}
	req := omgjort.SearchRequest{Query: "kommunen", Size: 5}
	before, err := x.Search(context.Background(), req)
	if err != nil || before.Total == 0 {
		t.Fatalf("search before: %v %+v", err, before)
	}

	restore := limitFileSize(t, 4096)
	if err := x.Put(ds[150:]...); err == nil {
		t.Fatal("a write past the file size limit succeeded")
	}
	h := x.Health()
	if !h.Degraded || h.Failures == 0 || h.LastError == "" || h.LastFailure.IsZero() {
		t.Errorf("health after the failed write: %+v", h)
	}
	for i := range 20 {
		res, err := x.Search(context.Background(), omgjort.SearchRequest{Query: "kommunen", Size: 5, From: i % 3})
		if err != nil {
			t.Fatalf("search %d after the failed write: %v", i, err)
		}
		if res.Total != before.Total {
			t.Fatalf("search %d: %d hits, the last good snapshot had %d", i, res.Total, before.Total)
		}
	}
	if n, err := x.Count(); err != nil || n != 150 {
		t.Errorf("count after the failed write: %d %v", n, err)
	}

	// Space returns: the decisions of the failed write are indexed again (the app's repair
	// reads them from the store) and the index is marked repaired.
	restore()
	if err := x.Put(ds[150:]...); err != nil {
		t.Fatalf("write after space returned: %v", err)
	}
	x.Repaired()
	if n, _ := x.Count(); n != 300 || x.Health().Degraded {
		t.Errorf("after the repair: %d decisions, %+v", n, x.Health())
	}
}

// inOwnProcess runs the calling test again in a child process and reports true when this is
// the parent (the child's result is the test's result). The test lowers RLIMIT_FSIZE, which
// holds for the whole process: in the child nothing else runs, and no file of go test's own
// (the test log it keeps for caching) is written while the limit holds.
func inOwnProcess(t *testing.T) bool {
	t.Helper()
	if os.Getenv("OMGJORT_FSIZE_CHILD") == t.Name() {
		return false
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "OMGJORT_FSIZE_CHILD="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in its own process: %v\n%s", t.Name(), err, out)
	}
	if strings.Contains(string(out), "--- SKIP") {
		t.Skipf("%s", out)
	}
	return true
}
