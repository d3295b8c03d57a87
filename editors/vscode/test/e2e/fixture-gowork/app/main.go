// Command app prints the tool's name and the platform it runs on.
package main

import (
	"fmt"

	"example.com/tool/lib"
)

func main() {
	fmt.Println(lib.Name(), "on", platformName())
}
