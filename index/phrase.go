package index

import (
	"slices"

	bindex "github.com/blevesearch/bleve_index_api"
)

// Phrases of three or more words. A phrase is matched on the word-pair fields (pairs.go): two
// words are one pair term, exact by construction. Three or more words are several pairs, which
// could stand apart in a decision ("varigt nedsat … nedsat arbejdsevne" for "varigt nedsat
// arbejdsevne"), so the query builder makes them a PhraseQuery on the pair field (whose
// positions are indexed), and the fast path keeps only the documents where the pairs stand at
// the phrase's relative positions, in one value of the field: inOrder.

// inOrder keeps the documents of l (the conjunction of n's terms) whose term positions in n's
// field form the phrase. The positions are read from the index for these terms only.
func (f *fastSearch) inOrder(n *fnode, l slist) slist {
	if len(l.docs) == 0 || f.err != nil {
		return l
	}
	type place struct {
		arr string // array positions, as a key
		pos uint64
	}
	// places[k][doc] are the positions of kid k in the candidate documents, read by advancing
	// each term's reader to the candidates only: the positions of the other documents with the
	// term (most of them, for a common pair) are skipped, not decoded.
	places := make([]map[uint32][]place, len(n.kids))
	iid := make(bindex.IndexInternalID, 8)
	for k, kid := range n.kids {
		places[k] = make(map[uint32][]place, len(l.docs))
		tfr, err := f.r.TermFieldReader(f.ctx, []byte(kid.term), kid.field, false, false, true)
		if err != nil {
			f.err = err
			return l
		}
		tfd := &bindex.TermFieldDoc{}
		var at uint32 // the document the reader stands on (valid when on)
		on := false
		for _, d := range l.docs {
			if on && at > d {
				continue // the term is not in d (the reader went past it)
			}
			if !on || at < d {
				// Forward only: advancing a scorch reader backwards starts it over.
				iid.SetValue(uint64(d))
				next, err := tfr.Advance(iid, tfd.Reset())
				if err != nil {
					_ = tfr.Close()
					f.err = err
					return l
				}
				if next == nil {
					break
				}
				tfd, at, on = next, uint32(next.ID.Value()), true
			}
			if at != d {
				continue
			}
			for _, v := range tfd.Vectors {
				places[k][d] = append(places[k][d], place{arrKey(v.ArrayPositions), v.Pos})
			}
		}
		if err := tfr.Close(); err != nil {
			f.err = err
			return l
		}
	}
	base := n.kids[0].off
	out := slist{docs: f.uints(len(l.docs)), mul: l.mul}
	if l.score != nil {
		out.score = f.floats(len(l.docs))
	}
	for i, d := range l.docs {
		found := false
		for _, p0 := range places[0][d] {
			found = true
			for k := 1; k < len(n.kids) && found; k++ {
				wantPos := int64(p0.pos) + int64(n.kids[k].off-base)
				found = wantPos >= 0 && slices.Contains(places[k][d], place{p0.arr, uint64(wantPos)})
			}
			if found {
				break
			}
		}
		if found {
			out.docs = append(out.docs, d)
			if l.score != nil {
				out.score = append(out.score, l.score[i])
			}
		}
	}
	return out
}

// arrKey is a comparable form of a value's array positions.
func arrKey(a []uint64) string {
	b := make([]byte, 0, 8*len(a))
	for _, x := range a {
		for s := 0; s < 64; s += 8 {
			b = append(b, byte(x>>s))
		}
	}
	return string(b)
}
