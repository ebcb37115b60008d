package index

// SetFast turns the fast relevance path (fastscore.go) on or off, so tests can compare it with
// Bleve's own search.
func SetFast(x *Index, on bool) { x.noFast = !on }

// FastRuns is how many searches the fast path answered.
func FastRuns(x *Index) uint64 { return x.fastRuns.Load() }
