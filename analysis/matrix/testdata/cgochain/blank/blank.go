// Package blank registers a cgo driver as database/sql users do.
package blank

import _ "chain/c" // want `chain/c needs cgo: c.go imports "C"$`
