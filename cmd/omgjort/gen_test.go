package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"omgjort"
)

func TestGenIsDeterministicAndRealistic(t *testing.T) {
	gen := func() string {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"gen", "--n", "60"}, &out, &errb); code != 0 {
			t.Fatalf("gen exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	a, b := gen(), gen()
	if a != b {
		t.Fatal("two runs of gen --n 60 differ")
	}
	sc := bufio.NewScanner(strings.NewReader(a))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	ids := map[string]bool{}
	cases, cited := 0, 0
	for sc.Scan() {
		var d omgjort.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("line %d: %v", len(ids)+1, err)
		}
		if d.ID == "" || ids[d.ID] || d.Title == "" || d.Published == "" || len(d.Laws) == 0 || len(d.Sections) == 0 {
			t.Errorf("implausible decision %+v", d.ID)
		}
		ids[d.ID] = true
		cases += len(d.Cases)
		if strings.Contains(d.Text(), "principmeddelelse ") {
			cited++
		}
	}
	if len(ids) != 60 || cases < 60 || cited == 0 {
		t.Errorf("%d decisions, %d cases, %d citing another", len(ids), cases, cited)
	}
}

func TestGenLoad(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"gen", "--n", "40", "--load", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("gen --load exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "indlæst 40 syntetiske afgørelser") {
		t.Errorf("summary: %q", out.String())
	}
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n, _ := a.db.Count()
	m, _ := a.Index().Count()
	if n != 40 || m != 40 {
		t.Fatalf("store %d, index %d, want 40", n, m)
	}
	outcomes, cites := map[omgjort.Outcome]int{}, 0
	err = a.db.ForEach(func(d *omgjort.Decision) error {
		outcomes[d.Outcome]++
		cites += len(d.Citations)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(outcomes) < 3 || outcomes[omgjort.OutcomeUkendt] == 40 || cites == 0 {
		t.Errorf("loaded corpus is not classified and cited: outcomes %v, %d citations", outcomes, cites)
	}
}
