package web_test

import (
	"os"
	"testing"

	"sdgdt/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}
