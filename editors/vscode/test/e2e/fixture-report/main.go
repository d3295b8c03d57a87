// Command shop serves the shop.
package main

import (
	"fmt"

	"example.com/shop/internal/platform"
	"example.com/shop/internal/store"
	"example.com/shop/internal/version"
)

func main() {
	fmt.Println(version.String(), platform.ConfigDir(), store.Open())
}
