package a

import (
	"errors"

	"chain/b" // want `chain/c needs cgo: c.go imports "C" \(via chain/a -> chain/b -> chain/c\)`
)

var _ = errors.Is(b.B(), nil)
