package server

// RouteRules exposes the route-permission table to the external tests, which walk it.
func RouteRules() map[string]string {
	out := make(map[string]string, len(routeRules))
	for p, r := range routeRules {
		switch r.level {
		case accessOpen:
			out[p] = "open"
		case accessRead:
			out[p] = "read"
		case accessSignedIn:
			out[p] = "signedin"
		case accessPerm, accessPermWithSignIn:
			out[p] = string(r.perm)
		}
	}
	return out
}

// FilterParamPairs exposes the search page's filter parameters and their keys, which saved
// searches (package alerts) must read alike.
func FilterParamPairs() [][2]string {
	out := make([][2]string, 0, len(filterParams))
	for _, fp := range filterParams {
		out = append(out, [2]string{fp.Param, fp.Key})
	}
	return out
}
