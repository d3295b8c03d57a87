//go:build integration && !integration

package a
