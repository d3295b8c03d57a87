package main

import (
	"fmt"

	"example.com/gaps/winonly"
)

func main() { fmt.Println(winonly.Registry()) }
