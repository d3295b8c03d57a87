package a

import "fmt"

func use() {
	fmt.Println(platformName()) // want `undefined: platformName \(defined for darwin, windows\)`
	var h handle
	h.close() // want `h.close undefined \(type handle has no field or method close\) \(defined for windows\)`
	_ = everywhere()
}

func everywhere() int { return 1 }

type handle struct{}
