package a

import "fmt"

// Messy has two badly formatted regions; the fix must touch only those.
func Messy( x int ) string { // want "file is not gofmt-formatted"
	return fmt.Sprint(x)
}

var (
	short = 1
	muchLonger = 2
)
