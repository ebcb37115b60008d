package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
)

// ErrDamaged is returned by Open for a store file that is truncated or damaged. bbolt trusts
// its file and would crash the process (SIGSEGV, assertion panics) on one, so the file is
// checked before bbolt opens it, and a panic while opening is turned into this error.
var ErrDamaged = errors.New("the store file is damaged")

// ErrEmptyBesideData is returned by OpenChecked for a zero-length store file in a data
// directory that holds an index or backups: bbolt would take it for a new store and the next
// start would empty the index to match it.
var ErrEmptyBesideData = errors.New("the store file is empty but the data directory is not")

// bbolt's on-disk meta page (go.etcd.io/bbolt/internal/common): a 16-byte page header, then
// magic, version, page size, flags, root bucket (root page, sequence), freelist page, page
// high-water mark, transaction id and an FNV-64a checksum of the meta fields before it.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltPageHeader = 16
	boltMetaSize   = 64
)

type boltMeta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

// readMeta reads and checks the meta page at off, or reports why it is not valid.
func readMeta(f *os.File, off int64) (boltMeta, error) {
	buf := make([]byte, boltPageHeader+boltMetaSize)
	if _, err := f.ReadAt(buf, off); err != nil {
		return boltMeta{}, fmt.Errorf("read meta page at %d: %w", off, err)
	}
	m := buf[boltPageHeader:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic {
		return boltMeta{}, fmt.Errorf("meta page at %d: not a bbolt file (bad magic)", off)
	}
	if v := le.Uint32(m[4:]); v != boltVersion {
		return boltMeta{}, fmt.Errorf("meta page at %d: version %d", off, v)
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != le.Uint64(m[56:]) {
		return boltMeta{}, fmt.Errorf("meta page at %d: checksum mismatch", off)
	}
	return boltMeta{pageSize: le.Uint32(m[8:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, nil
}

// checkFile checks a store file before bbolt opens it: a missing file is fine (a new store),
// an empty one too (bbolt initialises it; OpenChecked decides whether that is safe); otherwise
// at least one of the two meta pages must be valid and the file must hold every page the newest
// valid meta says it has, or the file was truncated.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		return nil
	}
	if size < boltPageHeader+boltMetaSize {
		return fmt.Errorf("%w: %s is %d bytes, shorter than one bbolt page (truncated)", ErrDamaged, path, size)
	}
	m0, err0 := readMeta(f, 0)
	var best boltMeta
	var err1 error
	switch {
	case err0 == nil:
		best = m0
		var m1 boltMeta
		if m1, err1 = readMeta(f, int64(m0.pageSize)); err1 == nil && m1.txid > m0.txid {
			best = m1
		}
	default:
		// The first meta is gone; bbolt tries the second one at its page size. Try the usual
		// page sizes.
		err1 = err0
		for _, ps := range []int64{4096, 8192, 16384, 65536} {
			if m1, e := readMeta(f, ps); e == nil && int64(m1.pageSize) == ps {
				best, err1 = m1, nil
				break
			}
		}
	}
	if best.pageSize == 0 {
		return fmt.Errorf("%w: %s: both meta pages are invalid (%v; %v)", ErrDamaged, path, err0, err1)
	}
	if want := int64(best.pgid) * int64(best.pageSize); want > size {
		return fmt.Errorf("%w: %s is %d bytes but its pages reach %d bytes (truncated)", ErrDamaged, path, size, want)
	}
	return nil
}

// damaged wraps a failure to open the file at path in a message that names the file and says
// what to do.
func damaged(path string, err error) error {
	return fmt.Errorf("store: %s cannot be used: %w — restore the newest backup into a new data directory with `omgjort restore BACKUP --data NEWDIR` (Lagerfilen er beskadiget; gendan en sikkerhedskopi med `omgjort restore`)", path, err)
}

// openGuarded runs bbolt's open (and the first transaction) so that a damaged file which slipped
// past checkFile gives an error instead of killing the process: bbolt reads its file through
// a memory map, and a bad page offset is a fault (SIGSEGV) or an assertion panic.
func openGuarded(path string, open func() (*DB, error)) (db *DB, err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, damaged(path, fmt.Errorf("%w: %v", ErrDamaged, r))
		}
	}()
	return open()
}

// OpenChecked is Open for commands that open the data directory: beyond Open's checks it
// refuses a zero-length store file when the directory also holds a non-empty search index
// (indexDir) or backups (backupDir): an empty file there means the store was lost or
// truncated, and carrying on would silently empty the index to match it.
func OpenChecked(dir, indexDir, backupDir string) (*DB, error) {
	path := filepath.Join(dir, FileName)
	if st, err := os.Stat(path); err == nil && st.Size() == 0 {
		var why []string
		if nonEmpty(indexDir) {
			why = append(why, "a search index in "+indexDir)
		}
		if nonEmpty(backupDir) {
			why = append(why, "backups in "+backupDir)
		}
		if len(why) > 0 {
			return nil, fmt.Errorf("store: %s is empty (0 bytes) but the data directory holds %s: %w. Refusing to start, which would empty the index. Restore the newest backup with `omgjort restore BACKUP --data NEWDIR`, or remove the empty file and the index to start afresh (Lagerfilen er tom, men mappen indeholder data)",
				path, joinAnd(why), ErrEmptyBesideData)
		}
	}
	return Open(dir)
}

func nonEmpty(dir string) bool {
	if dir == "" {
		return false
	}
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	return err != io.EOF && err == nil
}

func joinAnd(s []string) string {
	if len(s) == 2 {
		return s[0] + " and " + s[1]
	}
	return s[0]
}
