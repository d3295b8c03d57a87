//go:build linux && windows

package main

func never() {}
