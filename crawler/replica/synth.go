package replica

import "omgjort/crawler/replica/internal/sitegen"

// SyntheticPage returns the absolute URL and the HTML of synthetic decision i (i ≥ 0): a page
// shaped like ast.dk's, built from the demo site's building blocks, for benchmarks and load
// tests that need many realistic decisions (`omgjort gen`). It depends only on i.
func SyntheticPage(i int) (url string, body []byte, err error) {
	path, body, err := sitegen.SynthPage(i)
	if err != nil {
		return "", nil, err
	}
	return sitegen.Origin + path, body, nil
}
