package vetfixture

// #include <stdlib.h>
import "C"

func cgoOnly() {}
