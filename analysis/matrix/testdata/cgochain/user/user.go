package user

import "chain/c" // want `chain/c needs cgo`

func Use() error {
	var db c.DB
	db.Exec()       // want `method c.DB.Exec is defined only in a cgo file of chain/c \(c.go\)`
	c.Free()        // want `c.Free is defined only in a cgo file of chain/c \(c.go\), which is left out when CGO_ENABLED=0`
	return c.Open() // want `c.Open is defined only in a cgo file of chain/c \(c.go\)`
}
