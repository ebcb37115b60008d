package omgjort

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SourceOwn is the Decision.Source of the municipality's own decision letters (imported, not
// crawled). They hold personal data about citizens: only principals with PermReadOwn may see
// them, and every read is written to the audit log.
const SourceOwn = "egen"

// IsOwn reports whether d is one of the municipality's own decisions, the ones that are never
// shown to anonymous users or to roles without PermReadOwn.
func (d *Decision) IsOwn() bool { return d != nil && d.Source == SourceOwn }

// Role is a named set of permissions a user holds. The slugs are what the CLI, the OIDC role
// map and the user store use; a user may hold several roles.
type Role string

// The roles of issue 11, each including the permissions of the one before it (except admin,
// which holds the administrative permissions and everything a reader may do).
const (
	RoleLaeser        Role = "laeser"
	RoleSagsbehandler Role = "sagsbehandler"
	RoleJurist        Role = "jurist"
	RoleTeamleder     Role = "teamleder"
	RoleAdmin         Role = "admin"
)

// Roles lists every role in display order, so pages and help texts show them alike.
var Roles = []Role{RoleLaeser, RoleSagsbehandler, RoleJurist, RoleTeamleder, RoleAdmin}

// Permission is one thing a principal may do. Routes, commands and jobs check a Permission,
// never a role, so a change to what a role may do is made in one place (Role.Permissions).
type Permission string

// The permissions roles are made of.
const (
	// PermReadPublished reads Ankestyrelsen's published decisions (public data).
	PermReadPublished Permission = "read_published"
	// PermReadOwn reads the municipality's own decisions (personal data, audit-logged).
	PermReadOwn Permission = "read_own"
	// PermCorrectLabels corrects the classifier's labels on a decision.
	PermCorrectLabels Permission = "correct_labels"
	// PermReviewImports reviews imported own decisions before they are published internally.
	PermReviewImports Permission = "review_imports"
	// PermTeamStats sees statistics per team.
	PermTeamStats Permission = "team_stats"
	// PermDigestSubscriptions manages digest subscriptions.
	PermDigestSubscriptions Permission = "digest_subscriptions"
	// PermAdminUsers manages users, roles and API tokens.
	PermAdminUsers Permission = "admin_users"
	// PermAdminImports runs and manages imports.
	PermAdminImports Permission = "admin_imports"
	// PermAdminJobs starts crawls, reindexing and other jobs.
	PermAdminJobs Permission = "admin_jobs"
	// PermDelete deletes decisions for good.
	PermDelete Permission = "delete"
	// PermAudit reads and exports the audit log.
	PermAudit Permission = "audit"
)

var rolePerms = map[Role][]Permission{
	RoleLaeser:        {PermReadPublished},
	RoleSagsbehandler: {PermReadPublished, PermReadOwn},
	RoleJurist:        {PermReadPublished, PermReadOwn, PermCorrectLabels, PermReviewImports},
	RoleTeamleder: {PermReadPublished, PermReadOwn, PermCorrectLabels, PermReviewImports,
		PermTeamStats, PermDigestSubscriptions},
	RoleAdmin: {PermReadPublished, PermReadOwn, PermCorrectLabels, PermReviewImports,
		PermTeamStats, PermDigestSubscriptions, PermAdminUsers, PermAdminImports, PermAdminJobs,
		PermDelete, PermAudit},
}

// Valid reports whether r is one of the known role slugs.
func (r Role) Valid() bool { _, ok := rolePerms[r]; return ok }

// Permissions returns what the role may do; nil for an unknown role.
func (r Role) Permissions() []Permission {
	return append([]Permission(nil), rolePerms[r]...)
}

// Label is the Danish display name of the role.
func (r Role) Label() string {
	switch r {
	case RoleLaeser:
		return "Læser"
	case RoleSagsbehandler:
		return "Sagsbehandler"
	case RoleJurist:
		return "Jurist"
	case RoleTeamleder:
		return "Teamleder"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// ParseRoles reads a comma-separated list of role slugs ("jurist,teamleder"), sorted and
// de-duplicated; an unknown slug is an error naming it, so a typo never grants or drops rights
// silently.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	seen := map[Role]bool{}
	for _, f := range strings.Split(s, ",") {
		r := Role(strings.ToLower(strings.TrimSpace(f)))
		if r == "" {
			continue
		}
		if !r.Valid() {
			return nil, &UnknownRoleError{Role: string(r)}
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return roleRank(out[i]) < roleRank(out[j]) })
	return out, nil
}

func roleRank(r Role) int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return len(Roles)
}

// UnknownRoleError is a role slug that is not one of Roles.
type UnknownRoleError struct{ Role string }

func (e *UnknownRoleError) Error() string {
	return "ukendt rolle " + strconv.Quote(e.Role) + " (kendte roller: laeser, sagsbehandler, jurist, teamleder, admin)"
}

// User is a signed-in principal: a local account, an OIDC subject or an API token's owner. The
// server puts it in the request context (WithUser); every package checks rights with Can.
type User struct {
	// Name is the user name (local accounts) or the OIDC subject's preferred name; it is what
	// the audit log records.
	Name string `json:"name"`
	// Roles are the roles the user holds.
	Roles []Role `json:"roles"`
	// Method says how the user was authenticated: "password", "oidc", "token" or "admin-token".
	Method string `json:"method,omitempty"`
	// Team is the user's team, for team statistics (optional).
	Team string `json:"team,omitempty"`
}

// Can reports whether the user holds perm through any of its roles. A nil user is anonymous
// and can do nothing (anonymous reading of published decisions is the server's --public rule).
func (u *User) Can(perm Permission) bool {
	if u == nil {
		return false
	}
	for _, r := range u.Roles {
		for _, p := range rolePerms[r] {
			if p == perm {
				return true
			}
		}
	}
	return false
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool {
	if u == nil {
		return false
	}
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

type userKey struct{}

// WithUser returns ctx carrying u, so handlers and the packages they call know who acts.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the user in ctx, or nil for an anonymous request.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

type clientKey struct{}

// WithClient returns ctx carrying the client's address, so an audit entry recorded deep in
// another package (a label correction, a deletion) still says where the request came from.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientFrom returns the client address in ctx, or "".
func ClientFrom(ctx context.Context) string {
	a, _ := ctx.Value(clientKey{}).(string)
	return a
}

// CanReadOwn reports whether the principal in ctx may see own decisions; searches, feeds and
// exports use it to decide whether to include them.
func CanReadOwn(ctx context.Context) bool { return UserFrom(ctx).Can(PermReadOwn) }

// Audit actions, the AuditEntry.Action values every package uses alike.
const (
	AuditSignIn        = "signin"
	AuditSignInFailed  = "signin_failed"
	AuditSignOut       = "signout"
	AuditReadOwn       = "read_own"
	AuditSearch        = "search"
	AuditExport        = "export"
	AuditFeed          = "feed"
	AuditImport        = "import"
	AuditCorrectLabels = "correct_labels"
	AuditDelete        = "delete"
	AuditUserChange    = "user_change"
	AuditTokenChange   = "token_change"
	AuditRefused       = "refused"
	AuditPrune         = "prune"
	// AuditAlert: a saved-search alert mail counted own decisions (one entry per decision).
	AuditAlert = "alert"
)

// Audit outcomes.
const (
	AuditOK      = "ok"
	AuditDenied  = "denied"
	AuditFailed  = "failed"
	AuditPruned  = "pruned"
	AuditInvalid = "invalid"
)

// AuditEntry is one line of the audit log: who did what to which decision, when, from where,
// and how it went (Datatilsynet: time, user, type of use, the person concerned or the search
// criterion). It never holds a password, a token or a session id.
type AuditEntry struct {
	Time time.Time `json:"time"`
	// User is the acting user's name; empty for anonymous.
	User string `json:"user,omitempty"`
	// Action is one of the Audit* action constants.
	Action string `json:"action"`
	// DecisionID is the decision concerned, if any.
	DecisionID string `json:"decision_id,omitempty"`
	// Query is the search criterion (query text and filters) for searches, feeds and exports.
	Query string `json:"query,omitempty"`
	// Client is the client address.
	Client string `json:"client,omitempty"`
	// Outcome is one of the Audit* outcome constants.
	Outcome string `json:"outcome"`
	// Detail is a short free text (the role change, the refusal reason); never a secret.
	Detail string `json:"detail,omitempty"`
}

// AuditLogger records audit entries; the audit package implements it. Any package that reads,
// changes or deletes personal data logs through it without importing the audit package.
type AuditLogger interface {
	Record(ctx context.Context, e AuditEntry) error
}

// NopAudit is an AuditLogger that records nothing, for tools and tests that run without a
// data directory.
type NopAudit struct{}

// Record does nothing.
func (NopAudit) Record(context.Context, AuditEntry) error { return nil }
