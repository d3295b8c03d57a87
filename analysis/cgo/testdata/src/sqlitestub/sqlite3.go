package sqlitestub

/*
static int sqlite3_open_v2(const char *name) { return 0; }
*/
import "C" // want `^this file imports "C" and is left out of the build when CGO_ENABLED=0; in its place SQLiteConn.RegisterFunc, SQLiteDriver.Open only fail at run time \(static_mock.go\): enable cgo for these targets or make the fallback work$`
import "database/sql/driver"

type SQLiteDriver struct {
	Extensions  []string
	ConnectHook func(*SQLiteConn) error
}

type SQLiteConn struct{ db *C.char }

type SQLiteStmt struct{ c *SQLiteConn }

// ErrNo is declared only with cgo: importers that use it do not build.
type ErrNo int

func (d *SQLiteDriver) Open(dsn string) (driver.Conn, error) {
	C.sqlite3_open_v2(nil)
	return nil, nil
}

func (c *SQLiteConn) RegisterFunc(name string, impl any, pure bool) error { return nil }

func (c *SQLiteConn) RegisterUpdateHook(func(int, string, string, int64)) {}
