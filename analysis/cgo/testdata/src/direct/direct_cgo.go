package direct

// static int answer(void) { return 42; }
import "C" // want `this file imports "C" and is left out of the build when CGO_ENABLED=0`

func Answer() int { return int(C.answer()) }
