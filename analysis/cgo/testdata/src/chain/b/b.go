package b

import "chain/c" // want `chain/c needs cgo: c_cgo.go imports "C"$`

func B() error { return c.Connect() }
