package store

import (
	"os"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// ReleaseMemory drops the store file's pages from this process's memory map (madvise
// MADV_DONTNEED on bbolt's read-only shared mapping). Nothing is lost: the pages stay in the
// kernel's page cache and the next read maps them again. serve calls it after its start-up
// checks and after reading many decisions (a CSV export), whose pages would otherwise count in
// its RSS until memory gets short. It runs inside a read transaction, which keeps bbolt from
// re-mapping the file meanwhile, over the part of the file that transaction can see (all of
// it mapped), so it is safe while others read and write. The mapping is also marked
// MADV_RANDOM, so that reading a decision maps its pages and not the 64 KB around each of them
// (the kernel's fault-around).
func (s *DB) ReleaseMemory() error {
	return s.bolt.View(func(tx *bolt.Tx) error {
		size := uintptr(tx.Size()) &^ uintptr(os.Getpagesize()-1)
		if size == 0 {
			return nil
		}
		for _, advice := range []uintptr{syscall.MADV_RANDOM, syscall.MADV_DONTNEED} {
			if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, s.bolt.Info().Data, size, advice); errno != 0 {
				return errno
			}
		}
		return nil
	})
}
