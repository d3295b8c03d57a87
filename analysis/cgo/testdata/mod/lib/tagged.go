//go:build cgo && sometag

package lib

import "C"
