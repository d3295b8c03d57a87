// Package sqlite needs cgo: without it, Open only fails.
package sqlite

// static int open_db(void) { return 0; }
import "C"

func Open() error {
	C.open_db()
	return nil
}
