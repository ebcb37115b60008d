package index

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// ReleaseMemory drops the pages of the index's segment files from this process's memory map
// (madvise MADV_DONTNEED on zapx's read-only shared mappings), as store.DB.ReleaseMemory does
// for the store: nothing is lost, the pages stay in the kernel's page cache and the next read
// maps them again. Searches touch the postings and stored documents of a wide part of the
// index over time, which would otherwise all count in the RSS of serve. The mappings are also
// marked MADV_RANDOM, which stops the kernel's readahead from the files; its fault-around still
// maps up to 64 KB of already cached pages at each fault (seen on Linux 6.18), which is why the
// stored documents are released often (releaseStored, afterSearch).
//
// Only the files of the current snapshot are released, while a reader holds that snapshot:
// their mappings cannot be unmapped (and the address range reused) meanwhile.
func (x *Index) ReleaseMemory() error { return x.release(false) }

// releaseStored drops only the pages of the segments' stored documents (the start of a zap file,
// up to its stored index): a page of hits maps a page or two of each hit's compressed text,
// seldom read again, while the postings and term dictionaries further on are read by every
// search and stay mapped.
func (x *Index) releaseStored() error { return x.release(true) }

// zapFile is what release needs of a zapx segment: its file and where its stored documents end.
type zapFile interface {
	Path() string
	StoredIndexOffset() uint64
}

func (x *Index) release(storedOnly bool) (err error) {
	// It runs on serve's ticker and after searches, on goroutines of their own: a panic in
	// Bleve here (an index being reopened after a failed write) must not end the process.
	defer recoverTo(&err, "release memory")
	adv, err := x.idx.Advanced()
	if err != nil {
		return fmt.Errorf("index: release memory: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("index: release memory: %w", err)
	}
	defer r.Close()
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok || is == nil {
		return nil
	}
	paths := map[string]uint64{} // file → bytes released from its start (0: all)
	for _, s := range is.Segments() {
		if z, ok := s.Segment().(zapFile); ok && z.Path() != "" {
			paths[z.Path()] = 0
			if storedOnly {
				paths[z.Path()] = z.StoredIndexOffset()
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return fmt.Errorf("index: release memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || strings.Contains(fields[1], "w") {
			continue
		}
		upto, ok := paths[fields[5]]
		if !ok || (storedOnly && (upto == 0 || fields[2] != "00000000")) {
			continue // not a segment of the snapshot, or not mapped from its start
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		if storedOnly {
			end = min(end, (start+upto)&^uint64(os.Getpagesize()-1))
			if end <= start {
				continue
			}
		}
		for _, advice := range []uintptr{syscall.MADV_RANDOM, syscall.MADV_DONTNEED} {
			if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), advice); errno != 0 {
				return fmt.Errorf("index: release memory: madvise %s: %w", fields[5], errno)
			}
		}
	}
	return sc.Err()
}
