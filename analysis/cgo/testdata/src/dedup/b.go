package dedup

import (
	"chain/b"
	"chain/c"
	"promfallback"
)

var _ = b.B
var _ = c.Connect
var _ = promfallback.Collect
