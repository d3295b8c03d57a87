//go:build plan9

package main

func plan9only() {}
