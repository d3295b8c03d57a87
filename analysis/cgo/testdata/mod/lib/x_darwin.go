package lib

import "C"
