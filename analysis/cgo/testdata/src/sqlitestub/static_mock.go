//go:build !cgo

package sqlitestub

import (
	"database/sql"
	"database/sql/driver"
	"errors"
)

var errorMsg = errors.New("Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub")

func init() {
	sql.Register("sqlite3", &SQLiteDriver{})
}

type (
	SQLiteDriver struct {
		Extensions  []string
		ConnectHook func(*SQLiteConn) error
	}
	SQLiteConn struct{}
)

func (SQLiteDriver) Open(s string) (driver.Conn, error)                   { return nil, errorMsg }
func (c *SQLiteConn) RegisterFunc(string, any, bool) error                { return errorMsg }
func (c *SQLiteConn) RegisterUpdateHook(func(int, string, string, int64)) {}
