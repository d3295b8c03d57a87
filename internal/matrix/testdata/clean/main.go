package main

import (
	"fmt"
	"os"
	"runtime"

	"example.com/clean/sub"
)

func main() {
	fmt.Println(runtime.GOOS, sub.Name(), len(os.Args))
}
