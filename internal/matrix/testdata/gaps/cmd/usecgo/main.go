package main

import (
	"fmt"

	"example.com/gaps/cgoonly"
)

func main() { fmt.Println(cgoonly.Two()) }
