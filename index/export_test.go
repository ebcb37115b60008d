package index

// SetFast turns the fast path (fastscore.go) and the facet table's counts and date sort
// (facetbits.go) on or off, so tests can compare them with Bleve's own search.
func SetFast(x *Index, on bool) { x.noFast = !on }

// FastRuns is how many searches the fast path answered.
func FastRuns(x *Index) uint64 { return x.fastRuns.Load() }

// ReleaseStored drops the mapped pages of the stored documents only (releaseStored).
func ReleaseStored(x *Index) error { return x.releaseStored() }
