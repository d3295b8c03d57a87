package b

import "chain/c" // want `^chain/c needs cgo: c.go imports "C" and nothing replaces it when CGO_ENABLED=0; enable cgo for these targets or use a package that works without it$`

func B() error { return c.Connect() }
