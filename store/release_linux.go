package store

import (
	"os"
	"syscall"
)

// ReleaseMemory drops the store file's pages from this process's memory map (madvise
// MADV_DONTNEED on bbolt's read-only shared mapping). Nothing is lost: the pages stay in the
// kernel's page cache and the next read maps them again. serve calls it after its start-up
// checks, which read the stamps bucket and, through the kernel's fault-around, map many
// neighbouring pages that serving searches never touches; without it they count in the RSS of
// serve until memory gets short. It must not run while anything writes to the store (a write
// may grow and re-map the file).
func (s *DB) ReleaseMemory() error {
	fi, err := os.Stat(s.path)
	if err != nil {
		return err
	}
	size := uintptr(fi.Size()) &^ uintptr(os.Getpagesize()-1)
	if size == 0 {
		return nil
	}
	// bbolt maps at least the whole file, from Info().Data.
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, s.bolt.Info().Data, size, syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
