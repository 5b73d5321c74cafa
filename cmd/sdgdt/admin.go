package main

import (
	"context"
	"fmt"
	"io"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/store"
)

const adminUsage = `Usage:
  sdgdt admin create-user    --username U --full-name "Họ Tên" (--school CODE | --unit CODE) [--password P] [--role R]
  sdgdt admin reset-password --username U
  sdgdt admin grant          --username U --role R (--school CODE | --unit CODE) [--duty "..."]
  sdgdt admin create-unit    --name "Sở GDĐT ..." --code CODE [--parent CODE] [--kind province|district|commune]
`

// cmdAdmin gives the operator who holds the database the first accounts and a
// way back in; every change is audited as done by the command line.
func cmdAdmin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, adminUsage)
		return exitError(2)
	}
	c := newConfig("admin "+args[0], getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	username := c.fs.String("username", "", "username")
	fullName := c.fs.String("full-name", "", "full name")
	school := c.fs.String("school", "", "school code")
	unit := c.fs.String("unit", "", "unit code")
	password := c.fs.String("password", "", "password (default: a generated temporary one)")
	role := c.fs.String("role", "", "role code")
	duty := c.fs.String("duty", "", "board member's duty")
	name := c.fs.String("name", "", "unit name")
	code := c.fs.String("code", "", "unit code")
	parent := c.fs.String("parent", "", "parent unit code")
	kind := c.fs.String("kind", "province", "unit kind")
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a := app.New(db, app.DefaultConfig(), nil)
	sys := app.System("admin")
	findHome := func() (string, int64, error) {
		var kind string
		var id int64
		err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			switch {
			case *school != "":
				kind = sdgdt.ScopeSchool
				id, err = tx.SchoolIDByCode(*school)
			case *unit != "":
				kind = sdgdt.ScopeUnit
				id, err = tx.UnitIDByCode(*unit)
			default:
				err = fmt.Errorf("cần --school hoặc --unit")
			}
			return err
		})
		return kind, id, err
	}
	switch args[0] {
	case "create-unit":
		var parentID int64
		if *parent != "" {
			if err := db.View(ctx, func(tx *store.Tx) error { var err error; parentID, err = tx.UnitIDByCode(*parent); return err }); err != nil {
				return err
			}
		}
		u, err := a.CreateUnit(ctx, sys, parentID, *kind, *name, *code)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Đã tạo đơn vị %s (mã %d)\n", u.Name, u.ID)
	case "create-user":
		hk, hid, err := findHome()
		if err != nil {
			return err
		}
		u, pw, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: *username, FullName: *fullName, HomeKind: hk, HomeID: hid, Password: *password})
		if err != nil {
			return describe(err)
		}
		if *role != "" {
			if _, err := a.GrantRole(ctx, sys, u.ID, *role, hk, hid, *duty); err != nil {
				return describe(err)
			}
		}
		fmt.Fprintf(stdout, "Đã tạo tài khoản %s; mật khẩu tạm thời: %s (phải đổi ở lần đăng nhập đầu)\n", u.Username, pw)
	case "reset-password":
		var id int64
		if err := db.View(ctx, func(tx *store.Tx) error { u, err := tx.UserByUsername(*username); id = u.ID; return err }); err != nil {
			return describe(err)
		}
		pw, err := a.ResetPassword(ctx, sys, id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Mật khẩu tạm thời mới của %s: %s\n", *username, pw)
	case "grant":
		hk, hid, err := findHome()
		if err != nil {
			return err
		}
		var id int64
		if err := db.View(ctx, func(tx *store.Tx) error { u, err := tx.UserByUsername(*username); id = u.ID; return err }); err != nil {
			return describe(err)
		}
		if _, err := a.GrantRole(ctx, sys, id, *role, hk, hid, *duty); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Đã cấp vai trò %s cho %s\n", *role, *username)
	default:
		fmt.Fprint(stderr, adminUsage)
		return exitError(2)
	}
	return nil
}

// describe turns a validation error into one readable line with its fields.
func describe(err error) error {
	msg := sdgdt.ErrorMessage(err)
	for k, v := range sdgdt.ErrorFields(err) {
		msg += fmt.Sprintf("\n  %s: %s", k, v)
	}
	if sdgdt.ErrorCode(err) == sdgdt.EINTERNAL {
		return err
	}
	return fmt.Errorf("%s", msg)
}
