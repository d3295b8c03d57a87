//go:build cgo

package userfallback

/*
static int mygetpwnam_r(const char *name) { return 0; }
*/
import "C" // want `the package works without it, with lookup_unix.go: nothing to do$`

func _C_getpwnam_r(name string) int { return int(C.mygetpwnam_r(nil)) }
