// Package blank registers a cgo driver as database/sql users do.
package blank

import _ "chain/c" // want `^chain/c needs cgo: c.go imports "C" and nothing replaces it when CGO_ENABLED=0; enable cgo for these targets or use a package that works without it$`
