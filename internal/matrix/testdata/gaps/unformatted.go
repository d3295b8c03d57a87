package main

func   ugly( ) int {
return 1}
