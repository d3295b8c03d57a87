// Command tool is the shop's admin tool.
package main

import "example.com/shop/internal/version"

func main() { println(version.String()) }
