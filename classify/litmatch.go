package classify

// litMatcher finds every gate literal in a lower-cased sentence in one pass over its bytes
// (Aho-Corasick, as a table of transitions), so a rule's gate is a few array lookups instead of
// a substring search per literal.
type litMatcher struct {
	// class maps a byte to its column in next; 0 is every byte no literal holds.
	class [256]uint8
	width int
	// next[state*width+class] is the state after reading a byte of that class.
	next []int32
	// out[state] lists the literals that end where the automaton stands in that state.
	out [][]int32
	// ends[state] is whether out[state] is not empty: one byte to read per input byte
	// instead of a slice header.
	ends []bool
}

// newLitMatcher builds the automaton for lits (already lower case).
func newLitMatcher(lits []string) *litMatcher {
	m := &litMatcher{width: 1}
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if m.class[l[i]] == 0 {
				m.class[l[i]] = uint8(m.width)
				m.width++
			}
		}
	}
	// The trie, with 0 meaning "no edge" (the root is state 0 and never a target).
	goTo := [][]int32{make([]int32, m.width)}
	out := [][]int32{nil}
	for id, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			c := m.class[l[i]]
			if goTo[s][c] == 0 {
				goTo = append(goTo, make([]int32, m.width))
				out = append(out, nil)
				goTo[s][c] = int32(len(goTo) - 1)
			}
			s = goTo[s][c]
		}
		out[s] = append(out[s], int32(id))
	}
	// Breadth first: each state's failure link, its output joined with the failure state's,
	// and the missing edges filled in from the failure state.
	fail := make([]int32, len(goTo))
	queue := make([]int32, 0, len(goTo))
	for c := 0; c < m.width; c++ {
		if t := goTo[0][c]; t != 0 {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		out[s] = append(out[s], out[fail[s]]...)
		for c := 0; c < m.width; c++ {
			t := goTo[s][c]
			if t == 0 {
				goTo[s][c] = goTo[fail[s]][c]
				continue
			}
			fail[t] = goTo[fail[s]][c]
			queue = append(queue, t)
		}
	}
	m.next = make([]int32, len(goTo)*m.width)
	for s, row := range goTo {
		copy(m.next[s*m.width:], row)
	}
	m.out = out
	m.ends = make([]bool, len(out))
	for st, o := range out {
		m.ends[st] = len(o) > 0
	}
	return m
}

// mark sets present[id] for every literal found in s and appends to found the ids it sets
// (each once).
func (m *litMatcher) mark(s string, present []bool, found []int32) []int32 {
	st := int32(0)
	for i := 0; i < len(s); i++ {
		st = m.next[int(st)*m.width+int(m.class[s[i]])]
		if !m.ends[st] {
			continue
		}
		for _, id := range m.out[st] {
			if !present[id] {
				present[id] = true
				found = append(found, id)
			}
		}
	}
	return found
}
