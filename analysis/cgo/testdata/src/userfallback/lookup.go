// Package userfallback is modelled on the standard library's os/user:
// with cgo it asks the C library; without cgo lookup_unix.go reads
// /etc/passwd. The C helpers have no counterpart, and need none: the
// package works without cgo.
package userfallback

type User struct{ Uid, Username string }

func Lookup(username string) (*User, error) { return lookupUser(username) }
