package asmpkg

// add is implemented in assembly on amd64 only.
func add(a, b int) int

func Sum(a, b int) int { return add(a, b) }
