//go:build !unix

package storetest

import "os/exec"

func canRunPostgres() string { return "replication tests run on Unix only" }

func chownPostgres(string) error { return nil }

func asPostgres(*exec.Cmd) error { return nil }
