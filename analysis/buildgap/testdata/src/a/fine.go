//go:build (linux || windows) && !integration

package a
