package omgjort_test

import (
	"testing"

	"omgjort"
)

func TestReversalRateAndQuarters(t *testing.T) {
	if pct, ok := omgjort.ReversalRate(2, 10, 2); !ok || pct != 25 {
		t.Errorf("ReversalRate(2, 10, 2) = %v %v, want 25 (2 / (10 − 2))", pct, ok)
	}
	if _, ok := omgjort.ReversalRate(0, 3, 3); ok {
		t.Error("a rate over only rejected decisions must be undefined")
	}
	for in, want := range map[string]string{"2024-01-31": "2024-1", "2024-04-01": "2024-2", "2025-12-31": "2025-4", "": "", "2024-13-01": "", "24-01-01": ""} {
		if got := omgjort.QuarterKey(in); got != want {
			t.Errorf("QuarterKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := omgjort.QuarterLabel("2024-2"); got != "2. kvt. 2024" {
		t.Errorf("QuarterLabel = %q", got)
	}
}
