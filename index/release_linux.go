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
// marked MADV_RANDOM: reading one stored document then maps its page, not the 64 KB around it
// the kernel's fault-around would map (most of which no search reads).
//
// Only the files of the current snapshot are released, while a reader holds that snapshot:
// their mappings cannot be unmapped (and the address range reused) meanwhile.
func (x *Index) ReleaseMemory() (err error) {
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
	paths := map[string]bool{}
	for _, s := range is.Segments() {
		if p, ok := s.Segment().(interface{ Path() string }); ok && p.Path() != "" {
			paths[p.Path()] = true
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
		if len(fields) < 6 || !paths[fields[5]] || strings.Contains(fields[1], "w") {
			continue
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
		for _, advice := range []uintptr{syscall.MADV_RANDOM, syscall.MADV_DONTNEED} {
			if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), advice); errno != 0 {
				return fmt.Errorf("index: release memory: madvise %s: %w", fields[5], errno)
			}
		}
	}
	return sc.Err()
}
