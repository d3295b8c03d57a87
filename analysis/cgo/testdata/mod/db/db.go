package db

type cgoError struct{}

func (cgoError) Error() string { return "db: built without cgo" }

var errNoCgo error = cgoError{}
