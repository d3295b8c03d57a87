package main

func platformName() string { return "darwin" }
