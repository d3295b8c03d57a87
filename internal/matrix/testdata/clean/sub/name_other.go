//go:build !windows

package sub

const name = "other"
