//go:build ignore

package goosonly

import "C"
