//go:build amd64 || mips64 || mips64le

package a
