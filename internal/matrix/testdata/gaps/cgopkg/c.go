package cgopkg

// static int version(void) { return 3; }
import "C"

func cVersion() int { return int(C.version()) }
