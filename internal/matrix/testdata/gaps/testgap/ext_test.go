package testgap_test

import (
	"syscall"
	"testing"

	"example.com/gaps/testgap"
)

// syscall.Stat_t has no Ino field on windows and plan9.
func TestStat(t *testing.T) {
	var st syscall.Stat_t
	_ = st.Ino
	_ = testgap.Lib()
}
