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
// field form the phrase. The positions are read from the index for these terms only, and for
// the candidate documents only: each term's reader is advanced to the documents still in the
// running (every later term to fewer), so the positions of the other documents with the term
// (most of them, for a common pair) are skipped, not decoded.
func (f *fastSearch) inOrder(n *fnode, l slist) slist {
	if len(l.docs) == 0 || f.err != nil {
		return l
	}
	// starts are the places of the first term that may begin the phrase, in candidate order
	// (cand indexes l); alive are the candidates that still have one.
	var starts []phraseStart
	alive := make([]int, len(l.docs))
	for i := range alive {
		alive[i] = i
	}
	base := n.kids[0].off
	for k, kid := range n.kids {
		off := uint64(kid.off - base)
		w, r := 0, 0 // starts kept (written) and read: w ≤ r, the unread ones stay in order
		next := alive[:0]
		err := f.positions(kid, l.docs, alive, func(cand int, here []place) {
			if k == 0 {
				for _, p := range here {
					starts = append(starts, phraseStart{cand, p})
				}
				next = append(next, cand)
				return
			}
			for r < len(starts) && starts[r].cand < cand {
				r++ // a candidate without this term
			}
			kept := false
			for ; r < len(starts) && starts[r].cand == cand; r++ {
				want := starts[r].at
				want.pos += off
				if slices.Contains(here, want) {
					starts[w] = starts[r]
					w++
					kept = true
				}
			}
			if kept {
				next = append(next, cand)
			}
		})
		if err != nil {
			f.err = err
			return l
		}
		if k > 0 {
			starts = starts[:w]
		}
		alive = next
		if len(alive) == 0 {
			break
		}
	}
	out := slist{docs: f.uints(len(alive)), mul: l.mul}
	if l.score != nil {
		out.score = f.floats(len(alive))
	}
	for _, i := range alive {
		out.docs = append(out.docs, l.docs[i])
		if l.score != nil {
			out.score = append(out.score, l.score[i])
		}
	}
	return out
}

// phraseStart is a place of a phrase's first term in candidate cand.
type phraseStart struct {
	cand int
	at   place
}

// place is where a term stands: its value of a multi-valued field (its array positions) and
// its position in the value. One array position, the common case, is kept as a number; more
// as a string (arrKey).
type place struct {
	arr  uint64 // 0: none; 1+a: the one array position a
	arrs string // arrKey of two or more array positions
	pos  uint64
}

func placeOf(v *bindex.TermFieldVector) place {
	p := place{pos: v.Pos}
	switch len(v.ArrayPositions) {
	case 0:
	case 1:
		p.arr = 1 + v.ArrayPositions[0]
	default:
		p.arrs = arrKey(v.ArrayPositions)
	}
	return p
}

// positions calls fn with the places of kid's term in each candidate document that has it
// (docs[cand] for cand in cands, ascending), reading forward only: advancing a scorch reader
// backwards starts it over. ps is valid during the call only.
func (f *fastSearch) positions(kid *fnode, docs []uint32, cands []int, fn func(cand int, ps []place)) error {
	tfr, err := f.r.TermFieldReader(f.ctx, []byte(kid.term), kid.field, false, false, true)
	if err != nil {
		return err
	}
	iid := make(bindex.IndexInternalID, 8)
	tfd := &bindex.TermFieldDoc{}
	var ps []place
	var at uint32 // the document the reader stands on (valid when on)
	on := false
	// cands is rewritten by fn's caller behind this loop (next := alive[:0]): read each
	// candidate before fn is called for it.
	for _, cand := range cands {
		d := docs[cand]
		if on && at > d {
			continue // the term is not in d (the reader went past it)
		}
		if !on || at < d {
			iid.SetValue(uint64(d))
			next, err := tfr.Advance(iid, tfd.Reset())
			if err != nil {
				_ = tfr.Close()
				return err
			}
			if next == nil {
				break
			}
			tfd, at, on = next, uint32(next.ID.Value()), true
		}
		if at != d {
			continue
		}
		ps = ps[:0]
		for _, v := range tfd.Vectors {
			ps = append(ps, placeOf(v))
		}
		fn(cand, ps)
	}
	return tfr.Close()
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
