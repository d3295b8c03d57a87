package main

import "example.com/fixture/db"

func main() {
	if err := db.Open(); err != nil {
		panic(err)
	}
}
