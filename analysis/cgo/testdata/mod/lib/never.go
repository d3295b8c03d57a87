//go:build ignore

package lib

import "C"
