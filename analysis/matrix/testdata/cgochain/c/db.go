package c

// DB is declared without cgo too; some of its methods are not.
type DB struct{}
