//go:build unix

package storetest

import (
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// PostgreSQL's server refuses to run as root: a test run as root starts it,
// and makes its folders, as the postgres user.

func postgresUser() (uid, gid int, ok bool) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, false
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	return uid, gid, err1 == nil && err2 == nil
}

// canRunPostgres returns why the server cannot be started here, or "".
func canRunPostgres() string {
	if os.Geteuid() != 0 {
		return ""
	}
	if _, _, ok := postgresUser(); !ok {
		return "running as root without a postgres user to start PostgreSQL as: replication tests skipped"
	}
	return ""
}

func chownPostgres(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	uid, gid, _ := postgresUser()
	return os.Chown(path, uid, gid)
}

func asPostgres(cmd *exec.Cmd) error {
	if os.Geteuid() != 0 {
		return nil
	}
	uid, gid, _ := postgresUser()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	return nil
}
