package omgjort

import (
	"context"
	"errors"
	"testing"
)

func TestRolePermissions(t *testing.T) {
	cases := []struct {
		role Role
		can  []Permission
		not  []Permission
	}{
		{RoleLaeser, []Permission{PermReadPublished}, []Permission{PermReadOwn, PermAudit}},
		{RoleSagsbehandler, []Permission{PermReadPublished, PermReadOwn}, []Permission{PermCorrectLabels}},
		{RoleJurist, []Permission{PermReadOwn, PermCorrectLabels, PermReviewImports}, []Permission{PermTeamStats, PermAdminUsers}},
		{RoleTeamleder, []Permission{PermTeamStats, PermDigestSubscriptions, PermCorrectLabels}, []Permission{PermAdminUsers, PermDelete}},
		{RoleAdmin, []Permission{PermAdminUsers, PermAdminImports, PermAdminJobs, PermDelete, PermAudit, PermReadOwn}, nil},
	}
	for _, c := range cases {
		u := &User{Name: "x", Roles: []Role{c.role}}
		for _, p := range c.can {
			if !u.Can(p) {
				t.Errorf("%s cannot %s", c.role, p)
			}
		}
		for _, p := range c.not {
			if u.Can(p) {
				t.Errorf("%s can %s", c.role, p)
			}
		}
	}
	var anon *User
	if anon.Can(PermReadPublished) {
		t.Error("nil user can read")
	}
	multi := &User{Roles: []Role{RoleLaeser, RoleJurist}}
	if !multi.Can(PermCorrectLabels) || multi.Can(PermAudit) {
		t.Error("several roles: union of permissions expected")
	}
}

func TestParseRoles(t *testing.T) {
	rs, err := ParseRoles(" admin, laeser ,admin")
	if err != nil || len(rs) != 2 || rs[0] != RoleLaeser || rs[1] != RoleAdmin {
		t.Fatalf("ParseRoles = %v, %v", rs, err)
	}
	_, err = ParseRoles("laeser,superuser")
	var ue *UnknownRoleError
	if !errors.As(err, &ue) || ue.Role != "superuser" {
		t.Fatalf("unknown role: %v", err)
	}
}

func TestUserContext(t *testing.T) {
	ctx := context.Background()
	if UserFrom(ctx) != nil || CanReadOwn(ctx) {
		t.Fatal("empty context has a user")
	}
	ctx = WithUser(ctx, &User{Name: "a", Roles: []Role{RoleSagsbehandler}})
	if UserFrom(ctx).Name != "a" || !CanReadOwn(ctx) {
		t.Fatal("user lost in context")
	}
	if ClientFrom(ctx) != "" || ClientFrom(WithClient(ctx, "10.0.0.9")) != "10.0.0.9" {
		t.Fatal("client address in context")
	}
	d := &Decision{Source: SourceOwn}
	if !d.IsOwn() || (&Decision{Source: "astdk"}).IsOwn() {
		t.Fatal("IsOwn")
	}
}
