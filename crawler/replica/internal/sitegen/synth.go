package sitegen

import (
	"fmt"
	"sort"

	"omgjort"
)

// synthTopics are the topics with concrete letters, in a fixed order so that SynthPage is
// deterministic (map order is not).
func synthTopics() []string {
	var keys []string
	for k, t := range topics {
		if t.kind == kindLetters {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// synthYears is the span of publication years of the synthetic corpus.
const synthFirstYear, synthYears = 2008, 19

// SynthNumber is the number of synthetic decision i: serial and two-digit year ("12-19"), unique
// for every i ≥ 0.
func SynthNumber(i int) string {
	return fmt.Sprintf("%d-%02d", i/synthYears+1, (synthFirstYear+i%synthYears)%100)
}

// SynthPage returns the URL path and detail page of synthetic decision i (i ≥ 0), built from the
// same hand-written building blocks as the demo site: a topic, one to three letters with
// outcomes in realistic proportions, criticism on some, and citations of earlier synthetic
// decisions. The page depends only on i, so a corpus of n pages is the same on every run.
func SynthPage(i int) (string, []byte, error) {
	if i < 0 {
		return "", nil, fmt.Errorf("sitegen: synthetic page %d: negative index", i)
	}
	r := newRnd(fmt.Sprintf("synth/%d", i))
	keys := synthTopics()
	year := synthFirstYear + i%synthYears
	s := spec{
		number:    SynthNumber(i),
		topic:     keys[r.intn(len(keys))],
		published: fmt.Sprintf("%04d-%02d-%02d", year, 1+r.intn(12), 1+r.intn(28)),
	}
	ncases := 1
	switch n := r.intn(10); {
	case n == 0:
		ncases = 3
	case n <= 2:
		ncases = 2
	}
	for c := 0; c < ncases; c++ {
		cs := caseSpec{}
		switch n := r.intn(100); {
		case n < 40:
			cs.out = omgjort.OutcomeStadfaestet
		case n < 55:
			cs.out = omgjort.OutcomeAendret
		case n < 63:
			cs.out = omgjort.OutcomeOphaevet
		case n < 90:
			cs.out = omgjort.OutcomeHjemvist
		default:
			cs.out = omgjort.OutcomeAfvist
			cs.afvistWhy = r.intn(len(afvisning))
		}
		if _, ok := topics[s.topic].out[cs.out]; !ok && cs.out != omgjort.OutcomeAfvist {
			// The topic has no text for this outcome: take one it has, in the fixed order.
			var have []omgjort.Outcome
			for _, o := range omgjort.Outcomes {
				if _, ok := topics[s.topic].out[o]; ok {
					have = append(have, o)
				}
			}
			cs.out = omgjort.OutcomeAfvist // a topic of rejections only
			if len(have) > 0 {
				cs.out = have[r.intn(len(have))]
			}
		}
		if cs.out == omgjort.OutcomeAfvist {
			cs.afvistWhy = r.intn(len(afvisning))
		}
		if cs.out != omgjort.OutcomeAfvist && r.intn(5) == 0 {
			cs.kritik = pick(r, []string{"partshoering", "begrundelse", "genvurdering"})
		}
		cs.long = r.intn(20) == 0
		s.cases = append(s.cases, cs)
	}
	if i > 0 && r.intn(10) < 4 {
		s.extra = fmt.Sprintf("Vi henviser i øvrigt til Ankestyrelsens principmeddelelse %s, som omhandler et lignende spørgsmål.", SynthNumber(r.intn(i)))
	}
	s.flat = r.intn(15) == 0
	pg, err := build(s, topics[s.topic])
	if err != nil {
		return "", nil, fmt.Errorf("sitegen: synthetic page %d: %w", i, err)
	}
	return pg.path(), renderDetail(pg), nil
}
