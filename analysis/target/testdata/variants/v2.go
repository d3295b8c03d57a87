//go:build amd64.v2 && !amd64.v3

package variants
