package b

import "chain/c" // want `chain/c needs cgo: c.go imports "C"$`

func B() error { return c.Connect() }
