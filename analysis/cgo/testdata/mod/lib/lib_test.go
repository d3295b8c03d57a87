//go:build cgo

package lib

import "testing"

func TestDescribe(t *testing.T) { Describe() }
