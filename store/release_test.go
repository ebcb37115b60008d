package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"omgjort"
)

// TestReleaseMemoryWhileReadingAndWriting drops the mapped pages over and over while one
// goroutine reads decisions and another writes enough new ones to grow (and so re-map) the
// file: every read must still see whole, correct decisions, and every write must land.
func TestReleaseMemoryWhileReadingAndWriting(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := strings.Repeat("Kommunen har ikke oplyst sagen tilstrækkeligt. ", 200)
	mk := func(i int) *omgjort.Decision {
		d := testDecision(fmt.Sprintf("%d-20", i), fmt.Sprintf("h%d", i))
		d.Cases[0].Text = big
		return d
	}
	var first []*omgjort.Decision
	for i := range 200 {
		first = append(first, mk(i))
	}
	if _, err := s.PutDecisions(first); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // reader
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			d, err := s.Decision(fmt.Sprintf("%d-20", n%200))
			if err != nil || d.Cases[0].Text != big {
				t.Errorf("read %d: %v", n%200, err)
				return
			}
		}
	}()
	go func() { // writer, growing the file
		defer wg.Done()
		for i := 200; i < 1400; i += 100 {
			var ds []*omgjort.Decision
			for j := i; j < i+100; j++ {
				ds = append(ds, mk(j))
			}
			if _, err := s.PutDecisions(ds); err != nil {
				t.Errorf("write: %v", err)
				return
			}
		}
	}()
	for range 300 {
		if err := s.ReleaseMemory(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	for i := range 1400 {
		d, err := s.Decision(fmt.Sprintf("%d-20", i))
		if err != nil || d.Cases[0].Text != big {
			t.Fatalf("after: %d: %v", i, err)
		}
	}
}
