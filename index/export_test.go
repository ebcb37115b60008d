package index

import (
	"errors"
	"fmt"
	"os"
	"reflect"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// SetFast turns the fast path (fastscore.go) and the facet table's counts and date sort
// (facetbits.go) on or off, so tests can compare them with Bleve's own search.
func SetFast(x *Index, on bool) { x.noFast = !on }

// FastRuns is how many searches the fast path answered.
func FastRuns(x *Index) uint64 { return x.fastRuns.Load() }

// ReleaseStored drops the mapped pages of the stored documents only (releaseStored).
func ReleaseStored(x *Index) error { return x.releaseStored() }

// CompareStored reads every document of the current snapshot's persisted segments with pread
// (readStored) and with zapx, and returns how many it compared and the first difference.
func CompareStored(x *Index) (int, error) {
	adv, err := x.idx.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, errors.New("not a scorch snapshot")
	}
	type val struct {
		name string
		typ  byte
		v    string
		arr  string
	}
	n := 0
	for _, sg := range is.Segments() {
		z, ok := sg.Segment().(zapStored)
		if !ok || z.Path() == "" {
			continue
		}
		f, err := os.Open(z.Path())
		if err != nil {
			return n, err
		}
		sf := &storedFile{f: f}
		for d := range uint64(sg.FullSize()) {
			var got, want []val
			collect := func(out *[]val) segment.StoredFieldValueVisitor {
				return func(name string, typ byte, v []byte, arr []uint64) bool {
					*out = append(*out, val{name, typ, string(v), fmt.Sprint(arr)})
					return true
				}
			}
			if err := readStored(sf, z, d, collect(&got)); err != nil {
				f.Close()
				return n, err
			}
			if err := sg.VisitDocument(d, collect(&want)); err != nil {
				f.Close()
				return n, err
			}
			if !reflect.DeepEqual(got, want) {
				f.Close()
				return n, fmt.Errorf("%s document %d: pread %v, zapx %v", z.Path(), d, got, want)
			}
			n++
		}
		f.Close()
	}
	return n, nil
}
