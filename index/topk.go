package index

import "slices"

// bestK returns the indexes of the k best of n items, best first. better(i, j) reports that item
// i comes strictly before item j; of items that neither comes before, the ones met first are
// kept. It keeps a heap of k indexes (the worst at the root), so a search over 100,000 hits
// for a page of 20 costs one comparison for most hits.
func bestK(n, k int, better func(i, j int) bool) []int {
	if k <= 0 || n <= 0 {
		return nil
	}
	h := make([]int, 0, min(k, n))
	worse := func(a, b int) bool { return better(h[b], h[a]) } // h[a] after h[b]
	for i := range n {
		if len(h) < k {
			h = append(h, i)
			for j := len(h) - 1; j > 0; {
				p := (j - 1) / 2
				if !worse(j, p) {
					break
				}
				h[j], h[p] = h[p], h[j]
				j = p
			}
			continue
		}
		if !better(i, h[0]) {
			continue
		}
		h[0] = i
		for j := 0; ; {
			l, m := 2*j+1, j
			if l < len(h) && worse(l, m) {
				m = l
			}
			if l+1 < len(h) && worse(l+1, m) {
				m = l + 1
			}
			if m == j {
				break
			}
			h[j], h[m] = h[m], h[j]
			j = m
		}
	}
	slices.SortFunc(h, func(a, b int) int {
		switch {
		case better(a, b):
			return -1
		case better(b, a):
			return 1
		}
		return 0
	})
	return h
}
