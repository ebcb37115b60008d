package index

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// bestK gives the first k of a full sort, best first; with a total order, exactly the sort's.
func TestBestKMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n, k := r.IntN(300), r.IntN(40)
		vals := make([]int, n)
		for i := range vals {
			vals[i] = r.IntN(20) // many ties
		}
		got := bestK(n, k, func(i, j int) bool { return vals[i] > vals[j] })
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int { return vals[b] - vals[a] })
		want = want[:min(k, n)]
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d items, want %d", trial, len(got), len(want))
		}
		for i := range got {
			if vals[got[i]] != vals[want[i]] {
				t.Fatalf("trial %d: position %d has %d, want %d", trial, i, vals[got[i]], vals[want[i]])
			}
		}
		// With a total order (ties broken by index) the result is exactly the sort's.
		got = bestK(n, k, func(i, j int) bool { return vals[i] > vals[j] || vals[i] == vals[j] && i < j })
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: total order gives %v, want %v", trial, got, want)
		}
	}
}
