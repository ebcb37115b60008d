package index

import (
	"context"
	"errors"
	"math"

	bindex "github.com/blevesearch/bleve_index_api"
)

// errDocNumber is returned when a document number does not fit the 32 bits the facet table,
// the fast path and their bitsets use (an index of over four billion documents).
var errDocNumber = errors.New("index: document number over 32 bits")

// eachTerm calls fn with every entry of a field dictionary, then closes it.
func eachTerm(dict bindex.FieldDict, err error, fn func(*bindex.DictEntry)) error {
	if err != nil {
		return err
	}
	for {
		de, err := dict.Next()
		if err != nil {
			_ = dict.Close()
			return err
		}
		if de == nil {
			return dict.Close()
		}
		fn(de)
	}
}

// eachPosting calls fn with the document number of every live document that has term in field
// (and its frequency and norm when freqNorm), then closes the reader. It stops with fn's error.
// count is the reader's Count(), the document frequency Bleve's scorer uses.
func eachPosting(ctx context.Context, r bindex.IndexReader, field, term string, freqNorm bool,
	fn func(doc uint32, tfd *bindex.TermFieldDoc) error,
) (count uint64, err error) {
	return eachPostingSized(ctx, r, field, term, freqNorm, nil, fn)
}

// eachPostingSized is eachPosting that first tells sized (when not nil) the reader's Count(),
// so the caller can allocate its lists at their size: grown by append they would hold up to
// twice the memory.
func eachPostingSized(ctx context.Context, r bindex.IndexReader, field, term string, freqNorm bool,
	sized func(count uint64), fn func(doc uint32, tfd *bindex.TermFieldDoc) error,
) (count uint64, err error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, freqNorm, freqNorm, false)
	if err != nil {
		return 0, err
	}
	count = tfr.Count()
	if sized != nil {
		sized(count)
	}
	tfd := &bindex.TermFieldDoc{}
	for {
		next, err := tfr.Next(tfd.Reset())
		if err == nil && next != nil && next.ID.Value() > math.MaxUint32 {
			err = errDocNumber
		}
		if err == nil && next != nil {
			tfd = next
			err = fn(uint32(next.ID.Value()), next)
		}
		if err != nil {
			_ = tfr.Close()
			return count, err
		}
		if next == nil {
			return count, tfr.Close()
		}
	}
}
