package a

import (
	"errors"

	"chain/b" // reaches chain/c through chain/b, which reports it
)

var _ = errors.Is(b.B(), nil)
