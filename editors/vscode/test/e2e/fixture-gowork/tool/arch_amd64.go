package main

func archName() string { return "amd64" }
