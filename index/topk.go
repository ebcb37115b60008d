package index

import "slices"

// kBest keeps the k best items offered so far in a heap with the worst at the root, so most
// items of a long list cost one comparison (a page of 20 out of 100,000 hits).
type kBest[T any] struct {
	k      int
	better func(a, b T) bool // a comes strictly before b
	heap   []T
}

func newKBest[T any](k int, better func(a, b T) bool) *kBest[T] {
	return &kBest[T]{k: k, better: better}
}

// full reports whether k items are kept; worst is then the root.
func (b *kBest[T]) full() bool { return len(b.heap) >= b.k }

// worst is the worst item kept (b must not be empty).
func (b *kBest[T]) worst() T { return b.heap[0] }

// push adds an item while b is not full.
func (b *kBest[T]) push(x T) {
	h := append(b.heap, x)
	for j := len(h) - 1; j > 0; {
		p := (j - 1) / 2
		if !b.better(h[p], h[j]) { // parent must be the worse of the two
			break
		}
		h[j], h[p] = h[p], h[j]
		j = p
	}
	b.heap = h
}

// replaceWorst puts x in the place of the worst item kept.
func (b *kBest[T]) replaceWorst(x T) {
	h := b.heap
	h[0] = x
	for j := 0; ; {
		l, m := 2*j+1, j
		if l < len(h) && b.better(h[m], h[l]) {
			m = l
		}
		if l+1 < len(h) && b.better(h[m], h[l+1]) {
			m = l + 1
		}
		if m == j {
			return
		}
		h[j], h[m] = h[m], h[j]
		j = m
	}
}

// offer keeps x when there is room or it comes strictly before the worst kept.
func (b *kBest[T]) offer(x T) {
	switch {
	case b.k <= 0:
	case !b.full():
		b.push(x)
	case b.better(x, b.worst()):
		b.replaceWorst(x)
	}
}

// sorted returns the items kept, best first.
func (b *kBest[T]) sorted() []T {
	out := slices.Clone(b.heap)
	slices.SortFunc(out, func(x, y T) int {
		switch {
		case b.better(x, y):
			return -1
		case b.better(y, x):
			return 1
		}
		return 0
	})
	return out
}

// bestK returns the indexes of the k best of n items, best first. better(i, j) reports that item
// i comes strictly before item j. Which of several equal items at the k-th place are kept is
// not specified: callers give better a total order (topK) or settle ties themselves
// (finishDate).
func bestK(n, k int, better func(i, j int) bool) []int {
	if k <= 0 || n <= 0 {
		return nil
	}
	b := newKBest(k, better)
	for i := range n {
		b.offer(i)
	}
	return b.sorted()
}
