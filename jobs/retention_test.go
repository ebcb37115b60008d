package jobs

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{"5y": "2021-03-31", "18m": "2024-10-01", "1y6m": "2024-10-01", "90d": "2025-12-31"} {
		r, err := ParseRetention(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := r.Cutoff(now); got != want {
			t.Errorf("%s: cutoff %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"5", "y", "5w", "-1y", "0y"} {
		if _, err := ParseRetention(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if r, err := ParseRetention("off"); err != nil || !r.IsZero() {
		t.Errorf("off = %v, %v", r, err)
	}
}

func TestExpireGoesOnPastFailures(t *testing.T) {
	var deleted []string
	n, err := Expire(context.Background(), "2021-01-01",
		func(cutoff string) ([]string, error) {
			if cutoff != "2021-01-01" {
				t.Fatalf("cutoff %s", cutoff)
			}
			return []string{"a", "b", "c"}, nil
		},
		func(_ context.Context, id string) error {
			if id == "b" {
				return errors.New("boom")
			}
			deleted = append(deleted, id)
			return nil
		})
	if n != 2 || err == nil || len(deleted) != 2 || deleted[1] != "c" {
		t.Fatalf("n=%d err=%v deleted=%v", n, err, deleted)
	}
}
