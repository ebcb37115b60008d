package index

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// checkSegments verifies every zap segment file of the index in dir against the CRC-32 in its
// footer (zap writes the checksum of everything before it as the file's last four bytes).
// Bleve trusts its segments' footers and offsets and panics — in its own goroutines, where no
// recover reaches — on a damaged one, so a damaged segment must be found before Bleve opens it.
func checkSegments(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if err != nil {
		return err
	}
	for _, name := range files {
		if err := checkSegment(name); err != nil {
			return err
		}
	}
	return nil
}

func checkSegment(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(name), err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(name), err)
	}
	const footer = 8*5 + 4 + 4 + 4 // offsets, chunk mode, version, CRC
	if st.Size() < footer {
		return fmt.Errorf("segment %s: %d bytes, shorter than its footer", filepath.Base(name), st.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyN(h, bufio.NewReaderSize(f, 1<<20), st.Size()-4); err != nil {
		return fmt.Errorf("segment %s: read: %w", filepath.Base(name), err)
	}
	var want [4]byte
	if _, err := f.ReadAt(want[:], st.Size()-4); err != nil {
		return fmt.Errorf("segment %s: read footer: %w", filepath.Base(name), err)
	}
	if got := h.Sum32(); got != binary.BigEndian.Uint32(want[:]) {
		return fmt.Errorf("segment %s: checksum %08x, footer says %08x (damaged)", filepath.Base(name), got, binary.BigEndian.Uint32(want[:]))
	}
	return nil
}
