package app_test

import (
	"os"
	"testing"

	"sdgdt/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.StopReplication() // the primary and standby of the replica tests
	os.Exit(code)
}
