package b

import "os"

var n int = "x" // want `cannot use "x"`

func f() { _ = os.Args }
