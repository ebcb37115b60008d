package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/golang/snappy"
)

// Reading a page's stored documents with pread instead of through zapx's memory map. Through
// the map, each document read faults in its page of the segment file, and the kernel's
// fault-around maps up to 64 KB of cached pages with it (MADV_RANDOM or not): after 3,000
// distinct searches ≈ 180 MB of the stored documents counted in the RSS of serve, and
// releasing them (madvise) made every later read fault again, which cost more CPU than the
// read. A pread copies the document's bytes out of the page cache and maps nothing.
//
// The format is zap's (v11 to v17): at storedIndexOffset, a big-endian uint64 per document,
// the offset of its record; the record is uvarint metaLen, uvarint dataLen, the meta (uvarint
// length of the _id, then per field: field number, type, offset, length, number of array
// positions and the positions), the _id, and the other values snappy-compressed. Any error
// falls back to zapx's own reader (storedByNumber).

// zapStored is what readStored needs of a persisted zapx segment.
type zapStored interface {
	Path() string
	StoredIndexOffset() uint64
	Fields() []string
	Count() uint64
}

// storedFiles keeps the open segment files of the stored documents read with pread, counted by
// their readers: a file no longer in the latest snapshot is closed once unused (a merged-away
// segment's file stays readable while it is open, as its mapping does).
type storedFiles struct {
	mu     sync.Mutex
	files  map[string]*storedFile
	closed bool
}

type storedFile struct {
	f     *os.File
	refs  int
	stale bool
	// offsets is the file's stored index (each document's record offset), read once: then a
	// record is one pread of its exact length (records are written one after the other).
	offsetsOnce sync.Once
	offsets     []uint64
	offsetsErr  error
}

// recordAt returns the offset of document num's record and its length as the next record's
// offset gives it (a hint: 0 when unknown).
func (sf *storedFile) recordAt(z zapStored, num uint64) (off, size uint64, err error) {
	sf.offsetsOnce.Do(func() {
		n := z.Count()
		if n > 1<<26 {
			sf.offsetsErr = fmt.Errorf("%d documents", n)
			return
		}
		raw := make([]byte, 8*n)
		if _, err := sf.f.ReadAt(raw, int64(z.StoredIndexOffset())); err != nil {
			sf.offsetsErr = fmt.Errorf("stored index: %w", err)
			return
		}
		sf.offsets = make([]uint64, n)
		for i := range sf.offsets {
			sf.offsets[i] = binary.BigEndian.Uint64(raw[8*i:])
		}
	})
	if sf.offsetsErr != nil {
		return 0, 0, sf.offsetsErr
	}
	if num >= uint64(len(sf.offsets)) {
		return 0, 0, fmt.Errorf("document %d of %d", num, len(sf.offsets))
	}
	off = sf.offsets[num]
	end := z.StoredIndexOffset()
	if num+1 < uint64(len(sf.offsets)) {
		end = sf.offsets[num+1]
	}
	if end > off {
		size = end - off
	}
	return off, size, nil
}

// acquire returns the open file at path, opening it on first use.
func (s *storedFiles) acquire(path string) (*storedFile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("index closed")
	}
	if sf, ok := s.files[path]; ok {
		sf.refs++
		sf.stale = false
		return sf, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if s.files == nil {
		s.files = map[string]*storedFile{}
	}
	sf := &storedFile{f: f, refs: 1}
	s.files[path] = sf
	return sf, nil
}

// release gives back a file from acquire.
func (s *storedFiles) release(path string, sf *storedFile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sf.refs--
	if sf.refs == 0 && sf.stale {
		_ = sf.f.Close()
		if s.files[path] == sf {
			delete(s.files, path)
		}
	}
}

// keepOnly marks the files outside live stale, closing those not in use.
func (s *storedFiles) keepOnly(live map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for path, sf := range s.files {
		if live[path] {
			continue
		}
		sf.stale = true
		if sf.refs == 0 {
			_ = sf.f.Close()
			delete(s.files, path)
		}
	}
}

// closeAll closes every file (Index.Close, after the searches are done).
func (s *storedFiles) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for path, sf := range s.files {
		_ = sf.f.Close()
		delete(s.files, path)
	}
	s.closed = true
}

// storedBufs are read buffers: most records (a decision's text compressed) fit in 16 KB.
var storedBufs = sync.Pool{New: func() any { b := make([]byte, 16<<10); return &b }}

// readStored visits the stored fields of local document num of the zap file sf, as zapx's
// VisitStoredFields does.
func readStored(sf *storedFile, z zapStored, num uint64, visit segment.StoredFieldValueVisitor) error {
	f := sf.f
	o, size, err := sf.recordAt(z, num)
	if err != nil {
		return err
	}
	off := int64(o)
	bp := storedBufs.Get().(*[]byte)
	defer storedBufs.Put(bp)
	buf := *bp
	if size > 0 && size <= uint64(len(buf)) {
		buf = buf[:size] // the record exactly; a wrong hint is caught below (need)
	}
	n, err := f.ReadAt(buf, off)
	if err != nil && !(errors.Is(err, io.EOF) && n > 0) {
		return fmt.Errorf("stored record of %d: %w", num, err)
	}
	buf = buf[:n]
	metaLen, k1 := binary.Uvarint(buf)
	if k1 <= 0 {
		return fmt.Errorf("stored record of %d: bad meta length", num)
	}
	dataLen, k2 := binary.Uvarint(buf[k1:])
	if k2 <= 0 {
		return fmt.Errorf("stored record of %d: bad data length", num)
	}
	head := uint64(k1 + k2)
	if need := head + metaLen + dataLen; need > uint64(len(buf)) {
		big := make([]byte, need)
		if _, err := f.ReadAt(big, off); err != nil {
			return fmt.Errorf("stored record of %d: %w", num, err)
		}
		buf = big
	}
	meta := bytes.NewReader(buf[head : head+metaLen])
	data := buf[head+metaLen : head+metaLen+dataLen]
	idLen, err := binary.ReadUvarint(meta)
	if err != nil || idLen > uint64(len(data)) {
		return fmt.Errorf("stored record of %d: bad _id", num)
	}
	// The values go to visit only during the call (as zapx's buffer does): a pooled buffer.
	vp := storedBufs.Get().(*[]byte)
	defer storedBufs.Put(vp)
	values, err := snappy.Decode((*vp)[:cap(*vp)], data[idLen:])
	if err != nil {
		return fmt.Errorf("stored record of %d: %w", num, err)
	}
	// The whole record is checked before the first visit, so an error (and the caller's
	// fallback to zapx) never follows a partial visit.
	type val struct {
		field, typ uint64
		v          []byte
		arr        []uint64
	}
	fields := z.Fields()
	var vals []val
	for {
		field, err := binary.ReadUvarint(meta)
		if errors.Is(err, io.EOF) {
			break
		}
		var v [4]uint64 // type, offset, length, number of array positions
		for i := range v {
			if err == nil {
				v[i], err = binary.ReadUvarint(meta)
			}
		}
		if err != nil || field >= uint64(len(fields)) || v[1]+v[2] > uint64(len(values)) || v[3] > 1<<16 {
			return fmt.Errorf("stored record of %d: bad field", num)
		}
		var arr []uint64
		for range v[3] {
			p, err := binary.ReadUvarint(meta)
			if err != nil {
				return fmt.Errorf("stored record of %d: bad array position", num)
			}
			arr = append(arr, p)
		}
		vals = append(vals, val{field, v[0], values[v[1] : v[1]+v[2]], arr})
	}
	if !visit("_id", 't', data[:idLen], nil) {
		return nil
	}
	for _, v := range vals {
		if !visit(fields[v.field], byte(v.typ), v.v, v.arr) {
			return nil
		}
	}
	return nil
}
