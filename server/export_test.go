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

// FilterHeading is the facet heading the search page shows for a filter key.
func FilterHeading(key string) string { return filterHeadings[key] }
