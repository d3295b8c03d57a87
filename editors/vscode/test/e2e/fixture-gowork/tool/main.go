// Command tool prints the CPU it was built for.
package main

import "fmt"

func main() {
	fmt.Println("built for", archName())
}
